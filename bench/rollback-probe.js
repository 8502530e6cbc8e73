// `runway rollback` as a user sees it on the local target: from starting the command to the first answer served
// by the old version. A poller sends GET /health to the environment's URL one request after another (2 ms apart,
// keep-alive) while the CLI runs, and notes when the first answer carrying the old release's x-runway-release
// header arrived. Each round deploys a new commit first (its peak RSS is kept: one deploy's own memory).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawnWithPeak } from './measure.js';

// Polls url until stop(); calls onAnswer(release, receivedAt) for every answer.
function poll(url, onAnswer) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let running = true;
  const once = () => new Promise((resolve) => {
    const req = http.get(`${url}/health`, { agent }, (res) => {
      onAnswer(res.headers['x-runway-release'] ?? null, performance.now());
      res.resume();
      res.on('end', resolve);
    });
    req.setTimeout(2000, () => req.destroy());
    req.on('error', resolve);
  });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return async () => {
    running = false;
    await loop;
    agent.destroy();
  };
}

// The staging environment as `runway status --json` reports it.
function staging(project) {
  const r = project.run(['status', '--json']);
  if (r.status !== 0) throw new Error(`runway status failed: ${r.stderr}`);
  return JSON.parse(r.stdout).environments.find((e) => e.environment === 'staging');
}

// Deploys the project's current commit to staging; returns its peak RSS and wall.
async function deploy(project) {
  const r = await spawnWithPeak(project.argv(['deploy', 'staging']), { cwd: project.dir, env: project.env });
  if (r.code !== 0) throw new Error(`runway deploy staging exited ${r.code}:\n${r.stderr}`);
  return { peakMB: r.peakMB, wallMs: r.wallMs };
}

/**
 * Runs `rounds` rounds on a local-target project that has one release deployed to staging: commit, deploy,
 * then time `runway rollback staging`. Returns { deploys: [{ peakMB, wallMs }], rollbacks: [{ firstOldMs, cliMs, runMs, switchMs (the rollback step: switch, then checks), pointerMs, peakMB, from, to }] }.
 */
export async function measureRollbacks(project, rounds) {
  const deploys = [await deploy(project)];
  const rollbacks = [];
  for (let i = 0; i < rounds; i++) {
    const old = staging(project).serving;
    project.write('VERSION', `${i + 2}\n`);
    project.commit(`v${i + 2}`);
    deploys.push(await deploy(project));
    const env = staging(project);
    if (env.serving === old || !env.warm.includes(old)) throw new Error(`expected ${old} warm behind ${env.serving}, got ${JSON.stringify(env.warm)}`);
    let firstOld;
    const answers = { old: 0, other: 0 };
    let t0 = 0;
    const stop = poll(env.url, (release, at) => {
      if (!t0) return;
      if (release === old) {
        answers.old++;
        firstOld ??= at - t0;
      } else {
        answers.other++;
      }
    });
    await new Promise((r) => setTimeout(r, 50)); // the poller's connection is open and answering
    t0 = performance.now();
    const cli = await spawnWithPeak(project.argv(['rollback', 'staging', '--reason', 'bench: time to the old version']), { cwd: project.dir, env: project.env });
    await new Promise((r) => setTimeout(r, 20));
    await stop();
    if (cli.code !== 0) throw new Error(`runway rollback staging exited ${cli.code}:\n${cli.stderr}`);
    if (firstOld === undefined) throw new Error(`no answer from ${old} seen after the rollback`);
    const run = /rollback staging · release \S+ · run \S+ · (\d+)ms/.exec(cli.stderr);
    const step = /rollback to \S+ \((\d+)ms\)/.exec(cli.stderr);
    const pointer = /pointer switch, (\d+)ms/.exec(cli.stderr);
    rollbacks.push({
      firstOldMs: firstOld, cliMs: cli.wallMs, runMs: run ? Number(run[1]) : NaN, switchMs: step ? Number(step[1]) : NaN,
      pointerMs: pointer ? Number(pointer[1]) : NaN,
      peakMB: cli.peakMB, from: env.serving, to: old, answers,
    });
  }
  return { deploys, rollbacks };
}
