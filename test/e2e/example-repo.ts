/**
 * An example of `examples/` as a fresh git repository in a temp directory (what a new user has after cloning
 * it): its commit SHA, and the in-process `runway validate` every example test starts with.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { runRegistered } from '../../src/cli/cli-harness.case.js';
import { register as validate } from '../../src/cli/validate.js';

/** A temp git repository holding one example. */
export interface ExampleRepo {
  dir: string;
  sha: string;
  cleanup(): void;
}

/** Copies `examples/<name>` into a temp directory and commits it. */
export function exampleRepo(name: string): ExampleRepo {
  const dir = mkdtempSync(join(tmpdir(), `runway-example-${name}-`));
  cpSync(resolve(__dirname, '../../examples', name), dir, { recursive: true });
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=e2e@runway.test', '-c', 'user.name=e2e', ...args], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'example');
  return { dir, sha: git('rev-parse', 'HEAD'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `runway validate` on the example passes and names its environments in promotion order. */
export async function expectValid(dir: string, environments: string): Promise<void> {
  const result = await runRegistered(validate, ['-C', dir, 'validate']);
  expect(result.err).toBe('');
  expect(result.out).toMatch(new RegExp(`runway\\.yaml: ok \\(${environments}`));
  expect(result.code).toBe(0);
}
