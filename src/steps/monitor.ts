/**
 * `monitor` step: watch the release's own traffic for `for` and judge it — through Runway's proxy on the local
 * target, through probes and the metric checks (prometheus, json, command) on hosted ones. A failed (or
 * inconclusive) verdict does what `onBreach` says: rollback (a failed step; the engine switches back to the warm
 * known-good version), pause (wait for `runway resume`), or notify (warn and keep the release). The time series,
 * the chart and the verdict go into the evidence bundle.
 */
import { appendFile } from 'node:fs/promises';
import { runCheck } from '../checks/index.js';
import { formatMs } from '../config/duration.js';
import type { PlannedStep } from '../engine/plan.js';
import { nonInteractiveEnv } from '../exec/env.js';
import type { MonitorResult } from '../monitor/monitor.js';
import type { MonitorSources } from '../monitor/sources.js';
import { targetDefinition } from '../targets/index.js';
import { describeMonitor, type MonitorSpec } from '../monitor/spec.js';
import type { CheckResult } from '../types.js';
import { checksDir, environmentUrl } from './checks.js';
import { rollbackTarget } from './rollback.js';
import { stepEnv, type RunContext, type StepOutcome } from './step.js';
import { maintenanceOf } from '../governance/maintenance-state.js';

const PROGRESS_EVERY_MS = 5000;

/** Monitors the run's release in its environment. */
export async function monitorStep(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const { ctx, plan, release } = rc;
  const spec = step.monitor!;
  const environment = plan.environment;
  const note = async (line: string) => {
    const safe = ctx.redactor.redact(line);
    ctx.reporter.output(`${safe}\n`);
    await appendFile(logFile, `${new Date().toISOString()} ${safe}\n`);
  };
  if (!rc.deployed) return { ok: false, error: 'a monitor step watches the release its run deployed: put it after the deploy step (runway monitor watches what is live)' };
  // Behind a maintenance page no user reaches the app: there is nothing to judge, and "too few requests" must not
  // roll a release back that its checks passed.
  const maintenance = await ctx.store.use((db) => maintenanceOf(db, environment));
  if (maintenance) {
    const why = `not monitored: ${environment} is in maintenance since ${maintenance.since} by ${maintenance.by}, so no user traffic ` +
      `reaches the release; watch it with \`runway monitor ${environment} --for <duration>\` after \`runway maintenance ${environment} off\``;
    await note(why);
    return { ok: true, skipped: why };
  }
  // what a monitoring run uses (the monitor, hdr-histogram-js, notifications) loads when the step runs, not with the
  // step kinds the config schema lists
  const [{ runMonitor }, { probeSources }, { progressLine, verdictLines }, { notifyRun }] = await Promise.all([
    import('../monitor/monitor.js'), import('../monitor/sources.js'), import('../monitor/format.js'), import('../notify/run-events.js'),
  ]);
  const target = await ctx.target(environment);
  const tctx = ctx.targetContext(environment, rc.signal);
  let sources: MonitorSources;
  try {
    sources = target.monitorSources ? await target.monitorSources(tctx, release.id) : probeSources();
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (!sources.requests && !spec.probes && !spec.checks) {
    return { ok: false, error: `the ${target.kind} target has no request records of Runway's: monitoring it needs probes or monitor.checks (prometheus, json, command)` };
  }
  // Known-good is looked up before monitoring (not during: opening the store costs CPU the app's latency would
  // show), so a breach rolls back without waiting for the state store.
  if (spec.onBreach !== 'notify' && !rc.rollbackTo) rc.rollbackTo = await rollbackTarget(rc).catch(() => undefined);
  const hold = targetDefinition(target.kind)?.holdMs?.(rc.plan.target.config as never);
  if (hold !== undefined && hold < spec.forMs) {
    ctx.reporter.warn(`${environment}: target.${target.kind}.hold (${formatMs(hold)}) is shorter than monitor.for ` +
      `(${formatMs(spec.forMs)}); a late rollback will redeploy instead of switching back`);
  }
  await note(`monitoring ${release.id}: ${describeMonitor(spec)}`);
  let printed = -PROGRESS_EVERY_MS;
  const result = await runMonitor({
    spec, environment, releaseId: release.id, sources,
    baseUrl: await environmentUrl(rc), signal: rc.signal, runChecks: checksRunner(rc, step, spec),
    onEvaluation: (e, verdict) => {
      if (verdict === 'running' && e.t - printed < PROGRESS_EVERY_MS) return;
      printed = e.t;
      void note(progressLine(e, verdict));
    },
  });
  for (const line of verdictLines(result)) await note(line);
  const details = await writeEvidence(rc, result);
  if (result.verdict === 'cancelled') return { ok: false, cancelled: true, error: 'cancelled', details };
  if (result.verdict === 'successful') return { ok: true, details };
  const why = result.reasons.join('; ');
  if (spec.onBreach === 'rollback') return { ok: false, error: why, details: { ...details, onBreach: 'rollback' } };
  if (spec.onBreach === 'notify') {
    notifyRun(ctx, rc.run, 'breach.detected', { reason: why });
    ctx.reporter.warn(ctx.redactor.redact(`monitor ${result.verdict} in ${environment} (onBreach notify, ${release.id} keeps serving): ${why}`));
    return { ok: true, details: { ...details, onBreach: 'notify' } };
  }
  return pause(rc, spec, result, details, note);
}

// Waits for `runway resume` after a breach; the answer decides between keeping the release and rolling back.
async function pause(rc: RunContext, spec: MonitorSpec, result: MonitorResult, details: Record<string, unknown>,
  note: (line: string) => Promise<void>): Promise<StepOutcome> {
  const { ctx, plan, release, run } = rc;
  const [{ notifyRun }, { waitForAnswer, writePause }, { appendAudit }] = await Promise.all([
    import('../notify/run-events.js'), import('../monitor/pause.js'), import('../store/audit.js'),
  ]);
  const env = plan.environment;
  const why = result.reasons.join('; ');
  notifyRun(ctx, run, 'breach.detected', { reason: `${why} (paused: runway resume ${env} [--rollback])` });
  await writePause(ctx.stateDir, { runId: run.id, environment: env, releaseId: release.id, reasons: result.reasons,
    pausedAt: new Date().toISOString(), until: new Date(Date.now() + spec.pauseTimeoutMs).toISOString() });
  ctx.reporter.warn(`paused: monitor ${result.verdict} in ${env}. Keep ${release.id} with \`runway resume ${env}\`, ` +
    `or roll back with \`runway resume ${env} --rollback\` (waiting up to ${formatMs(spec.pauseTimeoutMs)})`);
  await note(`paused, waiting for runway resume ${env}`);
  const answer = await waitForAnswer(ctx.stateDir, env, run.id, { timeoutMs: spec.pauseTimeoutMs, signal: rc.signal });
  if (!answer) {
    if (rc.signal.aborted) return { ok: false, cancelled: true, error: 'cancelled while paused', details };
    return { ok: false, error: `no answer within ${formatMs(spec.pauseTimeoutMs)} while paused: ${why}`, details: { ...details, onBreach: 'pause' } };
  }
  const decided = { ...details, onBreach: 'pause', decision: answer.decision, decidedBy: answer.actor, decisionReason: answer.reason };
  await note(`${answer.decision} chosen by ${answer.actor}${answer.reason ? `: ${answer.reason}` : ''}`);
  await ctx.store.use((db) => appendAudit(db, { actor: answer.actor, action: `monitor.${answer.decision}`, environment: env,
    releaseId: release.id, runId: run.id, details: { reasons: result.reasons, reason: answer.reason } })).catch(() => undefined);
  if (answer.decision === 'resume') return { ok: true, details: decided };
  return { ok: false, error: `${why} (rollback chosen by ${answer.actor})`, details: { ...decided, onBreach: 'rollback' } };
}

// Runs the environment's checks named by spec.checks (not added to the run's checks.json: monitor.json has them).
function checksRunner(rc: RunContext, step: PlannedStep, spec: MonitorSpec): (() => Promise<CheckResult[]>) | undefined {
  if (!spec.checks) return undefined;
  const wanted = rc.plan.checks.filter((c) => !spec.checks!.only || spec.checks!.only.includes(c.name));
  if (wanted.length === 0) return undefined;
  return async () => {
    const baseUrl = await environmentUrl(rc);
    const env = { ...nonInteractiveEnv(), ...rc.ctx.secretEnv, ...stepEnv(rc, step) };
    const results: CheckResult[] = [];
    for (const check of wanted) results.push(await runCheck({ baseUrl, cwd: checksDir(rc), env, signal: rc.signal }, check.spec));
    return results;
  };
}

// Writes monitor.json and monitor.svg (monitor-<n>.* for a second monitor step) and returns the step details.
async function writeEvidence(rc: RunContext, result: MonitorResult): Promise<Record<string, unknown>> {
  const earlier = rc.run.steps.filter((s) => s.kind === 'monitor' && s.details?.chart).length;
  const base = earlier ? `monitor-${earlier + 1}` : 'monitor';
  const { renderChart } = await import('../monitor/chart.js');
  await rc.bundle.writeJson(`${base}.json`, result);
  await rc.bundle.writeText(`${base}.svg`, renderChart(result));
  const details: Record<string, unknown> = {
    verdict: result.verdict, reasons: result.reasons, chart: `${base}.svg`, data: `${base}.json`, totals: result.totals,
    monitoredMs: result.durationMs,
  };
  if (result.decidedAtMs !== undefined) details.decidedAfterMs = result.decidedAtMs;
  return details;
}
