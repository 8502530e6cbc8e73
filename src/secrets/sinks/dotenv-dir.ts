/**
 * A local directory of dotenv files as a mirror (a mounted secrets volume, a shared ops folder): `list` reads
 * every `*.env` file in it; `set` rewrites a name in the file that already holds it (the last assignment,
 * keeping comments and other lines), or appends it to `file`. Files are replaced atomically, mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { Sensitive } from '../sensitive.js';
import { dotenvValues, formatDotenvLine, parseDotenv } from '../sources/dotenv-parse.js';
import type { SecretSink, SinkContext, SinkEntry } from './sink.js';

/** Options of a dotenv-directory sink. */
export interface DotenvDirOptions {
  dir: string;
  file?: string;
  names?: string[];
}

// The directory, absolute.
const where = (o: DotenvDirOptions, projectDir: string) => (isAbsolute(o.dir) ? o.dir : join(projectDir, o.dir));

// The `*.env` files of the directory, sorted, with their text.
async function readDir(dir: string): Promise<{ file: string; text: string }[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.env')).sort();
  return Promise.all(names.map(async (file) => ({ file, text: await readFile(join(dir, file), 'utf8') })));
}

// Writes a file through a temporary name and a rename, so readers never see half a file.
async function writeAtomic(path: string, text: string): Promise<void> {
  const mode = (await stat(path).catch(() => undefined))?.mode ?? 0o600;
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode: mode & 0o777 });
  await rename(tmp, path);
}

/** A dotenv-directory sink. */
export function dotenvDirSink(o: DotenvDirOptions): SecretSink {
  const target = o.file ?? 'runway.env';
  return {
    kind: 'dotenv',
    label: `dotenv ${o.dir}`,
    key: `dotenv:${o.dir}`,
    names: o.names,
    async check(ctx: SinkContext) {
      const dir = where(o, ctx.projectDir);
      const info = await stat(dir).catch(() => undefined);
      return info?.isDirectory() ? undefined : `directory ${dir} does not exist`;
    },
    async list(ctx: SinkContext) {
      const entries = new Map<string, SinkEntry>();
      for (const { text } of await readDir(where(o, ctx.projectDir))) {
        for (const [name, entry] of dotenvValues(parseDotenv(text))) {
          if (!entries.has(name)) entries.set(name, { name, value: new Sensitive(name, entry.value) });
        }
      }
      return { entries, exposes: 'values' as const };
    },
    async set(ctx: SinkContext, values: Sensitive[]) {
      const dir = where(o, ctx.projectDir);
      await mkdir(dir, { recursive: true });
      const files = await readDir(dir);
      const lines = new Map(files.map(({ file, text }) => [file, text.split('\n')]));
      const append: string[] = [];
      for (const value of values) {
        const holder = files.find(({ file }) => dotenvValues(parseDotenv(lines.get(file)!.join('\n'))).has(value.name));
        if (!holder) {
          append.push(formatDotenvLine(value.name, value.reveal()));
          continue;
        }
        const current = lines.get(holder.file)!;
        const entry = dotenvValues(parseDotenv(current.join('\n'))).get(value.name)!;
        current.splice(entry.line - 1, entry.endLine - entry.line + 1, formatDotenvLine(value.name, value.reveal()));
      }
      for (const { file, text } of files) {
        const next = lines.get(file)!.join('\n');
        if (next !== text) await writeAtomic(join(dir, file), next);
      }
      if (append.length) {
        const existing = files.find((f) => f.file === target)?.text;
        const base = existing === undefined ? '' : lines.get(target)!.join('\n');
        const sep = base === '' || base.endsWith('\n') ? '' : '\n';
        await writeAtomic(join(dir, target), `${base}${sep}${append.join('\n')}\n`);
      }
    },
    describe(_ctx, values) {
      return values.map((v) => `write ${v.name}=${v} to ${o.dir} (the file that holds it, else ${target})`);
    },
  };
}
