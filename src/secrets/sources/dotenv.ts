/**
 * The `dotenv` source: a vault folder of `.env` files chosen by glob (`vault/occ/**\/*.env`). Files are read
 * in sorted order; when two files assign different values to one name, the first file wins and a warning
 * names both files (never the values).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dotenvValues, parseDotenv } from './dotenv-parse.js';
import { globFiles } from './glob.js';
import type { FoundValue, SecretSource, SourceResult } from './source.js';

/** Files matched by `globs` (relative to the project directory), in order, without duplicates. */
export async function dotenvFiles(projectDir: string, globs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const glob of globs) for (const file of await globFiles(projectDir, glob)) if (!files.includes(file)) files.push(file);
  return files;
}

/** A source reading every file matched by the globs. */
export function dotenvSource(globs: string[]): SecretSource {
  const label = `dotenv ${globs.join(', ')}`;
  return {
    kind: 'dotenv',
    label,
    key: `dotenv:${JSON.stringify(globs)}`,
    async check(ctx) {
      const files = await dotenvFiles(ctx.projectDir, globs);
      return files.length ? undefined : `no files match ${globs.join(', ')} in ${ctx.projectDir}`;
    },
    async fetch(ctx): Promise<SourceResult> {
      const files = await dotenvFiles(ctx.projectDir, globs);
      const values = new Map<string, FoundValue>();
      const warnings: string[] = [];
      for (const file of files) {
        const doc = parseDotenv(await readFile(join(ctx.projectDir, file), 'utf8'));
        for (const problem of doc.problems) warnings.push(`${file} ${problem}`);
        for (const [name, entry] of dotenvValues(doc)) {
          const earlier = values.get(name);
          if (!earlier) values.set(name, { value: entry.value, where: `${file}:${entry.line}` });
          else if (earlier.value !== entry.value) {
            warnings.push(`${name} has different values in ${earlier.where} and ${file}:${entry.line}; using ${earlier.where}`);
          }
        }
      }
      return { values, warnings, detail: `${files.length} file${files.length === 1 ? '' : 's'}` };
    },
  };
}
