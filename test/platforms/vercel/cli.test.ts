/** The real vercel CLI driven by the Vercel target against the loopback stand-in: what the CLI sent the API. */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVercelTarget } from '../../../src/targets/vercel/index.js';
import { builtRelease, cliTools, missingCli, SECRETS, vercelContext } from './harness.js';
import { startVercelStandIn, type VercelStandIn } from './stand-in.js';

const missing = missingCli();

describe.skipIf(missing)('vercel 58.10.0 against the stand-in', () => {
  let standIn: VercelStandIn;
  const tools = cliTools();
  beforeAll(async () => { standIn = await startVercelStandIn(); });
  afterAll(async () => { await standIn?.close(); });

  it('buildArtifact runs vercel pull and vercel build --prod once and digests .vercel/output', async () => {
    const logs: string[] = [];
    const ctx = vercelContext(standIn, tools, 'build', undefined, logs);
    const dir = mkdtempSync(join(tmpdir(), 'runway-vercel-app-'));
    mkdirSync(join(dir, 'public'));
    writeFileSync(join(dir, 'public', 'index.html'), '<h1>app</h1>');
    const release = { ...builtRelease('b'), dir };
    const digest = await createVercelTarget().buildArtifact!(ctx, release);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await createVercelTarget().buildArtifact!(ctx, release)).toBe(digest);
    expect(logs.filter((l) => l.startsWith('$ vercel build'))).toHaveLength(1);
    expect(standIn.sent('GET', '/v9/projects/prj_build').length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(SECRETS.VERCEL_TOKEN);
  }, 120_000);

  it('deploy sends the prebuilt output staged (no domains), with the release metadata and the token as a header only', async () => {
    const ctx = vercelContext(standIn, tools, 'sent');
    const release = builtRelease('sent');
    const result = await createVercelTarget().deploy(ctx, release);
    const [create] = standIn.sent('POST', '/v13/deployments');
    const body = create!.json as { target: string; autoAssignCustomDomains: boolean; meta: Record<string, string>; files: { file: string }[]; name: string };
    expect(body).toMatchObject({ target: 'production', autoAssignCustomDomains: false, name: 'sent', meta: { runwayRelease: release.id, runwayEnvironment: 'sent' } });
    expect(body.files.map((f) => f.file)).toContain('.vercel/output/static/index.html');
    expect(create!.query.get('prebuilt')).toBe('1');
    expect(create!.headers.authorization).toBe(`Bearer ${SECRETS.VERCEL_TOKEN}`);
    expect(standIn.sent('POST', `/v10/projects/prj_sent/promote/${result.handle!.id}`)).toHaveLength(1);
    expect(standIn.servingRelease('prj_sent')).toBe(release.id);
    for (const r of standIn.requests) expect(r.path + r.query.toString()).not.toContain(SECRETS.VERCEL_TOKEN);
  }, 120_000);
});
