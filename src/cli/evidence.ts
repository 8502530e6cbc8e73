/**
 * `runway evidence verify [env]` re-hashes every evidence bundle, walks the hash chain, re-reads the journal entries
 * and, in a project, compares the folder with the heads the state store recorded and checks each head's signature;
 * `runway evidence list [env]` shows the bundles with their run outcome and whether they verify.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { openProject } from '../engine/context.js';
import { terminalReporter } from './reporter.js';
import { ExitError } from '../errors.js';
import { listBundles } from '../evidence/bundle.js';
import { loadPublicKey } from '../evidence/sign.js';
import { verifyEvidence, type EvidenceProblem, type VerifyOptions, type VerifyResult } from '../evidence/verify.js';
import { listEvidenceHeads } from '../store/evidence-heads.js';
import { paint, printJson, table, type CliIO } from './io.js';

/** Registers `runway evidence verify` and `runway evidence list`. */
export function register(program: Command, io: CliIO): void {
  const evidence = program.command('evidence').description('verify and list the evidence bundles runs left behind');

  evidence
    .command('verify')
    .description('re-hash every bundle, check the chain, the journal, the state store and signatures; exit 1 on any problem')
    .argument('[env]', 'only this environment')
    .option('--json', 'print the result as JSON')
    .action(async (env: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { stateDir } = locate(cmd);
      const { options, notes } = await anchors(cmd, io, env);
      const result = await verifyEvidence(stateDir, env, options);
      const summary = `evidence: ${result.bundles} ${plural(result.bundles, 'bundle')} verified, ` +
        `${result.problems.length} ${plural(result.problems.length, 'problem')}`;
      if (opts.json) printJson(io, { ...result, notes });
      else {
        for (const p of result.problems) {
          io.out(`${paint(io, 'red', 'problem')} ${where(p)}${p.message}\n`);
          for (const d of p.details ?? []) io.out(`  because of it: ${d}\n`);
        }
        for (const u of result.unfinished) io.out(`${paint(io, 'yellow', 'warning')} ${u}: unfinished (no manifest.json)\n`);
        for (const n of notes) io.out(`${paint(io, 'yellow', 'note')} ${n}\n`);
      }
      if (!result.ok) throw new ExitError(summary, 1);
      if (!opts.json) io.out(`${summary}\n`);
    });

  evidence
    .command('list')
    .description('list evidence bundles: run id, environment, outcome, whether it verifies, path')
    .argument('[env]', 'only this environment')
    .option('--json', 'print the list as JSON')
    .action(async (env: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { dir, stateDir } = locate(cmd);
      const { options } = await anchors(cmd, io, env);
      const failing = failingRuns(await verifyEvidence(stateDir, env, options));
      const rows = [];
      for (const b of await listBundles(stateDir, env)) {
        const outcome = await outcomeOf(b.dir);
        const verified = outcome === 'unfinished' && !failing.has(`${b.environment}/${b.runId}`) ? 'unfinished'
          : failing.has(`${b.environment}/${b.runId}`) ? 'FAILED' : 'ok';
        rows.push({ runId: b.runId, environment: b.environment, outcome, verified, path: relative(dir, b.dir) });
      }
      if (opts.json) return printJson(io, rows);
      if (!rows.length) return io.out(`no evidence bundles in ${relative(dir, path.join(stateDir, 'evidence'))}\n`);
      io.out(table(['RUN', 'ENVIRONMENT', 'OUTCOME', 'VERIFIED', 'PATH'],
        rows.map((r) => [r.runId, r.environment, r.outcome, r.verified === 'FAILED' ? paint(io, 'red', r.verified) : r.verified, r.path])));
    });
}

// What verify compares the folder with in a project: the store's heads and the public key; notes say what is skipped.
async function anchors(cmd: Command, io: CliIO, env: string | undefined): Promise<{ options: VerifyOptions; notes: string[] }> {
  const g = cmd.optsWithGlobals() as { dir?: string; config?: string };
  const dir = path.resolve(String(g.dir ?? process.cwd()));
  const file = g.config ?? 'runway.yaml';
  if (!existsSync(path.resolve(dir, file))) {
    return { options: {}, notes: [`no ${file}: the folder was not compared with the state store and signatures were not checked`] };
  }
  // no secrets are needed to verify: none are resolved
  const ctx = await openProject({ dir, config: file, reporter: terminalReporter(io, { quiet: true }), environments: [] });
  const options: VerifyOptions = { heads: await ctx.store.use((db) => listEvidenceHeads(db, env)) };
  const notes: string[] = [];
  const sign = ctx.loaded.config.evidence.sign;
  if (sign) {
    options.publicKey = await loadPublicKey(path.resolve(dir, sign.publicKey));
    if (sign.since) options.signedSince = sign.since;
  } else notes.push('evidence.sign is not configured: signatures were not checked');
  return { options, notes };
}

// `<env>/<run-id>` of every bundle with a problem.
function failingRuns(result: VerifyResult): Set<string> {
  return new Set(result.problems.filter((p) => p.runId).map((p) => `${p.environment}/${p.runId}`));
}

// Project directory and state directory from the global options.
function locate(cmd: Command): { dir: string; stateDir: string } {
  const dir = path.resolve(String(cmd.optsWithGlobals().dir ?? process.cwd()));
  return { dir, stateDir: path.join(dir, '.runway') };
}

// The outcome recorded in a bundle's run.json, `unfinished` without one, `unreadable` when it is not JSON.
async function outcomeOf(bundleDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path.join(bundleDir, 'run.json'), 'utf8');
  } catch {
    return 'unfinished';
  }
  try {
    const run = JSON.parse(text) as { outcome?: unknown };
    return typeof run.outcome === 'string' ? run.outcome : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

// `staging/20261121T230501Z-a1b2: ` prefix naming where a problem is.
function where(p: EvidenceProblem): string {
  return p.runId ? `${p.environment}/${p.runId}: ` : `${p.environment}: `;
}

// Path relative to the project directory, for people.
function relative(dir: string, target: string): string {
  return path.relative(dir, target).split(path.sep).join('/') || '.';
}

// "1 bundle", "2 bundles".
function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
