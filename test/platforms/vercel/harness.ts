/**
 * What the real-CLI tests of the Vercel target share: the pinned `vercel` binary of this folder (skipped with a
 * reason on a developer machine when it is not installed, a failure under CI), a tool runner that runs it with a
 * throw-away HOME, contexts pointed at the loopback stand-in, and releases with a Build Output API directory.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execTools, type ToolRunner } from '../../../src/exec/tool.js';
import type { TargetContext } from '../../../src/targets/target.js';
import type { Release } from '../../../src/types.js';
import { productionDomain, type VercelStandIn } from './stand-in.js';

/** The pinned CLI (`npm ci` in test/platforms/vercel installs it). */
export const VERCEL_BIN = new URL('./node_modules/.bin/vercel', import.meta.url).pathname;

/** Why the real-CLI tests cannot run here, or undefined; under CI a missing CLI is a failure, not a skip. */
export function missingCli(): string | undefined {
  if (existsSync(VERCEL_BIN)) return undefined;
  const reason = `the vercel CLI is not installed in test/platforms/vercel (run: npm ci --prefix test/platforms/vercel --no-audit --no-fund)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`skipping the real-CLI Vercel tests: ${reason}`);
  return reason;
}

/** Made-up credentials; tests assert they appear in no output. */
export const SECRETS = { VERCEL_TOKEN: 'vercelMadeUpToken5e1d77b2', VERCEL_ORG_ID: 'team_runway' };

/** Runs `vercel` as the pinned binary with a HOME of its own (no global config of the machine is read or written). */
export function cliTools(): ToolRunner {
  const home = mkdtempSync(join(tmpdir(), 'runway-vercel-home-'));
  return { run: (call) => execTools.run({ ...call, file: call.file === 'vercel' ? VERCEL_BIN : call.file, env: { ...call.env, HOME: home, XDG_DATA_HOME: join(home, '.data') } }) };
}

/** A context for `environment`: its own Vercel project (prj_<environment>), production domain from the stand-in. */
export function vercelContext(standIn: VercelStandIn, tools: ToolRunner, environment: string, signal?: AbortSignal, logs: string[] = []): TargetContext {
  const projectDir = mkdtempSync(join(tmpdir(), 'runway-vercel-project-'));
  return {
    projectDir, stateDir: join(projectDir, '.runway'), environment, tools, signal, log: (line) => logs.push(line),
    config: { target: { vercel: { domain: productionDomain(environment), api: standIn.url, timeout: '30s' } } } as unknown as TargetContext['config'],
    env: { ...SECRETS, VERCEL_PROJECT_ID: `prj_${environment}` },
  };
}

/** A release whose `.vercel/output` (built for production) serves a page naming it. */
export function builtRelease(label: string): Release {
  const id = `${label}-${Math.random().toString(16).slice(2, 10)}`;
  const dir = mkdtempSync(join(tmpdir(), `runway-vercel-${label}-`));
  const out = join(dir, '.vercel', 'output');
  mkdirSync(join(out, 'static'), { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify({ version: 3 }));
  writeFileSync(join(out, 'builds.json'), JSON.stringify({ target: 'production', builds: [] }));
  writeFileSync(join(out, 'static', 'index.html'), `<h1>${id}</h1>`);
  return { id, sha: 'b'.repeat(40), artifactDigest: `sha256:${id}`, configDigest: 'c', dirty: false, dir, createdAt: new Date().toISOString() };
}
