/**
 * The fly-shopify example's runway.yaml is valid, and `runway plan` prints the flyctl commands it would run: the
 * image built once into the staging app's registry and deployed unchanged to production. (flyctl itself cannot
 * run here; the deploy path is covered by the contract suite against the flyctl stand-in.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRegistered } from '../../src/cli/cli-harness.case.js';
import { register as plan } from '../../src/cli/plan.js';
import { exampleRepo, expectValid, type ExampleRepo } from './example-repo.js';

describe('example: fly-shopify', () => {
  let dir = '';
  let sha = '';
  let repo: ExampleRepo;
  beforeAll(() => {
    repo = exampleRepo('fly-shopify');
    ({ dir, sha } = repo);
  });
  afterAll(() => repo?.cleanup());

  it('validates', () => expectValid(dir, '2 environments: staging → production'));

  it.each([
    ['staging', 'shop-app-staging', 'fly.staging.toml', 'rolling', '300s', 1024],
    ['production', 'shop-app', 'fly.production.toml', 'bluegreen', '600s', 2048],
  ])('plans the flyctl commands of a deploy to %s: the staging image, deployed unchanged', async (env, app, toml, strategy, wait, memory) => {
    const result = await runRegistered(plan, ['-C', dir, 'plan', env, '--json']);
    expect(result.code).toBe(0);
    const planned = JSON.parse(result.out);
    const id = `${sha.slice(0, 7)}-(not built yet)`;
    expect(planned.target.kind).toBe('fly');
    expect(planned.gates[0].name).toBe('fly pre-flight (fly CLI, credentials)');
    expect(planned.target.commands.map((c: { argv: string[] }) => c.argv)).toEqual([
      ['fly', 'deploy', '--build-only', '--push', '--image-label', id, '-a', 'shop-app-staging', '-c', toml],
      ['fly', 'deploy', '--image', `registry.fly.io/shop-app-staging:${id}`, '-a', app, '-c', toml, '--strategy', strategy, '--wait-timeout', wait, '-y'],
      ['fly', 'status', '--json', '-a', app],
      ['fly', 'machines', 'list', '--json', '-a', app],
    ]);
    expect(planned.target.commands[3].when).toBe(`memory is set: every machine must have ${memory} MB`);
    // the token is named, never passed: only in the environment
    for (const c of planned.target.commands) expect(c.env).toEqual(['FLY_ACCESS_TOKEN', 'FLY_API_TOKEN']);
    expect(JSON.stringify(planned.target.commands)).not.toMatch(/--access-token|-t /);
  });
});
