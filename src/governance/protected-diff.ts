/**
 * The protected paths a release changes: git's file list between the environment's known-good release and the
 * release (with a release built from uncommitted changes, the working tree and its untracked files), matched
 * against `policy.protected`. An environment with no known-good release yet compares against the empty tree, so
 * a first release that holds protected files needs an approval too.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ProjectContext } from '../engine/context.js';
import { GateError } from '../errors.js';
import { findRelease } from '../store/releases.js';
import { knownGood } from '../store/runs.js';
import type { Release } from '../types.js';
import { changedFilesArgv, parseChangedFiles, protectedChanges, type ProtectedChange } from './protected-paths.js';

const execGit = promisify(execFile);

/** git's empty tree: what a first release is compared with. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

// Runs git in the project; a failure is a refusal (exit 3): protected paths are never skipped.
async function git(projectDir: string, args: string[]): Promise<string> {
  try {
    return (await execGit('git', args, { cwd: projectDir, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    const why = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0];
    throw new GateError(`refused: cannot list the files changed since known-good (git ${args.slice(0, 2).join(' ')}: ${why}); ` +
      'policy.protected cannot be judged without it: fetch the commits into this checkout, then try again');
  }
}

/** The commit the environment's known-good release was built from, or the empty tree when it has none. */
async function knownGoodCommit(ctx: ProjectContext, environment: string, release: Release): Promise<string> {
  const sha = await ctx.store.use(async (db) => {
    const id = await knownGood(db, environment, release.id);
    return id ? (await findRelease(db, id))?.sha : undefined;
  });
  return sha ?? EMPTY_TREE;
}

/** The protected paths `release` changes in `environment` since its known-good release (empty without patterns). */
export async function protectedChangesOf(ctx: ProjectContext, environment: string, release: Release, patterns: readonly string[]): Promise<ProtectedChange[]> {
  if (patterns.length === 0) return [];
  const from = await knownGoodCommit(ctx, environment, release);
  const files = parseChangedFiles(await git(ctx.projectDir, changedFilesArgv(from, release.sha)));
  if (release.dirty) {
    // the working tree against known-good, and the files git does not track yet
    files.push(...parseChangedFiles(await git(ctx.projectDir, ['diff', '--name-only', '--no-renames', '-z', from, '--'])));
    files.push(...parseChangedFiles(await git(ctx.projectDir, ['ls-files', '--others', '--exclude-standard', '-z'])));
  }
  return protectedChanges(patterns, files);
}
