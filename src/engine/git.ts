/** The few git questions Runway asks: which commit, is the tree dirty, which files make the source. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.js';

const run = promisify(execFile);

/** Runs git in `dir` and returns stdout. */
async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_PAGER: 'cat' } });
  return stdout;
}

export interface GitState {
  sha: string;
  subject: string;
  branch?: string;
  /** Changed or untracked files (paths), excluding Runway's own state directory. */
  dirtyFiles: string[];
}

/**
 * Reads HEAD and the working tree state; a clear error when `dir` is not a git checkout with a commit.
 * `ignore` lists files Runway writes itself (the journal), which never make the tree dirty.
 */
export async function gitState(dir: string, ignore: string[] = []): Promise<GitState> {
  // three questions side by side (each a git process): the commit and its subject, the branch, the tree's changes
  const [head, branchOut, status] = await Promise.allSettled([
    git(dir, ['log', '-1', '--format=%H%n%s', 'HEAD']),
    git(dir, ['rev-parse', '--abbrev-ref', 'HEAD']),
    git(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all']),
  ]);
  const [sha, subject = ''] = head.status === 'fulfilled' ? splitFirstLine(head.value.trim()) : [];
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new ConfigError(
      `${dir} is not a git repository with a commit: a release is identified by its git commit — run \`git init && git add -A && git commit -m "first release"\``,
    );
  }
  if (status.status === 'rejected') throw status.reason;
  const branch = (branchOut.status === 'fulfilled' ? branchOut.value : '').trim() || undefined;
  const dirtyFiles = status.value
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(3))
    .filter((path) => path && !path.startsWith('.runway/') && !ignore.includes(path));
  return { sha, subject, branch, dirtyFiles };
}

// "sha\nsubject" → [sha, subject].
function splitFirstLine(text: string): [string, string] {
  const nl = text.indexOf('\n');
  return nl < 0 ? [text, ''] : [text.slice(0, nl), text.slice(nl + 1).trim()];
}

/** Files of the working tree (tracked and untracked, not ignored), for a release built with --allow-dirty. */
export async function workingTreeFiles(dir: string): Promise<string[]> {
  const out = await git(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  return out.split('\0').filter((p) => p && !p.startsWith('.runway/'));
}

/** Writes the tree of `sha` into `dest` (git archive | tar -x). */
export async function exportCommit(dir: string, sha: string, dest: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const archive = execFile('git', ['archive', '--format=tar', sha], { cwd: dir, encoding: 'buffer', maxBuffer: 1024 ** 3 });
    const tar = execFile('tar', ['-x', '-C', dest], (err) => (err ? reject(err) : resolve()));
    archive.stdout!.pipe(tar.stdin!);
    archive.on('error', reject);
  });
}
