import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/parse.js';
import { buildPlan } from './plan.js';

const release = { id: 'abc1234-0011aabb', sha: 'abc1234def', dirty: false };

const config = parseConfig(`
project: shop
vars: { greeting: hello, site: "https://\${{ runway.env }}.shop.test" }
defaults: { timeout: 5m, retries: 2 }
environments:
  staging:
    target: { local: { start: node server.js } }
    checks:
      - http: { path: /health, under: 300ms }
      - name: home
        http: { path: /, expect: { contains: Dashboard } }
    gates:
      - command: { run: git diff --quiet }
  production:
    requires: [staging]
    vars: { greeting: bonjour }
    onFailure: stop
    target: { local: { start: node server.js } }
pipeline:
  - run: echo \${{ vars.greeting }} \${{ runway.release }} $HOME
  - deploy
  - checks: { only: [home] }
  - name: tell ops
    run: echo \${{ vars.site }}
    when: { env: production, status: always }
    continueOnError: true
  - rollback
`, 'runway.yaml');

describe('buildPlan', () => {
  it('orders the steps, resolves references and leaves shell variables alone', () => {
    const plan = buildPlan(config, 'staging', { release });
    expect(plan.steps.map((s) => [s.index, s.kind, s.name])).toEqual([
      [1, 'run', 'run: echo hello abc1234-0011aabb $HOME'],
      [2, 'deploy', 'deploy'],
      [3, 'checks', 'checks'],
      [4, 'run', 'tell ops'],
      [5, 'rollback', 'rollback'],
    ]);
    expect(plan.steps[0]!.command).toBe('echo hello abc1234-0011aabb $HOME');
  });

  it('applies defaults: timeout, retries for run and deploy steps only', () => {
    const plan = buildPlan(config, 'staging', { release });
    expect(plan.steps.map((s) => s.timeoutMs)).toEqual([300_000, 300_000, 300_000, 300_000, 300_000]);
    expect(plan.steps.map((s) => s.attempts)).toEqual([3, 3, 1, 3, 1]);
  });

  it('skips steps limited to other environments and keeps their condition', () => {
    const staging = buildPlan(config, 'staging', { release });
    expect(staging.steps[3]).toMatchObject({ skip: 'only in production', continueOnError: true, when: { status: 'always' } });
    const production = buildPlan(config, 'production', { release });
    expect(production.steps[3]!.skip).toBeUndefined();
    expect(production.steps[3]!.command).toBe('echo https://production.shop.test');
    expect(production.steps[0]!.command).toBe('echo bonjour abc1234-0011aabb $HOME');
  });

  it('names checks, filters the checks step, carries gates, requires and onFailure', () => {
    const staging = buildPlan(config, 'staging', { release });
    expect(staging.checks.map((c) => c.name)).toEqual(['http GET /health', 'home']);
    expect(staging.steps[2]!.checks).toEqual(['home']);
    expect(staging.gates.map((g) => g.kind)).toEqual(['command']);
    expect(staging.onFailure).toBe('rollback');
    const production = buildPlan(config, 'production', { release });
    expect(production).toMatchObject({ requires: ['staging'], onFailure: 'stop', target: { kind: 'local' } });
  });

  it('is pure: the same input gives the same plan, and the config is not changed', () => {
    const before = JSON.stringify(config);
    expect(buildPlan(config, 'staging', { release })).toEqual(buildPlan(config, 'staging', { release }));
    expect(JSON.stringify(config)).toBe(before);
  });
});
