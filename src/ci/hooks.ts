/**
 * What the CLI does differently inside GitHub Actions (`GITHUB_ACTIONS=true`), without a flag: each function here is
 * one hook the CLI calls (cli/project.ts, cli/main.ts), loaded only in CI.
 *
 * 1. `hold` + `masks`: the project's output is held until every line of every secret value it resolved is
 *    registered with `::add-mask::`, the first thing the step prints.
 * 2. `opened`: a run command in CI refuses a missing secret before the build (with the names, the sources searched
 *    and an annotation), then starts the run's GitHub deployment (`in_progress`).
 * 3. `runFinished`: the run's outputs to `$GITHUB_OUTPUT`, its report with Mermaid charts to `$GITHUB_STEP_SUMMARY`,
 *    annotations for failed checks and the outcome; the deployment's final status is queued.
 * 4. `failed` + `settle`: an error's annotation (config errors on their file, line and column); the queued
 *    deployment statuses are awaited before the process exits.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ProjectContext } from '../engine/context.js';
import type { Reporter } from '../engine/reporter.js';
import { GateError } from '../errors.js';
import { presenceProblem, describeSearched } from '../secrets/resolve.js';
import { appendAudit } from '../store/audit.js';
import type { RunRecord } from '../types.js';
import { errorAnnotation, runAnnotations } from './annotations.js';
import { deploymentsOff, GithubDeployment } from './deployment-run.js';
import { githubRun, type GithubRun } from './github-env.js';
import { maskCommands, stateUrlSecrets } from './masks.js';
import { appendOutputs } from './outputs.js';
import { runEnvironment, isProduction } from './run-command.js';
import { runOutputs } from './run-outputs.js';
import { appendSummary, summaryMarkdown } from './summary.js';
import { annotation } from './workflow-commands.js';

/** The output streams the hooks write to (the CLI's CliIO). */
export interface CiIO {
  err(text: string): void;
  redact(text: string): string;
}

interface State {
  run: GithubRun;
  ctx?: ProjectContext;
  release?: () => void;
  deployment?: Promise<GithubDeployment | undefined>;
  finished: boolean;
  error?: unknown;
  pending: Promise<void>[];
  outputs: string[];
}

let state: State | undefined;

// This process's CI state (the runner's environment is read once).
function current(): State {
  state ??= { run: githubRun() ?? {}, finished: false, pending: [], outputs: [] };
  return state;
}

/** Forgets what this process did (tests run several commands in one process). */
export function resetCi(): void {
  state = undefined;
}

/** A reporter that keeps everything until `masks` has run, then passes it on in order. */
export function hold(reporter: Reporter): Reporter {
  const queue: Array<() => void> = [];
  let open = false;
  const later = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => (open ? fn(...args) : void queue.push(() => fn(...args)));
  current().release = () => {
    open = true;
    for (const replay of queue.splice(0)) replay();
  };
  return {
    info: later((t: string) => reporter.info(t)), warn: later((t: string) => reporter.warn(t)),
    taskStart: later((l: string) => reporter.taskStart(l)), output: later((t: string) => reporter.output(t)),
    taskEnd: later((l: string, s: Parameters<Reporter['taskEnd']>[1], d?: number, detail?: string) => reporter.taskEnd(l, s, d, detail)),
  };
}

/** Registers every secret the project resolved with `::add-mask::` (the one output carrying values), unredacted. */
export function masks(io: CiIO, ctx: ProjectContext): void {
  const text = maskCommands([...ctx.maskedSecrets, ...stateUrlSecrets(process.env)]);
  if (!text) return;
  const redact = io.redact;
  io.redact = (t) => t;
  try {
    io.err(text);
  } finally {
    io.redact = redact;
  }
}

/**
 * After the project opened: releases the held output, refuses a run whose environment misses a required secret
 * (before the build), and starts the run's GitHub deployment.
 */
export async function opened(io: CiIO, ctx: ProjectContext, cmd: Command): Promise<void> {
  const s = current();
  s.ctx = ctx;
  s.release?.();
  const target = runEnvironment(cmd, ctx, s.run);
  if (!target) return;
  if (target.command !== 'rollback') await refuseMissingSecrets(ctx, target.environment);
  const off = deploymentsOff(s.run, process.env);
  if (off) return io.err(annotation('notice', `no GitHub deployment recorded: ${off}`, { title: 'Runway' }));
  s.deployment = GithubDeployment.begin(s.run, {
    environment: target.environment, command: target.command, production: isProduction(ctx.loaded.config.environments, target.environment),
    cwd: ctx.projectDir, tools: ctx.tools, redact: (text) => ctx.redactor.redact(text), warn: (text) => io.err(annotation('warning', text, { title: 'Runway: GitHub deployment' })),
  });
  await s.deployment;
}

// The presence gate, before the build: names and sources as the engine's gate gives them, audited the same way.
async function refuseMissingSecrets(ctx: ProjectContext, environment: string): Promise<void> {
  const resolved = ctx.secrets(environment);
  const problem = presenceProblem(resolved);
  if (!problem) return;
  await ctx.store.use((db) => appendAudit(db, { actor: ctx.actor, action: 'gate.refused', environment,
    details: { gate: 'secrets-present', missing: resolved.missing, searched: describeSearched(resolved.searched), before: 'build' } }));
  throw new GateError(`refused: ${problem}${workflowHint(resolved.missing, resolved.searched.some((s) => s.kind === 'env'))}`);
}

/**
 * What a job does about missing names read from the environment: a secret GitHub does not have, or one the step's
 * `env:` does not pass, reaches Runway as unset or empty, so the refusal says where to set it and how to pass it.
 */
export function workflowHint(missing: readonly string[], fromEnv: boolean): string {
  if (!fromEnv || !missing.length) return '';
  const example = missing.map((name) => `${name}: \${{ secrets.${name} }}`).join(', ');
  return `\n  in GitHub Actions: set ${missing.length === 1 ? 'it' : 'them'} under Settings → Secrets and variables → Actions ` +
    `(or the environment's secrets) and pass ${missing.length === 1 ? 'it' : 'them'} to this step's env: (${example})`;
}

/** After a run finished: outputs, job summary, annotations; the deployment's final status is queued. */
export function runFinished(io: CiIO, run: RunRecord): void {
  const s = current();
  s.finished = true;
  const projectDir = s.ctx?.projectDir ?? process.cwd();
  const configuredUrl = s.ctx?.loaded.config.environments[run.environment]?.url;
  const outputs = runOutputs(run, projectDir, configuredUrl);
  // the outputs leave Runway's output path: redacted like everything it prints (a URL may carry credentials)
  const safe = Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, value === undefined ? undefined : io.redact(value)]));
  if (s.run.outputFile) s.outputs.push(...appendOutputs(s.run.outputFile, safe));
  if (s.run.summaryFile && run.evidence) {
    const bundleDir = resolve(projectDir, run.evidence);
    const report = join(bundleDir, 'report.md');
    if (existsSync(report)) {
      const text = io.redact(summaryMarkdown(readFileSync(report, 'utf8'), run, bundleDir, s.run.runUrl));
      const written = appendSummary(s.run.summaryFile, text);
      if (written !== 'written') {
        const what = written === 'cut' ? 'the report was cut' : 'the report is not in it';
        io.err(annotation('warning', `the job summary is full (GitHub keeps 1 MiB per step): ${what}; report.md in the evidence has it all`, { title: 'Runway' }));
      }
    }
  }
  io.err(runAnnotations(run));
  if (s.deployment) s.pending.push(s.deployment.then((d) => d?.finishRun(run, safe.url)));
}

/** The output names this process wrote to `$GITHUB_OUTPUT`. */
export function outputsWritten(): string[] {
  return [...current().outputs];
}

/** An error ended the command: its annotation (a config error's on each file position). */
export function failed(io: CiIO, err: unknown, argv: readonly string[]): void {
  const s = current();
  s.error = err;
  const projectDir = s.ctx?.projectDir ?? resolve(dirFlag(argv) ?? process.cwd());
  io.err(io.redact(errorAnnotation(err, { projectDir, workspace: s.run.workspace })));
}

/** Waits for the deployment statuses; a deployment whose command ended without a run gets its last status here. */
export async function settle(): Promise<void> {
  const s = current();
  if (s.deployment && !s.finished) {
    const message = s.error instanceof Error ? s.error.message : undefined;
    s.pending.push(s.deployment.then((d) => d?.post(message ? 'error' : 'inactive', message ?? 'nothing changed')));
  }
  await Promise.all(s.pending.splice(0));
}

// The value of -C / --dir in a command line.
function dirFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((arg === '-C' || arg === '--dir') && argv[i + 1]) return argv[i + 1];
    if (arg.startsWith('--dir=')) return arg.slice('--dir='.length);
  }
  return undefined;
}
