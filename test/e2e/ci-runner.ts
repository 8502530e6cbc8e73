/**
 * A simulated GitHub Actions runner for end-to-end tests: the variables a job's step gets (GITHUB_ACTIONS,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, RUNNER_TEMP, the actor, repository, commit, ref and run), one step
 * run as a child process with fresh runner files, and the runner's reading of `$GITHUB_OUTPUT`.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The job's variables: a push of `develop` in acme/shop by octocat, workflow run 4242. */
export function job(workspace: string, sha: string): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_WORKSPACE: workspace, GITHUB_ACTOR: 'octocat', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: sha,
    GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', GITHUB_WORKFLOW: 'Deploy staging',
    GITHUB_REF: 'refs/heads/develop', GITHUB_REF_NAME: 'develop', GITHUB_REF_TYPE: 'branch', GITHUB_EVENT_NAME: 'push',
  };
}

/** What one step printed and left in the runner's files. */
export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
  summary: string;
  /** `$GITHUB_OUTPUT` as the runner reads it. */
  outputs: Record<string, string>;
}

/**
 * Runs one step in `dir`: the action's entry point with `inputs` as INPUT_* variables, or `bin/runway.js` with `cli`.
 * Only PATH and HOME come from this process; every printed text and written file is pushed to `kept`.
 */
export async function runStep(o: { dir: string; runner: string; entry: string; cli?: string[]; inputs: Record<string, string>;
  env: Record<string, string>; kept: string[] }): Promise<StepResult> {
  const n = readdirSync(o.runner).length;
  const files = { GITHUB_OUTPUT: join(o.runner, `output-${n}`), GITHUB_STEP_SUMMARY: join(o.runner, `summary-${n}`), GITHUB_ENV: join(o.runner, `env-${n}`) };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const child = spawn(process.execPath, o.cli ? [join(root, 'bin', 'runway.js'), ...o.cli] : [o.entry], {
    cwd: o.dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH!, HOME: process.env.HOME!, NO_COLOR: '1', ...files, RUNNER_TEMP: o.runner, ...o.env,
      ...Object.fromEntries(Object.entries(o.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const output = readFileSync(files.GITHUB_OUTPUT, 'utf8');
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
  o.kept.push(stdout, stderr, output, summary);
  return { code, stdout, stderr, output, summary, outputs: readOutputs(output) };
}

/** The runner's reading of `$GITHUB_OUTPUT`: `name<<DELIM` … `DELIM` blocks, nothing else. */
export function readOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([\w-]+)<<(ghadelimiter_[0-9a-f-]{36})$/.exec(lines[i]!);
    if (!m) {
      if (lines[i]) throw new Error(`not an output line: ${lines[i]}`);
      continue;
    }
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    if (i >= lines.length) throw new Error(`output ${m[1]}: no closing delimiter`);
    out[m[1]!] = value.join('\n');
  }
  return out;
}
