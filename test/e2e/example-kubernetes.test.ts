/**
 * The kubernetes-web example's runway.yaml is valid, and `runway plan --json` prints the exact kubectl commands a
 * deploy runs (the deploy path itself is covered by the contract suite with the real kubectl against the API
 * stand-in, in src/targets/kubernetes).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRegistered } from '../../src/cli/cli-harness.case.js';
import { register as validate } from '../../src/cli/validate.js';
import { register as plan } from '../../src/cli/plan.js';

const example = resolve(__dirname, '../../examples/kubernetes-web');

describe('example: kubernetes-web', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runway-example-k8s-'));
  let sha = '';
  beforeAll(() => {
    cpSync(example, dir, { recursive: true });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' }).stdout.trim();
    git('init', '-q');
    git('-c', 'user.email=e2e@runway.test', '-c', 'user.name=e2e', 'add', '.');
    git('-c', 'user.email=e2e@runway.test', '-c', 'user.name=e2e', 'commit', '-qm', 'example');
    sha = git('rev-parse', 'HEAD');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates', async () => {
    const result = await runRegistered(validate, ['-C', dir, 'validate']);
    expect(result.err).toBe('');
    expect(result.out).toMatch(/runway\.yaml: ok \(2 environments: staging → production/);
    expect(result.code).toBe(0);
  });

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
