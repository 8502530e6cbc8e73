import { execTools } from '../../exec/tool.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { request } from 'undici';
import { environmentSchema } from '../../config/schema.js';
import type { CliIO } from '../../cli/io.js';
import { register } from '../../cli/up.js';
import { buildAgent, killStrays, removeDirs, tempDir, writeRelease } from './fixtures.case.js';
import { findAgent, createLocalTarget, stopAgent } from './index.js';

const root = tempDir('up');
const projectDir = join(root, 'project');
const stateDir = join(projectDir, '.runway');
let buildDir: string;
let previousEntry: string | undefined;

beforeAll(() => {
  mkdirSync(projectDir, { recursive: true });
  const built = buildAgent();
  buildDir = built.dir;
  previousEntry = process.env.RUNWAY_AGENT_ENTRY;
  process.env.RUNWAY_AGENT_ENTRY = built.entry;
});
afterAll(async () => {
  await stopAgent(stateDir).catch(() => undefined);
  if (previousEntry === undefined) delete process.env.RUNWAY_AGENT_ENTRY;
  else process.env.RUNWAY_AGENT_ENTRY = previousEntry;
  killStrays(root);
  removeDirs(root, buildDir);
});

// Runs `runway <args>` with up/down registered; returns the exit code and what was printed.
async function runway(...args: string[]): Promise<{ out: string; err: string }> {
  const captured = { out: '', err: '' };
  const io: CliIO = { out: (t) => void (captured.out += t), err: (t) => void (captured.err += t), redact: (t) => t, color: false };
  const program = new Command('runway')
    .option('-C, --dir <path>', 'project directory', process.cwd())
    .option('-c, --config <file>', 'config file', 'runway.yaml')
    .exitOverride();
  register(program, io);
  await program.parseAsync(['node', 'runway', '-C', projectDir, ...args]);
  return captured;
}

// Fetches through the proxy: status and serving release, or "refused".
async function served(url: string): Promise<string> {
  return request(url, { reset: true }).then(async (r) => (await r.body.dump(), `${r.statusCode} ${r.headers['x-runway-release']}`),
    () => 'refused');
}

describe('runway up / down', () => {
  let url: string;
  const release = writeRelease(root, 'up-a');

  it('down stops the agent and every app; up -d brings the live release back on the same URL', async () => {
    const ctx = {
      projectDir, stateDir, environment: 'staging', env: {}, log: () => undefined, tools: execTools,
      config: environmentSchema.parse({ target: { local: { start: 'node app.mjs', startTimeout: '10s' } } }),
    };
    url = (await createLocalTarget().deploy(ctx, release)).url;
    const down = await runway('down');
    expect(down.out).toMatch(/^stopped runway agent \(pid \d+\) with every app and proxy\n$/);
    expect(await served(url)).toBe('refused');
    expect((await runway('down')).out).toBe('no runway agent is running\n');

    const up = JSON.parse((await runway('up', '-d', '--json')).out) as {
      agent: { pid: number; started: boolean }; environments: { environment: string; url: string; current: { releaseId: string } }[];
    };
    expect(up.agent.started).toBe(true);
    expect(up.environments).toMatchObject([{ environment: 'staging', url, current: { releaseId: 'up-a', healthy: true } }]);
    expect(await served(url)).toBe('200 up-a');

    const again = await runway('up', '-d');
    expect(again.out).toMatch(/^runway agent already running \(pid \d+\)\n/);
    expect(again.out).toMatch(new RegExp(`staging\\s+${url.replace(/[.]/g, '\\.')}\\s+up-a\\s+healthy`));
    await runway('down');
  });

  it('up in the foreground serves until it is shut down, printing URLs and events', async () => {
    const captured = { out: '' };
    const io: CliIO = { out: (t) => void (captured.out += t), err: () => undefined, redact: (t) => t, color: false };
    const program = new Command('runway').option('-C, --dir <path>', '', process.cwd()).exitOverride();
    register(program, io);
    const running = program.parseAsync(['node', 'runway', '-C', projectDir, 'up']);
    await expect.poll(() => captured.out, { timeout: 15_000 }).toMatch(/runway agent running \(pid \d+\)/);
    expect(captured.out).toMatch(/\[staging\] starting up-a on :\d+/);
    expect(captured.out).toMatch(new RegExp(`staging\\s+${url.replace(/[.]/g, '\\.')}\\s+up-a\\s+healthy`));
    expect(await served(url)).toBe('200 up-a');
    // `runway down` from another terminal asks the agent to shut down; the foreground command then returns.
    await (await findAgent(stateDir))!.shutdown();
    await running;
    expect(captured.out).toMatch(/stopped every app and proxy\n$/);
    expect(await served(url)).toBe('refused');
  });
});
