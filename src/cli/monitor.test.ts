import { execTools } from '../exec/tool.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentSchema } from '../config/schema.js';
import { RunwayError } from '../errors.js';
import { startTraffic, writeFaultyRelease } from '../monitor/fixtures.case.js';
import { readPause, writePause } from '../monitor/pause.js';
import { buildAgent, killStrays, removeDirs, tempDir } from '../targets/local/fixtures.case.js';
import { createLocalTarget, stopAgent } from '../targets/local/index.js';
import type { CliIO } from './io.js';
import { register } from './monitor.js';

const root = tempDir('monitor-cli');
const stateDir = join(root, '.runway');
let buildDir: string;
let url: string;

beforeAll(async () => {
  const built = buildAgent();
  buildDir = built.dir;
  writeFileSync(join(root, 'runway.yaml'), `project: monitor-cli
environments:
  production:
    target: { local: { start: node app.mjs } }
    monitor: { errorRate: "< 1%", minRequests: 10, window: 2s, every: 250ms, probes: false }
  staging:
    target: { local: { start: node app.mjs } }
`);
  mkdirSync(stateDir, { recursive: true });
  const config = environmentSchema.parse({ target: { local: { start: 'node app.mjs', startTimeout: '10s' } } });
  const ctx = { projectDir: root, stateDir, environment: 'production', env: {}, log: () => undefined, config, tools: execTools };
  ({ url } = await createLocalTarget({ agentEntry: built.entry }).deploy(ctx, writeFaultyRelease(root, 'r1', 'errors')));
}, 60_000);
afterAll(async () => {
  await stopAgent(stateDir).catch(() => undefined);
  killStrays(root);
  removeDirs(root, buildDir);
});

describe('runway monitor', () => {
  it('judges the live release read-only: a breach is reported with exit code 1, nothing is rolled back', async () => {
    const traffic = startTraffic(`${url}/api/orders`, 80);
    const result = await cli(['monitor', 'production', '--for', '3s', '--out', 'out']);
    await traffic.stop();
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^monitoring production \(r1\) read-only: 3\.0s, every 250ms over 2\.0s: errorRate < 1%, p95 < 3s, crashes == 0\n/);
    expect(result.out).toMatch(/^monitor failed after .* \(\d+ requests, \d+ errors, 0 probes, 0 crashes\)\n {2}errorRate \d+(\.\d+)?% > 1% in 1 of \d+ windows? \(failureLimit 0\)\n/);
    expect(result.out).toMatch(/read-only: nothing was rolled back/);
    expect(readFileSync(join(root, 'out', 'monitor.svg'), 'utf8')).toMatch(/^<svg/);
    expect(JSON.parse(readFileSync(join(root, 'out', 'monitor.json'), 'utf8'))).toMatchObject({ verdict: 'failed', releaseId: 'r1' });
  }, 30_000);

  it('--json prints the result on stdout', async () => {
    const result = await cli(['monitor', 'production', '--for', '1s', '--json']);
    expect(result.code).toBe(1); // no traffic: inconclusive
    expect(JSON.parse(result.out)).toMatchObject({ environment: 'production', verdict: 'inconclusive', spec: { forMs: 1000 } });
  }, 30_000);

  it('refuses bad input and environments nothing serves', async () => {
    expect(await cli(['monitor', 'production', '--for', 'soon'])).toMatchObject({ code: 2, err: expect.stringMatching(/--for: "soon" is not a duration/) });
    expect(await cli(['monitor', 'prod'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown environment "prod"/) });
    expect(await cli(['monitor', 'staging', '--for', '1s'])).toMatchObject({ code: 1, err: expect.stringMatching(/staging has no live release/) });
  });
});

describe('runway resume', () => {
  it('answers a paused run; with nothing paused it is refused (exit 3)', async () => {
    expect(await cli(['resume', 'production'])).toMatchObject({ code: 3, err: expect.stringMatching(/nothing to resume: no run in production is paused/) });
    await writePause(stateDir, { runId: 'run-1', environment: 'production', releaseId: 'r1', reasons: ['errorRate 9% > 1%'],
      pausedAt: new Date().toISOString(), until: new Date(Date.now() + 60_000).toISOString() });
    expect(await readPause(stateDir, 'production')).toMatchObject({ runId: 'run-1', pid: process.pid });
    const answered = await cli(['resume', 'production', '--rollback', '--reason', 'orders failing']);
    expect(answered).toMatchObject({ code: 0, out: 'run run-1 rolls production back from r1\n' });
    const answer = JSON.parse(readFileSync(join(stateDir, 'monitor', 'production.answer.json'), 'utf8'));
    expect(answer).toMatchObject({ runId: 'run-1', decision: 'rollback', reason: 'orders failing' });
    expect(existsSync(join(stateDir, 'monitor', 'production.pause.json'))).toBe(true);
  });
});

// Runs `runway <args>` in the test project through this command file's register function.
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), redact: (t) => t, color: false };
  const program = new Command('runway').option('-C, --dir <path>', 'project directory', root)
    .option('-c, --config <file>', 'config file', 'runway.yaml').configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride();
  register(program, io);
  try {
    await program.parseAsync(['node', 'runway', ...args]);
    return { code: 0, out, err };
  } catch (e) {
    if (e instanceof CommanderError) return { code: 2, out, err };
    if (!(e instanceof RunwayError)) throw e;
    return { code: e.exitCode, out, err: err + e.message };
  }
}
