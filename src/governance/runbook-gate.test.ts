/**
 * The runbook gate on the example project's committed RUNBOOK.md (copied to a temp dir): it passes as committed,
 * refuses after a config edit, warns instead with onStale: warn, and refuses once the review expired.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { measureBuiltinGate } from '../engine/builtin-gates.js';
import { buildPlan } from '../engine/plan.js';
import type { RunContext } from '../steps/step.js';
import { addDays, splitRunbook } from './runbook-front-matter.js';
import { runbookMeasurement } from './runbook-gate.js';
import { composeRunbook, RUNBOOK_RELEASE } from './runbook.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'shop-dashboard');
const COMMITTED = readFileSync(join(EXAMPLE, 'RUNBOOK.md'), 'utf8');
const split = splitRunbook(COMMITTED);
if (!('body' in split)) throw new Error(`examples/shop-dashboard/RUNBOOK.md ${split.problem}`);
const { last_reviewed: reviewed, expires } = split.frontMatter as { last_reviewed: string; expires: string };
// The committed review date is fixed and the calendar moves on: measure on days inside and after its window.
const inWindow = new Date(`${reviewed}T12:00:00Z`);
const afterExpiry = new Date(`${addDays(expires, 1)}T00:00:01Z`);

const root = mkdtempSync(join(tmpdir(), 'runway-runbook-gate-'));
let dir = '';
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  dir = join(root, String(n++));
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes('.runway') });
});

// Measures the gate on the project in `dir` for `environment` on the day `now`.
async function measure(environment = 'production', now = inWindow) {
  const { config } = await loadConfig({ dir });
  return runbookMeasurement({ config, projectDir: dir, environment, plan: (env) => buildPlan(config, env, { release: RUNBOOK_RELEASE }), now });
}

const edit = (from: string, to: string) => {
  const yaml = readFileSync(join(dir, 'runway.yaml'), 'utf8');
  expect(yaml).toContain(from);
  writeFileSync(join(dir, 'runway.yaml'), yaml.replace(from, to));
};

describe('the runbook gate', () => {
  it('passes on the committed example runbook, which is exactly what runway runbook writes for its config', async () => {
    const { config } = await loadConfig({ dir: EXAMPLE });
    const composed = composeRunbook({ config, plan: (env) => buildPlan(config, env, { release: RUNBOOK_RELEASE }), today: reviewed });
    expect(COMMITTED).toBe(composed.text);
    for (const env of ['staging', 'production']) {
      const m = await measure(env);
      expect(m).toMatchObject({ phase: 'successful', value: 'current', metadata: { status: 'current', file: 'RUNBOOK.md', expires } });
      expect(m.message).toMatch(/^RUNBOOK\.md is current \(doc_hash sha256:[0-9a-f]{12}…, owner .+, expires \d{4}-\d{2}-\d{2}\)$/);
    }
  });

  it('runs as a built-in gate of the engine', async () => {
    const { config } = await loadConfig({ dir });
    const rc = { ctx: { loaded: { config }, projectDir: dir }, plan: { environment: 'staging' } } as unknown as RunContext;
    const m = await measureBuiltinGate(rc, 'runbook');
    // the engine measures with today's date: current while the committed review lasts, expired after it
    expect(m.value).toBe(new Date() <= new Date(`${expires}T23:59:59.999Z`) ? 'current' : 'expired');
    edit('expect: { status: 200 } }\n', 'expect: { status: 204 } }\n');
    const rcEdited = { ...rc, ctx: { loaded: await loadConfig({ dir }), projectDir: dir } } as unknown as RunContext;
    expect(await measureBuiltinGate(rcEdited, 'runbook')).toMatchObject({ phase: 'failed', value: 'stale' });
  });

  it('refuses after a config edit, naming the fix', async () => {
    edit('node scripts/lint.js', 'node scripts/lint.js --strict');
    const m = await measure();
    expect(m.phase).toBe('failed');
    expect(m.message).toMatch(/^RUNBOOK\.md is stale: doc_hash sha256:[0-9a-f]{12}… does not match runway\.yaml \(sha256:[0-9a-f]{12}…\)/);
    expect(m.message).toMatch(/: write it again with `runway runbook --out RUNBOOK\.md` and commit it$/);
  });

  it('refuses once the review expired', async () => {
    const m = await measure('production', afterExpiry);
    expect(m).toMatchObject({ phase: 'failed', value: 'expired' });
    expect(m.message).toContain(`RUNBOOK.md expired on ${expires} (last reviewed ${reviewed}, reviewed every 90 days)`);
  });

  it('with onStale: warn passes, saying what is wrong', async () => {
    edit('path: RUNBOOK.md }', 'path: RUNBOOK.md, onStale: warn }');
    expect((await measure()).phase).toBe('successful'); // onStale is not something the runbook says
    edit('node scripts/lint.js', 'node scripts/lint.js --strict');
    const m = await measure();
    expect(m).toMatchObject({ phase: 'successful', value: 'stale', metadata: { warning: true } });
    expect(m.message).toMatch(/^warning \(runbook\.onStale: warn\): RUNBOOK\.md is stale: doc_hash/);
  });

  it('refuses a missing runbook, and cannot measure an unreadable one or without a runbook section', async () => {
    rmSync(join(dir, 'RUNBOOK.md'));
    expect(await measure()).toMatchObject({ phase: 'failed', value: 'missing', message: 'no runbook at RUNBOOK.md: write it with `runway runbook --out RUNBOOK.md` and commit it' });
    mkdirSync(join(dir, 'RUNBOOK.md'));
    expect(await measure()).toMatchObject({ phase: 'error', message: expect.stringMatching(/^the runbook cannot be checked: EISDIR/) });
    edit(/runbook: .*\n/.exec(readFileSync(join(dir, 'runway.yaml'), 'utf8'))![0], '');
    expect(await measure()).toMatchObject({ phase: 'error', message: expect.stringContaining('runbook: not set: add `runbook: { owner: <person or team> }`') });
  });
});
