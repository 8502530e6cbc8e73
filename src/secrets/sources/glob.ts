/**
 * File globs for dotenv sources (`vault/occ/**\/*.env`): `*` and `?` within one path segment, `**` for any
 * number of directories, `{a,b}` alternatives. Node 20 has no fs.glob, and this is all a vault folder needs.
 */
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** A regular expression for a glob over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more whole directories; a trailing `**` matches everything below.
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:[^/]+/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, close).split(',').map((alt) => globToRegExp(alt).source.slice(1, -1)).join('|')})`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The directory part of a glob before its first wildcard, e.g. `vault/occ` for `vault/occ/**\/*.env`. */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (/[*?{]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}

/** Files under `root` whose relative path matches `glob`, sorted; skips node_modules, .git and .runway. */
export async function globFiles(root: string, glob: string): Promise<string[]> {
  const pattern = globToRegExp(posix.normalize(glob.replace(/^\.\//, '')));
  const base = globBase(glob.replace(/^\.\//, ''));
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!['node_modules', '.git', '.runway'].includes(entry.name)) await walk(path);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && pattern.test(path)) {
        found.push(path);
      }
    }
  };
  await walk(base);
  return found.sort();
}
