// Zero-downtime benchmark of the local target: fixed-rate load through Runway's proxy while the agent deploys a
// new release and rolls back 20 times each, then the same app, load and 20 + 20 reloads under `pm2 reload`
// (cluster mode, 2 instances). Counts failed requests, compares latency around the switches with steady state,
// and times how long traffic takes to move. Build first (`npm run bench` does).
import { loadavg } from 'node:os';
import { runPm2 } from './pm2-scenario.js';
import { mdTable, writeResult } from './result.js';
import { runRunway } from './runway-scenario.js';
import { achievedRate, dist, failureSummary, latencySplit, ms, stats, WINDOW_MS } from './timeline.js';

const OPTIONS = { rate: 1000, connections: 20, warmupMs: 2000, steadyMs: 8000, cycles: 20, gapMs: 1000 };
const log = (line) => process.stdout.write(`${line}\n`);

/** Numbers of one contender from its raw scenario records. */
function summarise(records, startedAt, loadBefore) {
  const forward = records.ops.filter((op) => op.kind === 'forward');
  const back = records.ops.filter((op) => op.kind === 'back');
  const since = (ops, field, from = 'requestedAt') =>
    stats(ops.filter((op) => op[field] !== undefined).map((op) => op[field] - op[from]));
  const summary = {
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    achievedRate: achievedRate(records.load),
    probe: {
      requests: records.probe.samples.sent.length,
      intervalMs: intervals(records.probe.samples.sent),
    },
    failures: failureSummary(records.load, records.probe.failures, records.ops),
    latency: latencySplit(records.load.responses, records.steady, records.ops),
    forward: {
      count: forward.length,
      neverSettled: forward.filter((op) => op.allAt === undefined).length,
      callMs: since(forward, 'doneAt'),
      toFirstMs: since(forward, 'firstAt'),
      toAllMs: since(forward, 'allAt'),
    },
    back: {
      count: back.length,
      neverSettled: back.filter((op) => op.allAt === undefined).length,
      callMs: since(back, 'doneAt'),
      toFirstMs: since(back, 'firstAt'),
      toAllMs: since(back, 'allAt'),
    },
  };
  summary.ops = records.ops.map((op) => relative(op));
  if (forward[0]?.healthyAt !== undefined) {
    summary.forward.healthyToAllMs = since(forward, 'allAt', 'healthyAt');
    summary.forward.healthyToSwitchedMs = since(forward, 'switchedAt', 'healthyAt');
    summary.back.agentSwitchMs = stats(back.map((op) => op.switchMs));
  }
  return summary;
}

/** The markdown section: traffic side by side, how long the moves took, what it shows and how it was measured. */
function markdown(runway, pm2) {
  const f = (s) => s.failures;
  const lat = (s) => `${ms(s.p50)} / ${ms(s.p99)}`;
  const traffic = mdTable(['', 'Runway (deploy, pointer-switch rollback)', 'pm2 reload (cluster mode, 2 instances)'], [
    ['load requests sent (2xx)', `${f(runway).requests} (${f(runway).ok})`, `${f(pm2).requests} (${f(pm2).ok})`],
    ['**failed requests**', `**${f(runway).failed}** ${kinds(f(runway).byKind)}`, `**${f(pm2).failed}** ${kinds(f(pm2).byKind)}`],
    ['failed probe requests', `${f(runway).probeFailed} of ${runway.probe.requests}`, `${f(pm2).probeFailed} of ${pm2.probe.requests}`],
    ['achieved rate', `${runway.achievedRate} req/s`, `${pm2.achievedRate} req/s`],
    ['latency p50 / p99, steady', lat(runway.latency.steady), lat(pm2.latency.steady)],
    [`latency p50 / p99, within ${WINDOW_MS / 1000} s of a switch`, lat(runway.latency.switching), lat(pm2.latency.switching)],
    ['latency max, steady / switches', `${ms(runway.latency.steady.max)} / ${ms(runway.latency.switching.max)}`,
      `${ms(pm2.latency.steady.max)} / ${ms(pm2.latency.switching.max)}`],
  ]);
  const moves = mdTable([`p50 / p99 / max over ${OPTIONS.cycles}`, 'Runway', 'pm2'], [
    ['new version: the call (deploy / reload) took', dist(runway.forward.callMs), dist(pm2.forward.callMs)],
    ['new version: requested → first answer from it', dist(runway.forward.toFirstMs), dist(pm2.forward.toFirstMs)],
    ['new version: requested → 100 % of answers from it', dist(runway.forward.toAllMs), dist(pm2.forward.toAllMs)],
    ['**switch time**: new version healthy → 100 % of answers from it', dist(runway.forward.healthyToAllMs), 'n/a (no healthy signal)'],
    ['healthyAt → switchedAt (agent timestamps, 1 ms resolution)', dist(runway.forward.healthyToSwitchedMs), 'n/a'],
    ['roll back: the call (switch / reload) took', dist(runway.back.callMs), dist(pm2.back.callMs)],
    ['**rollback time**: requested → 100 % of answers from the old version', dist(runway.back.toAllMs), dist(pm2.back.toAllMs)],
    ['roll back inside the agent (health probe + pointer move)', dist(runway.back.agentSwitchMs), 'n/a'],
  ]);
  const unsettled = runway.forward.neverSettled + runway.back.neverSettled + pm2.forward.neverSettled + pm2.back.neverSettled;
  const shows = `**What it shows.** Over ${OPTIONS.cycles} deploys and ${OPTIONS.cycles} rollbacks Runway failed ` +
    `${f(runway).failed} of ${f(runway).requests} requests, pm2 failed ${f(pm2).failed} of ${f(pm2).requests} over ` +
    `${OPTIONS.cycles * 2} reloads${f(pm2).failed ? ` (${plainKinds(f(pm2).byKind)})` : ''}. ` +
    `A Runway rollback is a pointer switch to the warm previous release: 100 % of answers came from it ` +
    `${ms(runway.back.toAllMs.p50)} after it was requested (p99 ${ms(runway.back.toAllMs.p99)}), where pm2 reloads ` +
    `again (${ms(pm2.back.toAllMs.p50)}).`;
  const method = `**Method.** ${OPTIONS.rate} req/s of \`GET /api/orders\` (autocannon, ${OPTIONS.connections} keep-alive ` +
    'connections, each one\'s quota paced in 100 ms windows and staggered so requests arrive evenly) through a ' +
    `${OPTIONS.warmupMs / 1000} s warm-up, ${OPTIONS.steadyMs / 1000} s of steady state and ${OPTIONS.cycles} cycles of ` +
    `new version → ${OPTIONS.gapMs / 1000} s → back → ${OPTIONS.gapMs / 1000} s; a failure is a non-2xx answer, a socket ` +
    'error, a timeout (10 s) or a request whose connection closed before its answer, and "within a switch" means sent ' +
    `from ${WINDOW_MS / 1000} s before an operation was requested to ${WINDOW_MS / 1000} s after it returned. Runway deploys ` +
    'a new release id from a second directory (2.0.0) each cycle and rolls back to 1.0.0; pm2 rebuilds the version ' +
    'in place and runs `pm2 reload`, as `git pull && pm2 reload` would. A probe loop (one request at a time, 1 ms ' +
    'apart, 2 s timeout: kept alive through Runway\'s proxy, a new connection each time for pm2 so it reaches both ' +
    'workers) reads ' +
    '`x-runway-release` or the app\'s version and dates when 100 % of answers come from the target (a failed probe ' +
    'request counts against it); its resolution ' +
    `(probe interval p50 / p99) was ${lat(runway.probe.intervalMs)} (Runway), ${lat(pm2.probe.intervalMs)} (pm2). ` +
    `Runway ${runway.seconds} s, pm2 ${pm2.seconds} s; 1-minute load average before / after: ` +
    `${runway.loadAverage.before} / ${runway.loadAverage.after} and ${pm2.loadAverage.before} / ${pm2.loadAverage.after}.`;
  const note = unsettled ? `${unsettled} operation(s) never reached 100 % before the next one (see the JSON).\n\n` : '';
  return `${traffic}\n\n${moves}\n\n${note}${shows}\n\n${method}`;
}

// Time between consecutive probe requests: the resolution of the "100 %" moments.
function intervals(sent) {
  return stats(sent.slice(1).map((at, i) => at - sent[i]));
}

// One operation with its times relative to when it was requested (ms).
function relative(op) {
  const out = { kind: op.kind, i: op.i, target: op.target };
  for (const field of ['doneAt', 'firstAt', 'allAt', 'healthyAt', 'switchedAt']) {
    if (op[field] !== undefined) out[field.replace(/At$/, 'Ms')] = Math.round((op[field] - op.requestedAt) * 100) / 100;
  }
  if (op.switchMs !== undefined) out.agentSwitchMs = Math.round(op.switchMs * 100) / 100;
  return out;
}

// The kinds of failure in words: "reset connections, requests unanswered for 10 s".
function plainKinds(byKind) {
  const words = Object.keys(byKind).map((k) => (k.startsWith('error: ECONNRESET') ? 'reset connections'
    : k.startsWith('error') ? 'socket errors' : k.startsWith('closed') ? 'connections closed before the answer'
      : k.startsWith('timeout') ? 'requests unanswered for 10 s' : 'non-2xx answers'));
  return [...new Set(words)].join(', ');
}

// "(3 × error: ECONNRESET, …)" or nothing.
function kinds(byKind) {
  const entries = Object.entries(byKind);
  return entries.length ? `(${entries.map(([k, n]) => `${n} × ${k}`).join(', ')})` : '';
}

log(`Runway: ${OPTIONS.cycles} deploys + ${OPTIONS.cycles} rollbacks under ${OPTIONS.rate} req/s`);
let startedAt = Date.now();
let before = loadavg()[0];
const runway = summarise(await runRunway({ ...OPTIONS, log }), startedAt, before);
log(`pm2: ${OPTIONS.cycles} + ${OPTIONS.cycles} reloads under ${OPTIONS.rate} req/s`);
startedAt = Date.now();
before = loadavg()[0];
const pm2 = summarise(await runPm2({ ...OPTIONS, log }), startedAt, before);
writeResult('zero-downtime', 'Zero-downtime switches: Runway vs pm2 reload', { options: OPTIONS, windowMs: WINDOW_MS, runway, pm2 },
  markdown(runway, pm2));
// pm2's client library keeps a timer alive after its daemon is gone; every process of the run is stopped by now.
process.exit(0);
