/**
 * The kubernetes-web example's runway.yaml is valid, and `runway plan --json` prints the exact kubectl commands a
 * deploy runs (the deploy path itself is covered by the contract suite with the real kubectl against the API
 * stand-in, in src/targets/kubernetes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRegistered } from '../../src/cli/cli-harness.case.js';
import { register as plan } from '../../src/cli/plan.js';
import { exampleRepo, expectValid, type ExampleRepo } from './example-repo.js';

describe('example: kubernetes-web', () => {
  let dir = '';
  let sha = '';
  let repo: ExampleRepo;
  beforeAll(() => {
    repo = exampleRepo('kubernetes-web');
    ({ dir, sha } = repo);
  });
  afterAll(() => repo?.cleanup());

  it('validates', () => expectValid(dir, '2 environments: staging → production'));

  it.each([
    ['staging', 'staging-cluster', 'web-staging', '300s'],
    ['production', 'production-cluster', 'web-production', '600s'],
  ])('plans the kubectl commands of a deploy to %s', async (env, context, namespace, timeout) => {
    const result = await runRegistered(plan, ['-C', dir, 'plan', env, '--json']);
    expect(result.code).toBe(0);
    const planned = JSON.parse(result.out).target;
    const g = ['kubectl', '--context', context, '--namespace', namespace];
    const id = `${sha.slice(0, 7)}-(not built yet)`;
    expect(planned.kind).toBe('kubernetes');
    expect(planned.commands.map((c: { argv: string[] }) => c.argv)).toEqual([
      [...g, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
      [...g, 'apply', '--server-side', '--field-manager=runway', '--force-conflicts', '-f', `.runway/kubernetes/${env}/${id}.json`],
      [...g, 'rollout', 'status', 'deployment/web', `--timeout=${timeout}`],
      [...g, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
      [...g, 'rollout', 'undo', 'deployment/web', '--to-revision=<previous revision>'],
    ]);
    expect(planned.commands[1].label).toBe(`apply (k8s with image web=registry.example.com/web:${sha} and runway.dev/release=${id})`);
    expect(planned.commands.every((c: { env?: string[] }) => c.env?.join() === 'KUBECONFIG')).toBe(true);
  });
});
