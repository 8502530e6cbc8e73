/**
 * End to end with the real CLI on the example app: maintenance mode on staging answers the maintenance page, a
 * deploy goes in behind it with its checks run against the app directly (no false failure from the page's 503s),
 * `runway status` shows it, its monitor step is skipped (no user traffic reaches the release, so nothing is judged
 * and nothing rolls back), and turning it off serves the new release at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, makeProject, statusOf, type TestProject } from './project.js';

describe('maintenance mode (shop-dashboard)', { timeout: 240_000 }, () => {
  let p: TestProject;
  beforeAll(() => {
    p = makeProject({ config: (yaml) => yaml.replace(/(\n  staging:\n)/, '$1    monitor: { for: 2s, every: 250ms, minRequests: 1, onBreach: rollback }\n') });
  });
  afterAll(async () => {
    await p.cleanup();
  });

  it('serves the page, deploys behind it with checks past it, and serves the new release once off', async () => {
    const first = await p.runway(['deploy', 'staging']);
    expect(first.code, first.stderr).toBe(0);
    const url = (await statusOf(p)).staging!.url!;

    const on = await p.runway(['maintenance', 'staging', 'on', '--message', 'Moving the database', '--retry-after', '60']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('maintenance on · staging: the proxy of staging answers every request with the maintenance page (503, Retry-After: 60)');
    const page = await get(`${url}/`);
    expect(page).toMatchObject({ status: 503, release: null });
    expect(page.body).toContain('Moving the database');

    p.edit('package.json', '"version": "1.0.0"', '"version": "1.1.0"');
    p.commit('v1.1');
    const deploy = await p.runway(['deploy', 'staging']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toMatch(/staging is in maintenance since \S+ by e2e@runway\.test: checks go to the live release directly at http:\/\/127\.0\.0\.1:\d+, past the maintenance page/);
    expect(deploy.stderr).toMatch(/successful · deploy staging/);
    expect(deploy.stderr).toMatch(/- \[\d+\/\d+\] monitor.* — not monitored: staging is in maintenance since \S+ by e2e@runway\.test, so no user traffic reaches the release/);
    expect((await get(`${url}/`)).status).toBe(503);
    const status = JSON.parse((await p.runway(['status', '--json'])).stdout) as { environments: { environment: string; maintenance: unknown }[] };
    expect(status.environments.find((e) => e.environment === 'staging')!.maintenance).toMatchObject({ message: 'Moving the database', retryAfter: 60 });

    const off = await p.runway(['maintenance', 'staging', 'off']);
    expect(off.code, off.stderr).toBe(0);
    const served = await get(`${url}/`);
    expect(served.status).toBe(200);
    expect(served.body).toContain('Version 1.1.0');
  });
});
