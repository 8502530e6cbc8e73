import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretForms, shellForms } from '../secrets/encodings.js';
import { Redactor } from '../secrets/redact.js';
import type { CheckResult, RunRecord } from '../types.js';
import { EvidenceBundle } from './bundle.js';

const SECRET = 'p@ss w/rd!$x"2024\'é';
const redactor = new Redactor([{ name: 'DB_PASSWORD', value: SECRET }]);
const redact = (s: string) => redactor.redact(s);

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'runway-bundle-redaction-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

// The forms of the secret found in a text.
function leaks(text: string): string[] {
  return secretForms(SECRET).map((f) => f.text).filter((f) => text.includes(f));
}

describe('JSON evidence is redacted field by field', () => {
  it('run.json, checks.json and writeJson files hold no form of a secret, even a printf %q value inside a JSON string', async () => {
    const quoted = shellForms(SECRET).at(-1)!;
    const nested = JSON.stringify({ cmd: `psql ${quoted}` });
    // Redacting only after serialising misses this: the nested JSON has its backslashes doubled once more.
    expect(redact(JSON.stringify({ output: nested }))).not.toContain('[REDACTED:DB_PASSWORD]');
    const b = await EvidenceBundle.create({ stateDir, environment: 'staging', runId: '20261121T230501Z-a1b2', redact });
    await b.writeJson('plan.json', { steps: [{ run: nested }], [SECRET]: encodeURIComponent(SECRET) });
    const run: RunRecord = {
      id: b.runId, kind: 'rollback', environment: 'staging', actor: 'alice', command: `runway rollback staging --reason "${quoted}"`,
      reason: nested, startedAt: 'a', finishedAt: 'b', outcome: 'rolled_back', rollbackTrigger: `'${SECRET}'`,
      release: { id: 'r1', sha: 's', artifactDigest: 'a', configDigest: 'c', dirty: false, dir: '/tmp/r', createdAt: 'x' },
      steps: [{ index: 1, name: 'migrate', kind: 'command', status: 'failed', attempts: 1, error: nested }],
    };
    const checks: CheckResult[] = [{ name: 'db', kind: 'sql', measurement: { phase: 'failed', message: nested,
      startedAt: 'a', finishedAt: 'b', metadata: { dsn: `postgres://app:${encodeURIComponent(SECRET)}@db/x` } } }];
    await b.finalize(run, checks);
    for (const file of ['plan.json', 'run.json', 'checks.json']) {
      const text = await readFile(path.join(b.dir, file), 'utf8');
      expect(text, file).toContain('[REDACTED:DB_PASSWORD]');
      expect(leaks(text), file).toEqual([]);
    }
    const plan = JSON.parse(await readFile(path.join(b.dir, 'plan.json'), 'utf8'));
    expect(JSON.parse(plan.steps[0].run)).toEqual({ cmd: 'psql [REDACTED:DB_PASSWORD]' });
  });
});
