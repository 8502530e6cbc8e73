/**
 * The git plumbing the leak scan needs: the files of the working tree git would commit, every blob reachable
 * from any ref (read through one `git cat-file --batch` process), and the commit that introduced a blob.
 */
import { spawn } from 'node:child_process';

// Runs git and returns stdout; throws with git's own message on failure.
async function git(dir: string, args: string[], input?: string): Promise<string> {
  // execa loads when a scan runs, not with the gate list every run command imports
  const { execa } = await import('execa');
  const result = await execa('git', args, { cwd: dir, reject: false, input, stripFinalNewline: false, maxBuffer: 512 * 1024 * 1024 });
  if (result.exitCode !== 0) throw new Error(`git ${args[0]} failed: ${String(result.stderr).trim().split('\n').at(-1)}`);
  return String(result.stdout);
}

/** True when `dir` is inside a git work tree. */
export async function isGitRepo(dir: string): Promise<boolean> {
  const { execa } = await import('execa');
  const result = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
  return result.exitCode === 0 && String(result.stdout).trim() === 'true';
}

/** Files git tracks or would add (untracked, not ignored), relative to `dir`. */
export async function workingTreeFiles(dir: string): Promise<string[]> {
  const out = await git(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', '--', '.']);
  const prefix = (await git(dir, ['rev-parse', '--show-prefix'])).trim();
  return [...new Set(out.split('\0').filter(Boolean))].map((f) => (prefix && f.startsWith(prefix) ? f.slice(prefix.length) : f)).sort();
}

/** A blob reachable from some ref, with a path it has there and its size. */
export interface HistoryBlob {
  sha: string;
  path: string;
  size: number;
}

/** Every blob reachable from any ref (branches, tags, remotes, stash), and how many commits there are. */
export async function reachableBlobs(dir: string): Promise<{ blobs: HistoryBlob[]; commits: number }> {
  const hasRefs = (await git(dir, ['for-each-ref', '--count=1', '--format=%(refname)'])).trim() !== '';
  if (!hasRefs) return { blobs: [], commits: 0 };
  const objects = (await git(dir, ['rev-list', '--all', '--objects'])).split('\n').filter(Boolean);
  const paths = new Map<string, string>();
  for (const line of objects) {
    const space = line.indexOf(' ');
    const sha = space < 0 ? line : line.slice(0, space);
    if (!paths.has(sha)) paths.set(sha, space < 0 ? '' : line.slice(space + 1));
  }
  const types = await git(dir, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], [...paths.keys()].join('\n') + '\n');
  const blobs: HistoryBlob[] = [];
  let commits = 0;
  for (const line of types.split('\n').filter(Boolean)) {
    const [sha, type, size] = line.split(' ') as [string, string, string];
    if (type === 'commit') commits++;
    if (type === 'blob') blobs.push({ sha, path: paths.get(sha) ?? '', size: Number(size) });
  }
  return { blobs, commits };
}

/** Streams the contents of `shas` through one `git cat-file --batch`, calling `onBlob` for each in order. */
export async function readBlobs(dir: string, shas: string[], onBlob: (sha: string, content: Buffer) => void): Promise<void> {
  if (shas.length === 0) return;
  const child = spawn('git', ['cat-file', '--batch'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let pending: Buffer = Buffer.alloc(0);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      const eol = pending.indexOf(10);
      if (eol < 0) return;
      const [sha, type, size] = pending.subarray(0, eol).toString().split(' ') as [string, string, string?];
      if (type === 'missing') {
        pending = pending.subarray(eol + 1);
        continue;
      }
      const length = Number(size);
      // Header, content, and the newline git writes after each object.
      if (pending.length < eol + 1 + length + 1) return;
      onBlob(sha, pending.subarray(eol + 1, eol + 1 + length));
      pending = pending.subarray(eol + 1 + length + 1);
    }
  });
  child.stdin.end(`${shas.join('\n')}\n`);
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  if (code !== 0) throw new Error(`git cat-file failed: ${stderr.trim().split('\n').at(-1)}`);
}

/** The oldest commit (reachable from any ref) that added `blob`, and the path it added it at. */
export async function introducingCommit(dir: string, blob: string): Promise<{ commit: string; path: string } | undefined> {
  for (const extra of [[], ['-m']]) {
    const out = await git(dir, ['log', '--all', '--reverse', '--format=commit %H', '--raw', '--no-abbrev', '--no-renames', ...extra, `--find-object=${blob}`]);
    let commit = '';
    for (const line of out.split('\n')) {
      if (line.startsWith('commit ')) commit = line.slice(7).trim();
      const raw = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) [A-Z]\d*\t(.+)$/.exec(line);
      if (raw && raw[1] === blob && commit) return { commit, path: raw[2]! };
    }
  }
  return undefined;
}
