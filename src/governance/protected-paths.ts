/**
 * Protected paths (`protected: [docs/directions/**]`): the files of a release's diff from known-good that need an
 * approval. The diff's file list comes from git, built here as an argument array.
 */
import { posix } from 'node:path';
import { globToRegExp } from '../secrets/sources/glob.js';

/** A changed file that a protected pattern matches. */
export interface ProtectedChange {
  path: string;
  pattern: string;
}

/** A path as git prints it, compared in one form: `./a//b` → `a/b`. */
function normalize(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, '');
}

/** The changed files that match any protected pattern, each with the first pattern it matches, in input order. */
export function protectedChanges(patterns: readonly string[], changedFiles: readonly string[]): ProtectedChange[] {
  const compiled = patterns.map((pattern) => ({ pattern, regex: globToRegExp(normalize(pattern)) }));
  const found: ProtectedChange[] = [];
  for (const file of new Set(changedFiles.map(normalize))) {
    const hit = compiled.find(({ regex }) => regex.test(file));
    if (hit) found.push({ path: file, pattern: hit.pattern });
  }
  return found;
}

/**
 * `git diff --name-only` between known-good and the release, NUL-separated. `--no-renames` lists both sides of a
 * rename, so moving a file out of a protected folder still counts as touching it.
 */
export function changedFilesArgv(fromCommit: string, toCommit: string): string[] {
  for (const commit of [fromCommit, toCommit]) {
    if (!/^[0-9a-f]{4,64}$/i.test(commit)) throw new Error(`not a commit id: "${commit}" (expected hex digits)`);
  }
  return ['diff', '--name-only', '--no-renames', '-z', fromCommit, toCommit, '--'];
}

/** The file list of `git diff --name-only -z`. */
export function parseChangedFiles(stdout: string): string[] {
  return stdout.split('\0').filter((path) => path !== '');
}
