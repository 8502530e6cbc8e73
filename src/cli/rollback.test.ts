import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePause } from '../monitor/pause.js';
import { runRegistered } from './cli-harness.case.js';
import { register } from './rollback.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-rollback-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'runway.yaml'), `project: shop
environments:
  production:
    target: { local: { start: node server.js } }
`);

describe('runway rollback while a monitor has paused the run', () => {
  it('answers the paused run with a rollback instead of waiting for its lock, and needs a reason', async () => {
    const stateDir = join(dir, '.runway');
    await writePause(stateDir, {
      runId: '20261122T000000Z-abcd', environment: 'production', releaseId: 'abc1234-00000000',
      reasons: ['errorRate 6% > 1% in 3 of 3 windows'], pausedAt: new Date().toISOString(),
      until: new Date(Date.now() + 60_000).toISOString(),
    });
    const noReason = await runRegistered(register, ['-C', dir, 'rollback', 'production']);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain('--reason is required');
    expect(existsSync(join(stateDir, 'monitor', 'production.answer.json'))).toBe(false);

    const r = await runRegistered(register, ['-C', dir, 'rollback', 'production', '--reason', 'error spike']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('run 20261122T000000Z-abcd is paused by its monitor: answered it with a rollback of production from abc1234-00000000');
    const answer = JSON.parse(readFileSync(join(stateDir, 'monitor', 'production.answer.json'), 'utf8'));
    expect(answer).toMatchObject({ decision: 'rollback', reason: 'error spike', runId: '20261122T000000Z-abcd' });
  });
});
