// Twenty `runway deploy staging` started at once on one project whose deploy command waits for a file: exactly
// one may run; every other must exit 3 at once, naming the run holding the lock and its actor. The winner's
// command is released once the others have exited (or after a bound), so the refusals never wait on its work.
// For comparison, twenty `runway history` started the same way (no lock involved): the cost of twenty Node
// processes starting together on this machine.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stats } from './measure.js';

const COUNT = 20;
const BOUND_MS = 120_000;

// Starts `runway <args>` COUNT times at once; resolves each child's { code, stderr, ms } (spawn to exit).
function startAll(project, args, env) {
  return Array.from({ length: COUNT }, () => {
    const started = performance.now();
    const child = project.spawn(args, { env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const killer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
    return new Promise((resolve) => child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, ms: performance.now() - started });
    }));
  });
}

/**
 * Runs the twenty deploys (and the twenty reads) on `project` with `env` (the store's variables). Returns
 * { ran, refused, other, refusalMs, namedHolder, holder, readMs, sample }.
 */
export async function concurrentDeploys(project, env = {}) {
  const go = join(project.dir, 'go');
  rmSync(go, { force: true });
  const runs = startAll(project, ['deploy', 'staging'], env);
  let finished = 0;
  runs.forEach((p) => p.then(() => finished++));
  const until = performance.now() + BOUND_MS;
  while (finished < COUNT - 1 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  project.write('go', '');
  const results = await Promise.all(runs);
  const [last] = JSON.parse(project.run(['history', '--json', '--limit', '1'], { env }).stdout);
  const ran = results.filter((r) => r.code === 0);
  const refused = results.filter((r) => r.code === 3);
  const holder = ran.length === 1 ? last?.id : undefined;
  const names = new RegExp(`staging is locked by run ${holder} \\(started \\S+ by bench@runway\\.test`);
  const reads = await Promise.all(startAll(project, ['history'], env));
  rmSync(go, { force: true });
  return {
    ran: ran.length,
    refused: refused.length,
    other: results.filter((r) => r.code !== 0 && r.code !== 3).map((r) => ({ code: r.code, stderr: r.stderr.slice(0, 500) })),
    refusalMs: stats(refused.map((r) => r.ms)),
    namedHolder: holder ? refused.filter((r) => names.test(r.stderr)).length : 0,
    holder,
    readMs: stats(reads.map((r) => r.ms)),
    readsOk: reads.filter((r) => r.code === 0).length,
    sample: refused[0]?.stderr.trim().split('\n').find((l) => /locked by/.test(l)) ?? refused[0]?.stderr.trim().split('\n').slice(0, 3).join(' / ') ?? null,
  };
}
