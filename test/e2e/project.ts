/**
 * End-to-end helpers: a temp git project made from examples/shop-dashboard, and the real CLI run as a child
 * process (`node bin/runway.js`), with every output kept so tests can grep it for secrets.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(root, 'bin', 'runway.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestProject {
  dir: string;
  /** Every stdout/stderr the CLI printed in this project. */
  outputs: string[];
  runway(args: string[], opts?: { env?: Record<string, string> }): Promise<CliResult>;
  spawnRunway(args: string[], opts?: { env?: Record<string, string> }): ChildProcess & { result: Promise<CliResult> };
  git(...args: string[]): string;
  write(file: string, text: string): void;
  read(file: string): string;
  edit(file: string, from: string, to: string): void;
  commit(message: string): void;
  cleanup(): Promise<void>;
}

/** Makes a git project from an example (default shop-dashboard), optionally rewriting its runway.yaml. */
export function makeProject(opts: { example?: string; config?: (yaml: string) => string; env?: Record<string, string> } = {}): TestProject {
  const dir = mkdtempSync(join(tmpdir(), 'runway-e2e-'));
  cpSync(join(root, 'examples', opts.example ?? 'shop-dashboard'), dir, { recursive: true });
  const outputs: string[] = [];
  const baseEnv = { ...process.env, RUNWAY_ACTOR: 'e2e@runway.test', NO_COLOR: '1', ...opts.env };
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const project: TestProject = {
    dir,
    outputs,
    spawnRunway(args, o = {}) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...baseEnv, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      const result = new Promise<CliResult>((resolve) =>
        child.on('close', (code) => {
          outputs.push(stdout, stderr);
          resolve({ code, stdout, stderr });
        }));
      return Object.assign(child, { result });
    },
    runway(args, o = {}) {
      return project.spawnRunway(args, o).result;
    },
    git,
    write: (file, text) => writeFileSync(join(dir, file), text),
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    edit(file, from, to) {
      const text = project.read(file);
      if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
      project.write(file, text.replace(from, to));
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
    },
    async cleanup() {
      await project.runway(['down']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.config) project.write('runway.yaml', opts.config(project.read('runway.yaml')));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'e2e@runway.test');
  git('config', 'user.name', 'Runway e2e');
  project.commit('v1');
  return project;
}

/** GET a URL; returns status, body and the release that answered. */
export async function get(url: string): Promise<{ status: number; body: string; release: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), release: res.headers.get('x-runway-release') };
}

/** The environment URLs from `runway status --json`. */
export async function statusOf(p: TestProject): Promise<Record<string, { release: string | null; url: string | null; healthy: boolean | null; lock: unknown; lastRun: { outcome: string } | null }>> {
  const r = await p.runway(['status', '--json']);
  if (r.code !== 0) throw new Error(`runway status failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { environments: Array<{ environment: string }> };
  return Object.fromEntries(parsed.environments.map((e) => [e.environment, e])) as never;
}
