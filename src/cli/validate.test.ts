import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from './validate.js';
import { STRING_STEP_KINDS } from '../config/schema.js';
import { runRegistered, type CliRun } from './cli-harness.case.js';
const STRING_STEPS = STRING_STEP_KINDS.join(', ');


const VALID = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    requires: [staging]
    target: { local: { start: node server.js } }
pipeline:
  - run: npm test
  - deploy
  - checks
`;

/** Runs `runway <args>` with the global flags of the real CLI; returns exit code and output. */
async function run(args: string[]): Promise<CliRun> {
  return runRegistered(register, args);
}

describe('runway validate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runway-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'runway.yaml'), VALID);
  mkdirSync(path.join(dir, 'deploy'));
  writeFileSync(path.join(dir, 'deploy', 'bad.yaml'), VALID.replace('[staging]', '[stagin]').replace('  - deploy', '  - deplyo'));

  it('summarises a valid config', async () => {
    expect(await run(['-C', dir, 'validate'])).toEqual({
      code: 0,
      out: 'runway.yaml: ok (2 environments: staging → production; pipeline: 3 steps)\n',
      err: '',
    });
  });

  it('mentions environments with their own pipeline', async () => {
    writeFileSync(path.join(dir, 'own.yaml'), VALID.replace('    requires: [staging]\n', '    requires: [staging]\n    pipeline: [deploy]\n'));
    const { out } = await run(['-C', dir, 'validate', 'own.yaml']);
    expect(out).toBe('own.yaml: ok (2 environments: staging → production; pipeline: 3 steps, production: 1 step)\n');
  });

  it('prints every issue and exits 2', async () => {
    expect(await run(['-C', dir, '--config', 'deploy/bad.yaml', 'validate'])).toEqual({
      code: 2,
      out: '',
      err: [
        'deploy/bad.yaml:6:16 environments.production.requires[0]: unknown environment "stagin" (did you mean "staging"?)',
        `deploy/bad.yaml:10:5 pipeline[1]: expected one of ${STRING_STEPS}, got string "deplyo" (did you mean "deploy"?)`,
        '',
      ].join('\n'),
    });
  });

  it('prints JSON for a valid and an invalid file', async () => {
    const ok = await run(['-C', dir, 'validate', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({ ok: true, file: 'runway.yaml', issues: [] });
    const bad = await run(['-C', dir, 'validate', 'deploy/bad.yaml', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('deploy/bad.yaml: 2 problems\n');
    expect(JSON.parse(bad.out)).toEqual({
      ok: false,
      file: 'deploy/bad.yaml',
      issues: [
        { file: 'deploy/bad.yaml', line: 6, col: 16, path: 'environments.production.requires[0]', message: 'unknown environment "stagin" (did you mean "staging"?)' },
        { file: 'deploy/bad.yaml', line: 10, col: 5, path: 'pipeline[1]', message: `expected one of ${STRING_STEPS}, got string "deplyo" (did you mean "deploy"?)` },
      ],
    });
  });

  it('reports a missing file, also as JSON', async () => {
    const missing = await run(['-C', dir, 'validate', 'nope.yaml']);
    expect(missing).toMatchObject({ code: 2, err: `nope.yaml not found in ${dir}: create one (see docs/config.md) or pass --config <file>\n` });
    const json = await run(['-C', dir, 'validate', 'nope.yaml', '--json']);
    expect(JSON.parse(json.out).issues).toEqual([
      { file: 'nope.yaml', line: null, col: null, path: '', message: `not found in ${dir}: create one (see docs/config.md) or pass --config <file>` },
    ]);
  });

  it('explains itself in --help', async () => {
    const { code, out } = await run(['validate', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: runway validate [options] [file]');
    expect(out).toContain('Exit codes: 0 valid, 2 problems found');
  });
});
