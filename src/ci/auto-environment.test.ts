/**
 * `runway deploy --auto` reading the mapping from runway.yaml: the environment of the checked-out branch, and a
 * malformed `branches:` reported as the config error it is (with its position), not as an unmapped branch.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, GateError } from '../errors.js';
import { deployEnvironment } from './auto-environment.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-auto-env-'));
const where = { dir, config: 'runway.yaml' };
const target = 'target: { command: { deploy: { run: "true" } } }';
const config = (staging: string, production = '[main]') =>
  `project: p\nenvironments:\n  staging:\n    branches: ${staging}\n    ${target}\n  production:\n    requires: [staging]\n    branches: ${production}\n    ${target}\npipeline: [deploy]\n`;

beforeAll(() => {
  // outside GitHub Actions the checked-out branch decides, whatever runs these tests
  vi.stubEnv('GITHUB_ACTIONS', '');
  execFileSync('git', ['init', '-q', '-b', 'develop'], { cwd: dir });
  execFileSync('git', ['-c', 'user.email=dev@acme.test', '-c', 'user.name=dev', 'commit', '-q', '--allow-empty', '-m', 'first'], { cwd: dir });
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

// The error deployEnvironment throws for `text` as runway.yaml.
async function failure(text: string): Promise<Error> {
  writeFileSync(join(dir, 'runway.yaml'), text);
  return deployEnvironment(undefined, true, where).then(() => { throw new Error('expected a failure'); }, (err: Error) => err);
}

describe('runway deploy --auto', () => {
  it('deploys to the environment listing the checked-out branch', async () => {
    writeFileSync(join(dir, 'runway.yaml'), config('[develop]'));
    await expect(deployEnvironment(undefined, true, where)).resolves.toBe('staging');
  });

  it('refuses a branch no environment lists (exit 3), naming the mapping', async () => {
    const err = await failure(config('[release]'));
    expect(err).toBeInstanceOf(GateError);
    expect(err.message).toContain('branch "develop" is not mapped to an environment (staging: release; production: main)');
  });

  it.each([
    ['a name instead of a list', 'develop', 'environments.staging.branches'],
    ['a number in the list', '[develop, 7]', 'environments.staging.branches[1]'],
    ['an empty name', '[""]', 'environments.staging.branches[0]'],
  ])('reports %s as a config error on its line (exit 2), not as an unmapped branch', async (_what, branches, path) => {
    const err = await failure(config(branches));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect(err.message).toMatch(new RegExp(`runway\\.yaml:4:\\d+ ${path.replace(/[.[\]]/g, '\\$&')}: `));
  });
});
