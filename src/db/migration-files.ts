/**
 * The migrations folder: `<version>_<name>.sql` files (the Supabase CLI layout by default, any layout through a
 * pattern), read in version order, split into statements, with the `-- runway:contract` header that marks a
 * migration as not safe to roll back over.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { ConfigError } from '../errors.js';
import { splitStatements, statementsFingerprint, type SqlStatement } from './sql-split.js';

/** Default layout of the Supabase CLI: `supabase/migrations/20240101120000_create_orders.sql`. */
export const DEFAULT_MIGRATIONS_DIR = 'supabase/migrations';
export const DEFAULT_MIGRATION_PATTERN = '^(\\d+)_(.*)\\.sql$';

/** One migration file. */
export interface MigrationFile {
  version: string;
  name: string;
  /** `<version>_<name>`: how runs, reports and evidence name it. */
  id: string;
  /** Path relative to the project directory. */
  file: string;
  path: string;
  sql: string;
  statements: SqlStatement[];
  /** Not safe to roll back over (header `-- runway:contract`, or listed in config). */
  contract: boolean;
  /** Why, when the header gives a reason (`-- runway:contract drops orders.sku`). */
  contractNote?: string;
}

/** Where the migrations are and how their names read. */
export interface MigrationSource {
  projectDir: string;
  dir: string;
  /** Regular expression with two groups: version and name. */
  pattern?: string;
  /** Versions marked as contract migrations in config. */
  contract?: string[];
}

const CONTRACT = /^--\s*runway:contract\b[ \t]*(.*)$/im;

/** Compares versions: numerically when both are digits (1 < 10), else as text. */
export function compareVersions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

// The comment lines at the top of a file (where headers live).
function header(sql: string): string {
  const lines: string[] = [];
  for (const line of sql.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('--')) lines.push(t);
    else break;
  }
  return lines.join('\n');
}

/** The folder's absolute path. */
export function migrationsDir(source: MigrationSource): string {
  return isAbsolute(source.dir) ? source.dir : join(source.projectDir, source.dir);
}

/** Reads every migration in version order. A missing folder or a repeated version is a ConfigError. */
export async function readMigrations(source: MigrationSource): Promise<MigrationFile[]> {
  const dir = migrationsDir(source);
  if (!existsSync(dir)) {
    throw new ConfigError(`migrations folder ${relative(source.projectDir, dir) || dir} does not exist (set the migrate step's dir)`);
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(source.pattern ?? DEFAULT_MIGRATION_PATTERN);
  } catch (err) {
    throw new ConfigError(`migrate pattern is not a valid regular expression: ${(err as Error).message}`);
  }
  const contract = new Set(source.contract ?? []);
  const found: { version: string; name: string; path: string }[] = [];
  const seen = new Map<string, string>();
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const match = entry.isFile() ? pattern.exec(entry.name) : null;
    if (!match) continue;
    const version = match[1] ?? '';
    const name = match[2] ?? '';
    if (!version) throw new ConfigError(`migrate pattern must capture the version as its first group (file ${entry.name})`);
    if (seen.has(version)) throw new ConfigError(`migrations ${seen.get(version)} and ${entry.name} have the same version ${version}`);
    seen.set(version, entry.name);
    found.push({ version, name, path: join(dir, entry.name) });
  }
  // read side by side: one file after the other pays a thread-pool round trip each
  const texts = await Promise.all(found.map((f) => readFile(f.path, 'utf8')));
  const files = found.map(({ version, name, path }, i): MigrationFile => {
    const sql = texts[i]!;
    const marked = CONTRACT.exec(header(sql));
    return {
      version, name, id: name ? `${version}_${name}` : version, file: relative(source.projectDir, path), path, sql,
      statements: splitStatements(sql), contract: Boolean(marked) || contract.has(version),
      contractNote: marked?.[1]?.trim() || undefined,
    };
  });
  return files.sort((a, b) => compareVersions(a.version, b.version));
}

/** The drift-proof fingerprint of a file's statements (see statementsFingerprint). */
export function fileFingerprint(file: MigrationFile): string {
  return statementsFingerprint(file.statements.map((s) => s.text));
}
