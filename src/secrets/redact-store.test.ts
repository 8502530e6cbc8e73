import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { appendAudit, listAudit } from '../store/audit.js';
import { sqliteStore } from '../store/sqlite.js';
import { saveRelease } from '../store/releases.js';
import { finishRun, getRun, insertRun } from '../store/runs.js';
import { exportState } from '../store/transfer.js';
import { fakeRelease, fakeRun } from '../store/store.case.js';
import { secretForms } from './encodings.js';
import { Redactor } from './redact.js';
import { redactingStore, redactParam } from './redact-store.js';

const TOKEN = 'sk_live_9f/3k!Zq@x%2B=';
const r = new Redactor([{ name: 'STRIPE_SECRET_KEY', value: TOKEN }]);
const redact = (s: string) => r.redact(s);
const M = '[REDACTED:STRIPE_SECRET_KEY]';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Every file under `dir`, recursively.
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('redactParam', () => {
  test('text, JSON documents field by field (kept byte for byte when clean), objects, and other values', () => {
    expect(redactParam(`x ${TOKEN}`, redact)).toBe(`x ${M}`);
    const quoted = String.raw`sk_live_9f/3k\!Zq@x%2B=`;
    expect(JSON.parse(redactParam(JSON.stringify({ log: `ran ${quoted}` }), redact) as string)).toEqual({ log: `ran ${M}` });
    expect(redactParam('{ "clean":  1 }', redact)).toBe('{ "clean":  1 }');
    expect(redactParam('[not json', redact)).toBe('[not json');
    expect(redactParam({ [TOKEN]: TOKEN }, redact)).toEqual({ [M]: M });
    const at = new Date();
    expect([redactParam(at, redact), redactParam(3, redact), redactParam(null, redact)]).toEqual([at, 3, null]);
  });
});

describe('redactingStore', () => {
  test('no form of a secret reaches the rows, the export or the SQLite files', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'runway-redact-store-'));
    dirs.push(stateDir);
    const store = redactingStore(sqliteStore(stateDir), redact);
    const release = fakeRelease('abcdef01234');
    const base64 = Buffer.from(`user:${TOKEN}`).toString('base64');
    const run = fakeRun('production', release, 'running', { command: `runway rollback production --reason "x ${TOKEN}"`, reason: `x ${TOKEN}` });
    await store.use(async (db) => {
      await saveRelease(db, release, 'x');
      await insertRun(db, run, { host: 'h', pid: 1 });
      await db.transaction(async (tx) => {
        await finishRun(tx, { ...run, outcome: 'failed', rollbackTrigger: `check saw ${encodeURIComponent(TOKEN)}`,
          steps: [{ index: 0, name: 'migrate', kind: 'command', status: 'failed', attempts: 1, error: `Basic ${base64}`,
            checks: [{ name: 'api', kind: 'http', measurement: { phase: 'failed', message: `'${TOKEN}'`, startedAt: run.startedAt,
              finishedAt: run.startedAt, metadata: { body: JSON.stringify({ token: TOKEN }) } } }] }] });
      });
      await appendAudit(db, { actor: 'ci', action: 'rollback.start', details: { command: run.command, reason: run.reason } });
    });
    const lock = await store.lock('production', { runId: run.id, actor: 'ci', command: run.command });
    const held = await store.use((db) => db.query<{ command: string }>('select command from locks'));
    await lock.release();
    const stored = await store.use((db) => getRun(db, run.id));
    expect(stored?.reason).toBe(`x ${M}`);
    expect(stored?.steps[0]?.error).toBe(`Basic dXNlcjp${M}`);
    expect((await store.use((db) => listAudit(db)))[0]?.details).toEqual({ command: `runway rollback production --reason "x ${M}"`, reason: `x ${M}` });
    expect(held.rows[0]?.command).toBe(`runway rollback production --reason "x ${M}"`);
    const lines: string[] = [];
    await exportState(store, (line) => void lines.push(line));
    await store.close();
    const exported = lines.join('\n');
    expect(exported).toContain(M);
    const forms = secretForms(TOKEN).map((f) => f.text);
    for (const form of forms) expect(exported).not.toContain(form);
    for (const file of files(stateDir)) {
      const bytes = readFileSync(file);
      for (const form of forms) expect(bytes.includes(Buffer.from(form)), `${form} in ${file}`).toBe(false);
    }
  });
});
