import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { buildPlan } from './plan.js';
import { URL_LATER, withRunUrl } from './run-url.js';

const config = configSchema.parse({
  project: 'shop',
  environments: { staging: { target: { local: { start: 'node server.js' } } } },
  pipeline: ['deploy', { run: 'curl -fsS ${{ runway.url }}/health' }],
});

describe('${{ runway.url }} before the environment has a URL', () => {
  it('stays a reference in the plan of a first deploy, filled in with the URL the deploy returned', () => {
    const plan = buildPlan(config, 'staging', { release: { id: 'r1', sha: 'abc', dirty: false } });
    const command = plan.steps[1]!.command!;
    expect(command).toBe(`curl -fsS ${URL_LATER}/health`);
    expect(withRunUrl(command, 'http://127.0.0.1:4100')).toBe('curl -fsS http://127.0.0.1:4100/health');
    expect(withRunUrl({ headers: [command] }, undefined)).toEqual({ headers: ['curl -fsS /health'] });
  });

  it('is resolved in the plan once the target reports a URL', () => {
    const plan = buildPlan(config, 'staging', { release: { id: 'r1', sha: 'abc', dirty: false }, url: 'http://127.0.0.1:4100' });
    expect(plan.steps[1]!.command).toBe('curl -fsS http://127.0.0.1:4100/health');
  });
});
