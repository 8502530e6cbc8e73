/** The built-in `secret-scan` gate: no current secret value, inline-password URL or key in the working tree. */
import type { Config } from '../../config/schema.js';
import type { Measurement } from '../../types.js';
import type { SecretEntry } from '../names.js';
import { vaultGlobs } from '../sources/index.js';
import { scanProject, summarize } from './scan.js';

/**
 * Scans the working tree; `failed` names each leak's file, line and what it is (never the value). Names listed
 * under `secrets.public` are not searched for: their values are not secret (e.g. an organisation id that also
 * appears in runway.yaml). Never throws.
 */
export async function secretScanMeasurement(config: Config, projectDir: string, secrets: SecretEntry[]): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  const publicNames = new Set(config.secrets.public ?? []);
  try {
    const searched = secrets.filter(({ name }) => !publicNames.has(name));
    const report = await scanProject({ dir: projectDir, secrets: searched, vaultGlobs: vaultGlobs(config) });
    const failed = report.findings.length > 0;
    return {
      phase: failed ? 'failed' : 'successful', value: report.findings.length, message: summarize(report), startedAt,
      finishedAt: new Date().toISOString(),
      ...(failed ? { metadata: { findings: report.findings.map((f) => ({ file: f.file, line: f.line, what: f.what })) } } : {}),
    };
  } catch (err) {
    return { phase: 'error', message: `cannot scan: ${(err as Error).message}`, startedAt, finishedAt: new Date().toISOString() };
  }
}
