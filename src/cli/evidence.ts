/**
 * `runway evidence verify [env]` re-hashes every evidence bundle and walks the hash chain;
 * `runway evidence list [env]` shows the bundles with their run outcome.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitError } from '../errors.js';
import { listBundles } from '../evidence/bundle.js';
import { verifyEvidence, type EvidenceProblem } from '../evidence/verify.js';
import { paint, printJson, table, type CliIO } from './io.js';

/** Registers `runway evidence verify` and `runway evidence list`. */
export function register(program: Command, io: CliIO): void {
  const evidence = program.command('evidence').description('verify and list the evidence bundles runs left behind');

  evidence
    .command('verify')
    .description('re-hash every bundle and check the chain; exit 1 when anything was altered, added or removed')
    .argument('[env]', 'only this environment')
    .option('--json', 'print the result as JSON')
    .action(async (env: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { stateDir } = locate(cmd);
      const result = await verifyEvidence(stateDir, env);
      const summary = `evidence: ${result.bundles} ${plural(result.bundles, 'bundle')} verified, ` +
        `${result.problems.length} ${plural(result.problems.length, 'problem')}`;
      if (opts.json) printJson(io, result);
      else {
        for (const p of result.problems) io.out(`${paint(io, 'red', 'problem')} ${where(p)}${p.message}\n`);
        for (const u of result.unfinished) io.out(`${paint(io, 'yellow', 'warning')} ${u}: unfinished (no manifest.json)\n`);
      }
      if (!result.ok) throw new ExitError(summary, 1);
      if (!opts.json) io.out(`${summary}\n`);
    });

  evidence
    .command('list')
    .description('list evidence bundles: run id, environment, outcome, path')
    .argument('[env]', 'only this environment')
    .option('--json', 'print the list as JSON')
    .action(async (env: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { dir, stateDir } = locate(cmd);
      const rows = [];
      for (const b of await listBundles(stateDir, env)) {
        rows.push({ runId: b.runId, environment: b.environment, outcome: await outcomeOf(b.dir), path: relative(dir, b.dir) });
      }
      if (opts.json) return printJson(io, rows);
      if (!rows.length) return io.out(`no evidence bundles in ${relative(dir, path.join(stateDir, 'evidence'))}\n`);
      io.out(table(['RUN', 'ENVIRONMENT', 'OUTCOME', 'PATH'], rows.map((r) => [r.runId, r.environment, r.outcome, r.path])));
    });
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
