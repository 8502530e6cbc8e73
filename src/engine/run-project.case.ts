/**
 * Test helper: a temp git project driven in-process through the engine (openProject, a release of the current
 * commit, executeRun), with the embedded store under its `.runway/`. Used by tests only.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunKind, RunRecord } from '../types.js';
import { openProject, type ProjectContext } from './context.js';
import { executeRun } from './deploy.js';
import { resolveCurrentRelease } from './release.js';

/** The smallest config a command test needs: one local environment whose pipeline is one command that passes. */
export const ONE_ENVIRONMENT = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
pipeline:
  - run: node -e "process.exit(0)"
`;

export interface RunProject {
  dir: string;
  /** Writes files (relative paths) and commits them. */
  commit(files: Record<string, string>): void;
  /** Opens the project (the caller closes `ctx.store`). */
  open(env?: Record<string, string>): Promise<ProjectContext>;
  /** Builds (or finds) the release of the current commit and runs `kind` of it in `environment`. */
  run(environment: string, opts?: { kind?: RunKind; env?: Record<string, string> }): Promise<RunRecord>;
  cleanup(): void;
}

// Runs git in `dir` with a fixed identity.
function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=t@runway.test', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** A project with `files` (runway.yaml among them) committed as its first commit. */
export function runProject(files: Record<string, string>): RunProject {
  const dir = mkdtempSync(join(tmpdir(), 'runway-run-'));
  git(dir, 'init', '-q', '-b', 'main');
  const project: RunProject = {
    dir,
    commit(more) {
      for (const [file, text] of Object.entries(more)) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      writeFileSync(join(dir, '.gitignore'), '.runway/\n');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'change');
    },
    open: (env) => openProject({ dir, env: { ...process.env, RUNWAY_ACTOR: 'test@runway.test', ...env } }),
    async run(environment, opts = {}) {
      const ctx = await project.open(opts.env);
      try {
        const release = await resolveCurrentRelease(ctx);
        return await executeRun(ctx, { kind: opts.kind ?? 'deploy', environment, release, command: `runway deploy ${environment}` });
      } finally {
        await ctx.store.close();
      }
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  project.commit(files);
  return project;
}
