// One zero-downtime scenario, the same for every contender: fixed-rate load and a probe loop run throughout;
// after a warm-up and a steady period, `cycles` times: move to a new version, wait, move back, wait.
import { startLoad } from './load.js';
import { now, settledOn, startProbe } from './probe.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the scenario against a driver { url, origin, versionOf, freshProbe?, forward(i), back(i) } where forward and
 * back perform one operation and resolve with { target (the version that should answer afterwards), ...details }.
 * Returns { load, probe, steady, ops } with every operation's timings measured by the probe.
 */
export async function runScenario(driver, { rate, connections, warmupMs, steadyMs, cycles, gapMs, log }) {
  const load = await startLoad({ url: driver.url, rate, connections });
  let probe;
  try {
    probe = startProbe({ origin: driver.origin, versionOf: driver.versionOf, fresh: driver.freshProbe });
    const loadStart = now();
    await sleep(warmupMs + steadyMs);
    const steady = { from: loadStart + warmupMs, to: now() };
    const ops = [];
    // Runs one operation and records when it was requested and when it returned.
    const operate = async (kind, i, fn) => {
      const requestedAt = now();
      const details = await fn(i);
      ops.push({ kind, i, requestedAt, doneAt: now(), ...details });
      await sleep(gapMs);
    };
    for (let i = 1; i <= cycles; i++) {
      await operate('forward', i, driver.forward);
      await operate('back', i, driver.back);
      if (i % 5 === 0) log(`  ${i}/${cycles} cycles`);
    }
    const probeReport = await probe.stop();
    probe = undefined;
    const loadReport = await load.stop();
    timeOps(ops, probeReport.samples, now());
    return { load: loadReport, probe: probeReport, steady, ops };
  } finally {
    if (probe) await probe.stop().catch(() => undefined);
    load.kill();
  }
}

// Adds to each operation when its target version answered first and when it answered every request.
function timeOps(ops, samples, end) {
  ops.forEach((op, index) => {
    const until = ops[index + 1]?.requestedAt ?? end;
    const { first, all } = settledOn(samples, op.target, op.requestedAt, until);
    op.firstAt = first;
    op.allAt = all;
  });
}
