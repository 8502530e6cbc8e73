/** The secret-scan gate: a value whose name secrets.public lists is not a leak; every other secret still is. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse.js';
import { secretScanMeasurement } from './gate.js';

const ORG_ID = 'org-made-up-4f1c9a7e2b';
const API_KEY = 'made-up-api-key/0123+abc';
const dir = mkdtempSync(join(tmpdir(), 'runway-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (publicNames: string) =>
  parseConfig(`project: shop\nsecrets:\n  public: [${publicNames}]\nenvironments:\n  staging:\n    target: { local: { start: x } }\n    vars: { ORG: ${ORG_ID} }\n`, 'runway.yaml', { env: {} });
const secrets = [{ name: 'SUPABASE_ORG_ID', value: ORG_ID }, { name: 'SHOP_API_KEY', value: API_KEY }];

describe('secret-scan and secrets.public', () => {
  it('refuses an org id kept in the vault until secrets.public lists it', async () => {
    writeFileSync(join(dir, 'runway.yaml'), `vars: { ORG: ${ORG_ID} }\n`);
    const refused = await secretScanMeasurement(config(''), dir, secrets);
    expect(refused.phase).toBe('failed');
    const passed = await secretScanMeasurement(config('SUPABASE_ORG_ID'), dir, secrets);
    expect(passed).toMatchObject({ phase: 'successful', value: 0 });
    for (const m of [refused, passed]) expect(JSON.stringify(m)).not.toContain(ORG_ID);
  });

  it('still finds the other secrets', async () => {
    writeFileSync(join(dir, 'app.js'), `const key = "${API_KEY}";\n`);
    const m = await secretScanMeasurement(config('SUPABASE_ORG_ID'), dir, secrets);
    expect(m).toMatchObject({ phase: 'failed', value: 1 });
    expect(JSON.stringify(m)).not.toContain(API_KEY);
  });
});
