/**
 * The read API in-process (Hono's `app.request`) over a real project's runs, on the embedded store and on a real
 * PostgreSQL server: environments, releases with their path, runs (paginated, filtered), a run with its steps,
 * logs, checks and evidence verdict, the audit log, and clear 400s for bad query parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { bearer, serverFixture, XSS, type ServerFixture } from './server.case.js';

function readApiContract(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`read API: ${name}`, { timeout: 120_000 }, () => {
    let f: ServerFixture;
    beforeAll(async () => {
      f = await serverFixture(await env());
    }, 120_000);
    afterAll(async () => {
      await f?.close();
    });
    const get = async (path: string, token = f.tokens.read) => {
      const res = await f.app.request(path, { headers: bearer(token) });
      return { status: res.status, body: await res.json() as Record<string, any>, headers: res.headers };
    };

    it('lists the environments of runway.yaml with their current release, last run, health, lock and freeze', async () => {
      const { status, body } = await get('/api/environments');
      expect(status).toBe(200);
      expect(body.project).toBe('shop');
      expect(body.environments.map((e: { name: string }) => e.name)).toEqual(['staging', 'production']);
      const [staging, production] = body.environments;
      // the fixture's pipeline has no deploy step: runs are recorded, no release is live (the e2e test deploys one),
      // and the local target says so
      expect(staging).toMatchObject({ release: null, health: 'not serving', serving: null, lock: null, frozen: [], target: 'local',
        lastRun: { id: f.runs.staging.id, outcome: 'successful', kind: 'deploy' } });
      expect(production).toMatchObject({ requires: ['staging'], health: 'not serving', lastRun: { id: f.runs.failed.id, outcome: f.runs.failed.outcome } });
    });

    it('pages and filters runs, newest first, and says what is wrong with a filter', async () => {
      const all = await get('/api/runs');
      expect(all.body.total).toBe(2);
      expect(all.body.runs.map((r: { id: string }) => r.id)).toEqual([f.runs.failed.id, f.runs.staging.id]);
      expect((await get('/api/runs?limit=1&offset=1')).body.runs.map((r: { id: string }) => r.id)).toEqual([f.runs.staging.id]);
      expect((await get('/api/runs?environment=staging&outcome=successful')).body).toMatchObject({ total: 1, runs: [{ id: f.runs.staging.id, durationMs: expect.any(Number) }] });
      expect((await get('/api/runs?kind=rollback')).body.total).toBe(0);
      expect(await get('/api/runs?outcome=great')).toMatchObject({ status: 400, body: { error: 'outcome="great": one of running, successful, failed, rolled_back, cancelled, refused, abandoned' } });
      expect(await get('/api/runs?limit=1000')).toMatchObject({ status: 400, body: { error: 'limit=1000: between 1 and 200' } });
      expect(await get('/api/runs?environment=prod')).toMatchObject({ status: 400, body: { error: 'environment="prod": one of staging, production' } });
    });

    it('shows a run with its steps, durations, log tails, checks and a verified evidence bundle', async () => {
      const { status, body } = await get(`/api/runs/${f.runs.staging.id}`);
      expect(status).toBe(200);
      expect(body.summary).toMatchObject({ id: f.runs.staging.id, outcome: 'successful', actor: 'test@runway.test' });
      const step = body.record.steps.find((s: { kind: string }) => s.kind === 'run');
      expect(step).toMatchObject({ status: 'successful', durationMs: expect.any(Number) });
      expect(step.logTail).toContain(XSS.log);
      expect(step.logTail).toContain('key [REDACTED:SHOP_API_KEY]');
      expect(body.evidence).toEqual({ status: 'verified', problems: [] });
      const failed = await get(`/api/runs/${f.runs.failed.id}`);
      const checks = failed.body.record.steps.flatMap((s: { checks?: unknown[] }) => s.checks ?? []);
      expect(checks[0]).toMatchObject({ kind: 'command', measurement: { phase: 'failed' } });
      expect(await get('/api/runs/nope')).toMatchObject({ status: 404, body: { error: 'unknown run "nope"' } });
      expect((await get(`/api/runs/${f.runs.staging.id}/evidence`)).body).toMatchObject({ runId: f.runs.staging.id, status: 'verified' });
    });

    it('lists releases with their path through the environments, and one release with its runs', async () => {
      const { body } = await get('/api/releases');
      expect(body.total).toBe(2);
      const v1 = body.releases.find((r: { id: string }) => r.id === f.runs.staging.release.id);
      expect(v1.path).toEqual([
        expect.objectContaining({ environment: 'staging', passed: true, passedRun: f.runs.staging.id }),
        expect.objectContaining({ environment: 'production', passed: false, newestRun: null }),
      ]);
      const v2 = await get(`/api/releases/${f.runs.failed.release.id}`);
      expect(v2.body.release.subject).toBe(`${XSS.notes} v2`);
      expect(v2.body.runs.map((r: { id: string }) => r.id)).toEqual([f.runs.failed.id]);
      expect(v2.body.approvals).toEqual([]);
      expect(v2.body.verdicts).toEqual([]); // no environment of the fixture asks for approvals
      expect(await get('/api/releases/zzzzzz')).toMatchObject({ status: 404 });
    });

    it('reads the audit log newest first, a page at a time', async () => {
      const page = await get('/api/audit?limit=5');
      expect(page.status).toBe(200);
      expect(page.body.entries.length).toBeGreaterThan(0);
      const ids = page.body.entries.map((e: { id: number }) => e.id);
      expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids);
    });

    it('answers every read route for any scope, and refuses a request without a token (401, audited)', async () => {
      for (const token of [f.tokens.deploy, f.tokens.approve, f.tokens.admin]) expect((await get('/api/environments', token)).status).toBe(200);
      const res = await f.app.request('/api/environments');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="runway"');
      const audit = await get('/api/audit?action=server.refused&limit=1');
      expect(audit.body.entries[0]).toMatchObject({ actor: 'anonymous', details: { path: '/api/environments', status: 401 } });
    });
  });
}

readApiContract('sqlite', async () => ({}));

const availability = postgresAvailability();
describe.skipIf(!availability.available)('on a PostgreSQL server', () => {
  const server = usePostgres();
  readApiContract('postgres', async () => {
    return { RUNWAY_STATE_URL: await server.createDatabase() };
  });
});
