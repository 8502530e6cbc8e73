/**
 * `runway runbook [env]`: the runbook people read, generated from runway.yaml and the plan `runway plan` shows
 * (no platform CLI, no state store): printed, written with `--out`, or checked with `--check`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { buildPlan } from '../engine/plan.js';
import { ConfigError, EXIT, ExitError } from '../errors.js';
import { utcDay } from '../governance/runbook-front-matter.js';
import { readRunbook } from '../governance/runbook-gate.js';
import { checkRunbook, composeRunbook, describeVerdict, RUNBOOK_RELEASE, runbookSettings } from '../governance/runbook.js';
import { paint, printJson, type CliIO } from './io.js';

interface RunbookOptions {
  out?: string;
  check: boolean;
  reviewed: boolean;
  json: boolean;
}

/** Registers `runbook`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('runbook')
    .description('write the runbook people read from runway.yaml and the plan: preconditions, command pack, checks, rollback and evidence checklists')
    .argument('[env]', 'one environment (default: every environment, in promotion order)')
    .option('--out <file>', 'write it to this file (relative to the project directory) instead of printing it')
    .option('--check', 'check the runbook at --out (default: runbook.path) against runway.yaml instead of writing it', false)
    .option('--reviewed', 'a person reviewed it today: last_reviewed becomes today even when its text is unchanged', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', `
last_reviewed is kept from the file being replaced while its text is unchanged and it has not expired.
Exit codes: 0 written, or (--check) current; 2 bad input, or (--check) missing or unreadable;
3 (--check) stale (runway.yaml changed, or the file was edited) or expired.`)
    .action(async (env: string | undefined, opts: RunbookOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals() as { dir: string; config: string };
      const loaded = await loadConfig({ dir: g.dir, file: g.config });
      const { config } = loaded;
      if (env && !config.environments[env]) {
        const known = Object.keys(config.environments).map((k) => `"${k}"`).join(', ');
        throw new ConfigError(`unknown environment "${env}": ${loaded.label} defines ${known}`);
      }
      if (opts.check && opts.reviewed) throw new ConfigError('--reviewed writes the runbook: it cannot be used with --check');
      const settings = runbookSettings(config, loaded.label);
      const plan = (name: string) => buildPlan(config, name, { release: RUNBOOK_RELEASE });
      const file = opts.out ?? settings.path;
      const path = resolve(loaded.projectDir, file);
      const today = utcDay(new Date());
      const existing = await readRunbook(path).catch((err: NodeJS.ErrnoException) => {
        throw new ConfigError(`${file} cannot be read: ${err.code ?? err.message}`);
      });
      if (opts.check) {
        const verdict = checkRunbook({ config, plan, text: existing, file, today, environment: env });
        const code = verdict.status === 'current' ? EXIT.ok : verdict.status === 'missing' || verdict.status === 'unreadable' ? EXIT.badInput : EXIT.refused;
        if (opts.json) printJson(io, verdict);
        else if (code === EXIT.ok) io.out(`${paint(io, 'green', '✓')} ${describeVerdict(verdict)}\n`);
        if (code !== EXIT.ok) throw new ExitError(opts.json ? '' : describeVerdict(verdict), code);
        return;
      }
      const composed = composeRunbook({ config, plan, environment: env, today, previous: existing, reviewed: opts.reviewed });
      if (!opts.out) {
        if (opts.json) printJson(io, { frontMatter: composed.frontMatter, keptReview: composed.keptReview, text: composed.text });
        else io.out(composed.text);
        return;
      }
      const changed = existing?.replace(/\r\n/g, '\n') !== composed.text;
      if (changed) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, composed.text);
      }
      const fm = composed.frontMatter;
      if (opts.json) return printJson(io, { file, written: changed, keptReview: composed.keptReview, frontMatter: fm });
      const review = composed.keptReview ? `last_reviewed ${fm.last_reviewed} (kept: text unchanged)` : `last_reviewed ${fm.last_reviewed}`;
      io.out(`${changed ? 'wrote' : 'unchanged:'} ${file} · ${review} · expires ${fm.expires} · ${fm.doc_hash}\n`);
    });
}
