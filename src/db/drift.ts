/**
 * Comparing the migrations folder with the tracking table: what is applied, what is pending, and drift — an
 * applied migration whose file has changed since, or an applied version whose file is gone. Drift blocks the
 * migrate step unless a person overrides that version with a reason, which is recorded.
 */
import { compareVersions, fileFingerprint, type MigrationFile } from './migration-files.js';
import { statementsFingerprint } from './sql-split.js';
import type { AppliedMigration } from './tracking.js';

/** One drifted migration. */
export interface DriftItem {
  version: string;
  id: string;
  kind: 'changed' | 'missing';
  message: string;
  /** The recorded reason when a person allowed it (migrate.allowDrift). */
  allowed?: string;
}

/** Where a database stands against the folder. */
export interface MigrationStatus {
  applied: { version: string; id: string; file?: string; contract: boolean }[];
  pending: MigrationFile[];
  drift: DriftItem[];
  /** Pending versions older than the newest applied one (e.g. merged from a branch). */
  outOfOrder: string[];
  /** The newest applied version, if any. */
  current?: string;
}

/** Compares files with applied rows. `allowDrift` maps a version to the reason its drift is accepted. */
export function compareMigrations(
  files: MigrationFile[], applied: AppliedMigration[], allowDrift: Record<string, string> = {},
): MigrationStatus {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const done = new Set(applied.map((a) => a.version));
  const drift: DriftItem[] = [];
  const appliedList: MigrationStatus['applied'] = [];
  for (const row of [...applied].sort((a, b) => compareVersions(a.version, b.version))) {
    const file = byVersion.get(row.version);
    const id = row.name ? `${row.version}_${row.name}` : row.version;
    appliedList.push({ version: row.version, id, file: file?.file, contract: file?.contract ?? false });
    if (!file) {
      drift.push({ version: row.version, id, kind: 'missing', message: `${id} is applied but its file is no longer in the migrations folder` });
    } else if (row.statements && statementsFingerprint(row.statements) !== fileFingerprint(file)) {
      drift.push({ version: row.version, id, kind: 'changed', message: `${file.file} changed after it was applied` });
    }
  }
  for (const item of drift) if (allowDrift[item.version]) item.allowed = allowDrift[item.version];
  const pending = files.filter((f) => !done.has(f.version));
  const current = appliedList.at(-1)?.version;
  const outOfOrder = current ? pending.filter((f) => compareVersions(f.version, current) < 0).map((f) => f.version) : [];
  return { applied: appliedList, pending, drift, outOfOrder, current };
}

/** The drift that blocks (not allowed with a reason). */
export function blockingDrift(status: MigrationStatus): DriftItem[] {
  return status.drift.filter((d) => !d.allowed);
}

/** A one-paragraph refusal for blocking drift, with the way out. */
export function driftRefusal(items: DriftItem[], allowPath = 'migrate.allowDrift'): string {
  const list = items.map((d) => d.message).join('; ');
  const example = items[0] ? `{ "${items[0].version}": "why this is fine" }` : '';
  return `migration drift: ${list} — restore the file(s) as applied, or accept it with ${allowPath}: ${example} (the reason is recorded)`;
}
