// Throwaway projects for the CLI benchmarks: a git repository in a temp directory, made from an example or from a
// runway.yaml text, and `runway` run in it. cleanup() stops what Runway started there (`runway down`) and removes it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { atExit } from './cleanup.js';
import { RUNWAY } from './measure.js';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));

/** The environment Runway runs with in the benches (fixed actor, no colour). */
export function benchEnv(extra = {}) {
  return { ...process.env, RUNWAY_ACTOR: 'bench@runway.test', NO_COLOR: '1', ...extra };
}

/**
 * A git project: from `example` (a folder of examples/) or from `yaml` (runway.yaml alone). Returns
 * { dir, env, argv(args), run(args), spawn(args), write(file, text), read(file), commit(msg), cleanup() }.
 */
export function makeProject({ example, yaml, env = {}, gitignore = '.runway/\n' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'runway-bench-project-'));
  if (example) cpSync(join(examples, example), dir, { recursive: true });
  if (yaml) writeFileSync(join(dir, 'runway.yaml'), yaml);
  writeFileSync(join(dir, '.gitignore'), gitignore);
  const fullEnv = benchEnv(env);
  const git = (...args) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const project = {
    dir,
    env: fullEnv,
    argv: (args) => [process.execPath, RUNWAY, ...args],
    run(args, opts = {}) {
      return spawnSync(process.execPath, [RUNWAY, ...args], { cwd: dir, env: { ...fullEnv, ...opts.env }, encoding: 'utf8', timeout: opts.timeoutMs ?? 180_000 });
    },
    spawn(args, opts = {}) {
      return spawn(process.execPath, [RUNWAY, ...args], { cwd: dir, env: { ...fullEnv, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    write: (file, text) => writeFileSync(join(dir, file), text),
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
    },
    git,
    // stops what Runway started here and removes the project (also at exit, when the bench fails half-way)
    cleanup: atExit(() => {
      spawnSync(process.execPath, [RUNWAY, 'down'], { cwd: dir, env: fullEnv, stdio: 'ignore', timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
    }),
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@runway.test');
  git('config', 'user.name', 'Runway bench');
  project.commit('v1');
  return project;
}

/** Runs `runway <args>` in the project and throws unless it exits `code` (default 0); returns the result. */
export function expectRun(project, args, code = 0, opts = {}) {
  const r = project.run(args, opts);
  if (r.status !== code) throw new Error(`runway ${args.join(' ')} exited ${r.status} (expected ${code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}
