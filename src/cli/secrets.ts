/**
 * `runway secrets list|sync|diff <env>`: where each secret of an environment comes from (name, source, keyed
 * fingerprint, length — never a value), mirroring the required names to the configured sinks, and comparing
 * each sink with the sources.
 */
import type { Command } from 'commander';
import { scopeFor } from '../config/interpolate.js';
import { environmentConfig, type ProjectContext } from '../engine/context.js';
import { ConfigError, ExitError, GateError } from '../errors.js';
import { projectFingerprinter } from '../secrets/fingerprint.js';
import { describeSearched, presenceProblem, secretsSettings } from '../secrets/resolve.js';
import type { Sensitive } from '../secrets/sensitive.js';
import { diffSink, type SinkDiff } from '../secrets/sinks/diff.js';
import { createSinks, type SecretSink } from '../secrets/sinks/index.js';
import { readMirror } from '../secrets/sinks/mirror.js';
import { syncSinks } from '../secrets/sinks/sync.js';
import { appendAudit } from '../store/audit.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

/** Registers `secrets list`, `secrets sync` and `secrets diff`. */
export function register(program: Command, io: CliIO): void {
  const secrets = program.command('secrets').description('where secrets come from, and their mirrors (never shows a value)');
  secrets
    .command('list')
    .description('names, source, keyed fingerprint and length of the secrets of <env>')
    .argument('<env>', 'environment name')
    .option('--json', 'print JSON', false)
    .action(async (env: string, opts: { json: boolean }, cmd: Command) => list(await open(cmd, io, env), env, opts.json, io));
  secrets
    .command('sync')
    .description('copy the required secrets of <env> to its sinks, then read them back')
    .argument('<env>', 'environment name')
    .option('--dry-run', 'show the commands (values redacted) without running them', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExit codes: 0 synced and verified, 1 a sink failed, 2 bad input, 3 a required secret is missing.')
    .action(async (env: string, opts: { dryRun: boolean; json: boolean }, cmd: Command) => sync(await open(cmd, io, env), env, opts, io));
  secrets
    .command('diff')
    .description('per sink: required names present, missing or extra, and whether each copy matches the source')
    .argument('<env>', 'environment name')
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExit codes: 0 every sink in sync, 1 something missing, different or unreadable, 2 bad input.')
    .action(async (env: string, opts: { json: boolean }, cmd: Command) => diff(await open(cmd, io, env), env, opts.json, io));
}

// Opens the project and checks the environment name.
async function open(cmd: Command, io: CliIO, env: string): Promise<ProjectContext> {
  const ctx = await openFromCommand(cmd, io);
  environmentConfig(ctx, env);
  return ctx;
}

// `secrets list`: one row per resolved name plus the missing required ones.
async function list(ctx: ProjectContext, env: string, json: boolean, io: CliIO): Promise<void> {
  const resolved = ctx.secrets(env);
  const fp = await projectFingerprinter(ctx.stateDir);
  const rows = [...resolved.values.values()].map((v) => ({
    name: v.name, source: v.source, where: v.where ?? null, fingerprint: fp(v.value.reveal()),
    length: [...v.value.reveal()].length, required: resolved.required.includes(v.name), masked: v.masked,
  }));
  const searched = resolved.searched.map((s) => ({ source: s.label, found: s.found, problem: s.problem ?? null }));
  if (json) return printJson(io, { environment: env, secrets: rows, missing: resolved.missing, searched });
  io.out(table(
    ['NAME', 'SOURCE', 'WHERE', 'FINGERPRINT', 'LENGTH', 'REQUIRED', 'MASKED'],
    [
      ...rows.map((r) => [r.name, r.source, r.where ?? '-', r.fingerprint, String(r.length), r.required ? 'yes' : '', r.masked ? 'yes' : 'no']),
      ...resolved.missing.map((name) => [name, paint(io, 'red', 'missing'), '-', '-', '-', 'yes', '-']),
    ],
  ));
  io.out(`searched: ${describeSearched(resolved.searched)}\n`);
  io.out(paint(io, 'gray', 'fingerprints: HMAC-SHA256 with this project\'s key (.runway/secrets.key), first 12 hex characters\n'));
  if (resolved.missing.length) io.err(`${presenceProblem(resolved)}\n`);
}

// The configured sinks of an environment and the required values they mirror; refuses missing names.
function mirrorPlan(ctx: ProjectContext, env: string): { sinks: SecretSink[]; values: Sensitive[] } {
  const settings = secretsSettings(ctx.loaded.config, env);
  const where = ctx.loaded.config.environments[env]?.secrets?.sinks ? `environments.${env}.secrets.sinks` : 'secrets.sinks';
  const sinks = createSinks(settings.sinks, scopeFor(ctx.loaded.config, env), where);
  if (sinks.length === 0) {
    throw new ConfigError(`${ctx.loaded.label}: environment "${env}" has no secret sinks: add secrets.sinks (see docs/secrets.md#sinks)`);
  }
  for (const sink of sinks) {
    const extra = (sink.names ?? []).filter((n) => !settings.required.includes(n));
    if (extra.length) {
      throw new ConfigError(`${ctx.loaded.label} secrets.sinks.${sink.kind}.names: ${extra.join(', ')} ${extra.length === 1 ? 'is' : 'are'} not under secrets.required; only required names are mirrored`);
    }
  }
  const resolved = ctx.secrets(env);
  const problem = presenceProblem(resolved);
  if (problem) throw new GateError(`refused: ${problem}`);
  return { sinks, values: settings.required.map((name) => resolved.values.get(name)!.value) };
}

// `secrets sync`.
async function sync(ctx: ProjectContext, env: string, opts: { dryRun: boolean; json: boolean }, io: CliIO): Promise<void> {
  const { sinks, values } = mirrorPlan(ctx, env);
  const fingerprint = await projectFingerprinter(ctx.stateDir);
  const outcomes = await syncSinks({ sinks, values, ctx: { projectDir: ctx.projectDir, tools: ctx.tools }, stateDir: ctx.stateDir, fingerprint, dryRun: opts.dryRun });
  if (!opts.dryRun) {
    await ctx.store.use((db) => appendAudit(db, {
      actor: ctx.actor, action: 'secrets.sync', environment: env,
      details: { sinks: outcomes.map((o) => ({ sink: o.sink, names: o.names, ok: o.ok, problem: o.problem })) },
    }));
  }
  if (opts.json) printJson(io, { environment: env, dryRun: opts.dryRun, sinks: outcomes });
  else {
    if (opts.dryRun) io.out('dry run: nothing is changed\n');
    for (const o of outcomes) {
      const mark = o.ok ? paint(io, 'green', opts.dryRun ? '·' : '✓') : paint(io, 'red', '✗');
      const verified = o.verified ? `; read back: ${summarizeRows(o.verified)}` : '';
      io.out(`${mark} ${o.sink} — ${o.problem ?? `${opts.dryRun ? 'would set' : 'set'} ${o.names.join(', ')}${verified}`}\n`);
      if (opts.dryRun) for (const action of o.actions) io.out(`    ${action}\n`);
    }
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length) throw new ExitError(`secrets sync: ${failed.map((o) => o.sink).join(', ')} not in sync`, 1);
}

// `secrets diff`.
async function diff(ctx: ProjectContext, env: string, json: boolean, io: CliIO): Promise<void> {
  const { sinks, values } = mirrorPlan(ctx, env);
  const fingerprint = await projectFingerprinter(ctx.stateDir);
  const mirror = await readMirror(ctx.stateDir);
  const sinkCtx = { projectDir: ctx.projectDir, tools: ctx.tools };
  const diffs: SinkDiff[] = [];
  for (const sink of sinks) {
    const wanted = values.filter((v) => !sink.names || sink.names.includes(v.name));
    diffs.push(await diffSink(sink, sinkCtx, wanted, fingerprint, mirror[sink.key]));
  }
  if (json) printJson(io, { environment: env, sinks: diffs });
  else {
    for (const d of diffs) {
      const head = `${d.inSync ? paint(io, 'green', '✓') : paint(io, 'red', '✗')} ${d.sink}${d.exposes ? paint(io, 'gray', ` (shows ${d.exposes})`) : ''}`;
      io.out(`${head}${d.problem ? ` — ${d.problem}` : ''}\n`);
      if (d.problem) continue;
      io.out(indent(table(['NAME', 'STATUS', 'MATCH', 'SOURCE', 'SINK', 'UPDATED', 'NOTE'], d.rows.map((r) => [
        r.name, r.status === 'missing' ? paint(io, 'red', r.status) : r.status,
        r.match ? (r.match === 'differs' ? paint(io, 'red', r.match) : r.match) + (r.by ? ` (${r.by})` : '') : '-',
        r.source ?? '-', r.sink ?? '-', r.updatedAt ?? '-', r.note ?? '',
      ]))));
    }
  }
  const out = diffs.filter((d) => !d.inSync);
  if (out.length) throw new ExitError(`secrets diff: ${out.map((d) => d.sink).join(', ')} not in sync (runway secrets sync ${env})`, 1);
}

// `2 present, 1 match, 1 unknown`.
function summarizeRows(d: SinkDiff): string {
  const count = (pred: (r: SinkDiff['rows'][number]) => boolean, word: string) => {
    const n = d.rows.filter(pred).length;
    return n ? `${n} ${word}` : '';
  };
  return [count((r) => r.status === 'present', 'present'), count((r) => r.status === 'missing', 'missing'),
    count((r) => r.match === 'match', 'match'), count((r) => r.match === 'differs', 'differ'),
    count((r) => r.match === 'unknown', 'not comparable')].filter(Boolean).join(', ');
}

// Indents every line of a block by four spaces.
function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '    ');
}
