/** Digest of a built artifact: SHA-256 over every file's relative path, mode and content, sorted. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Lists files below `root`, skipping directories whose name is in `exclude`. */
async function walk(root: string, dir: string, exclude: Set<string>, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (exclude.has(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, full, exclude, out);
    else out.push(relative(root, full));
  }
}

/** Hashes one file's content (streamed). */
function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** `sha256:<hex>` of the directory (or single file) at `path`. */
export async function artifactDigest(path: string, exclude: string[] = []): Promise<string> {
  const info = await lstat(path);
  const files: string[] = [];
  if (info.isDirectory()) await walk(path, path, new Set(exclude), files);
  else files.push('');
  files.sort();
  const total = createHash('sha256');
  for (const rel of files) {
    const full = rel ? join(path, rel) : path;
    const st = await lstat(full);
    const content = st.isSymbolicLink() ? `link:${await readlink(full)}` : await hashFile(full);
    total.update(`${rel}\0${st.mode & 0o111 ? 'x' : '-'}\0${content}\n`);
  }
  return `sha256:${total.digest('hex')}`;
}
