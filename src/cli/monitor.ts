/**
 * `runway monitor <env> --for 5m [--json]`: watch the live release's traffic and judge it like the monitor step,
 * read-only (it never rolls back). `runway resume <env> [--rollback]`: answer a run paused by its monitor.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DURATION_PATTERN } from '../config/duration.js';
import { environmentConfig } from '../engine/context.js';
import { ConfigError, ExitError, StepError } from '../errors.js';
import { renderChart } from '../monitor/chart.js';
import { progressLine, verdictLines } from '../monitor/format.js';
import { runMonitor } from '../monitor/monitor.js';
import { answerPause } from '../monitor/pause.js';
import { probeSources } from '../monitor/sources.js';
import { targetHealthPath } from '../targets/index.js';
import { monitorChecks } from './monitor-checks.js';
import { describeMonitor, resolveMonitor } from '../monitor/spec.js';
import { paint, printJson, type CliIO } from './io.js';
import { interruptSignal, openFromCommand } from './project.js';

interface MonitorFlags {
  for?: string;
  every?: string;
  window?: string;
  out?: string;
  json: boolean;
}

const PROGRESS_EVERY_MS = 5000;

/** Registers `monitor` and `resume`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('monitor')
    .description("watch an environment's live release and judge its traffic like the monitor step (read-only: never rolls back)")
    .argument('<env>', 'environment name')
    .option('--for <duration>', "how long to watch (default: the environment's monitor.for, else 10m)")
    .option('--every <duration>', 'how often to judge the sliding window (default: monitor.every, else 1s)')
    .option('--window <duration>', 'length of the sliding window (default: monitor.window, else 10s)')
    .option('--out <dir>', 'also write monitor.json (time series, verdict) and monitor.svg (chart) to this folder')
    .option('--json', 'print the result (verdict, reasons, series) as JSON on stdout', false)
    .addHelpText('after', '\nExit codes: 0 successful, 1 failed, error, inconclusive or interrupted, 2 bad input. See docs/monitoring.md.')
    .action(async (env: string, opts: MonitorFlags, cmd: Command) => monitorCommand(io, cmd, env, opts));
  program
    .command('resume')
    .description('answer a run paused by its monitor (onBreach: pause): keep the release, or --rollback')
    .argument('<env>', 'environment name')
    .option('--rollback', 'roll back to the known-good release instead of keeping the new one', false)
    .option('--reason <text>', 'why (recorded in the run and the audit log)')
    .action(async (env: string, opts: { rollback: boolean; reason?: string }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      const paused = await answerPause(ctx.stateDir, env, { decision: opts.rollback ? 'rollback' : 'resume', actor: ctx.actor, reason: opts.reason });
      io.out(opts.rollback
        ? `run ${paused.runId} rolls ${env} back from ${paused.releaseId}\n`
        : `run ${paused.runId} continues: ${env} keeps ${paused.releaseId}\n`);
    });
}

// The read-only monitor of the live release.
async function monitorCommand(io: CliIO, cmd: Command, env: string, opts: MonitorFlags): Promise<void> {
  for (const flag of ['for', 'every', 'window'] as const) {
    const value = opts[flag];
    if (value !== undefined && !DURATION_PATTERN.test(value)) throw new ConfigError(`--${flag}: "${value}" is not a duration (e.g. 300ms, 5s, 10m)`);
  }
  const ctx = await openFromCommand(cmd, io);
  const config = environmentConfig(ctx, env);
  const spec = resolveMonitor(config.monitor, { for: opts.for, every: opts.every, window: opts.window },
    { where: `${ctx.loaded.label} environments.${env}.monitor`, healthPath: targetHealthPath(config.target), onFailure: config.onFailure });
  ctx.useEnvironment(env);
  const target = await ctx.target(env);
  const tctx = ctx.targetContext(env);
  const status = await target.status(tctx);
  const url = config.url ?? status.url;
  if (!status.current || !url) throw new StepError(`${env} has no live release to monitor (runway deploy ${env})`);
  const releaseId = status.current.releaseId;
  const sources = target.monitorSources ? await target.monitorSources(tctx, releaseId) : probeSources();
  const runChecks = monitorChecks(ctx, env, spec, { releaseId, url });
  io.err(`monitoring ${env} (${releaseId}) read-only: ${describeMonitor(spec, { onBreach: false })}\n`);
  const interrupt = interruptSignal(io);
  let printed = -PROGRESS_EVERY_MS;
  const result = await runMonitor({
    spec, environment: env, releaseId, sources, baseUrl: url, signal: interrupt.signal, runChecks,
    onEvaluation: (e, verdict) => {
      if (verdict === 'running' && e.t - printed < PROGRESS_EVERY_MS) return;
      printed = e.t;
      io.err(`${progressLine(e, verdict)}\n`);
    },
  }).finally(() => interrupt.dispose());
  if (opts.out) {
    const dir = resolve(ctx.projectDir, opts.out);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'monitor.json'), io.redact(`${JSON.stringify(result, null, 2)}\n`));
    await writeFile(join(dir, 'monitor.svg'), io.redact(renderChart(result)));
    io.err(`wrote ${join(dir, 'monitor.json')} and monitor.svg\n`);
  }
  if (opts.json) printJson(io, result);
  else {
    const [head, ...reasons] = verdictLines(result);
    const color = result.verdict === 'successful' ? 'green' : result.verdict === 'cancelled' ? 'yellow' : 'red';
    io.out(`${paint(io, color, head!)}\n${reasons.map((r) => `${r}\n`).join('')}`);
    if (result.verdict !== 'successful') io.out('read-only: nothing was rolled back (runway rollback does that)\n');
  }
  if (result.verdict !== 'successful') throw new ExitError('', 1);
}
