/**
 * Notifications of one run, as the engine sees them: a notifier per run (the project's targets plus the
 * environment's), events emitted as the run goes, and at the end the closing events, a bounded flush, and the
 * delivery records written into the run and its evidence. Refusals that happen before a run exists get their own
 * short-lived notifier and are audited when a delivery fails. Nothing here ever fails a run.
 */
import type { Config, NotifyTargetConfig } from '../config/schema.js';
import type { ProjectContext } from '../engine/context.js';
import type { EvidenceBundle } from '../evidence/bundle.js';
import { appendAudit } from '../store/audit.js';
import type { NotificationRecord, Release, RunKind, RunRecord } from '../types.js';
import { FLUSH_LIMIT_MS, Notifier } from './dispatch.js';
import { refusalEvent, runEvent, type NotifyEventType } from './events.js';

const notifiers = new WeakMap<RunRecord, Notifier>();

/** The notification targets of an environment: the top-level ones, then the environment's own. */
export function notifyTargets(config: Config, environment: string): NotifyTargetConfig[] {
  return [...(config.notify ?? []), ...(config.environments[environment]?.notify ?? [])];
}

/** How many undelivered notifications a warning names one by one; the rest are counted. */
const NAMED_FAILURES = 5;

/** The warning for deliveries that failed: every one named up to a bound, the rest counted — never fewer than said. */
export function undeliveredWarning(failed: NotificationRecord[], what = 'notification(s)'): string {
  const named = failed.slice(0, NAMED_FAILURES).map((r) => `${r.target} ${r.event}: ${r.error}`);
  const more = failed.length > named.length ? `; and ${failed.length - named.length} more` : '';
  return `${failed.length} ${what} not delivered (recorded in the run): ${named.join('; ')}${more}`;
}

// The secret values of `environment` when this command resolved them (a refusal can come before the run uses them).
function environmentSecrets(ctx: ProjectContext, environment: string): Record<string, string> {
  try {
    return ctx.secrets(environment).env() as Record<string, string>;
  } catch {
    return {};
  }
}

// A notifier for one environment of the project; `${NAME}` in its targets reads the shell, then the vault.
function notifierFor(ctx: ProjectContext, environment: string): Notifier {
  return new Notifier({
    targets: notifyTargets(ctx.loaded.config, environment),
    env: () => ({ ...process.env, ...ctx.secretEnv, ...environmentSecrets(ctx, environment) }),
    redact: (s) => ctx.redactor.redact(s),
  });
}

/** Creates the run's notifier and sends `run.started`. */
export function startRunNotifications(ctx: ProjectContext, run: RunRecord): void {
  const notifier = notifierFor(ctx, run.environment);
  if (notifier.size === 0) return;
  notifiers.set(run, notifier);
  notifyRun(ctx, run, 'run.started');
}

/**
 * Sends an event about a run to its targets and returns at once (a no-op for runs without targets). `details`
 * are event-specific: `{ reason }` for gate.refused and breach.detected, `{ step, attempts, error }` for
 * step.escalated; a `summary` in them replaces the generated one.
 */
export function notifyRun(ctx: Pick<ProjectContext, 'loaded'>, run: RunRecord, type: NotifyEventType, details: Record<string, unknown> = {}): void {
  const notifier = notifiers.get(run);
  if (!notifier) return;
  try {
    notifier.emit(runEvent(type, ctx.loaded.config.project, run, details));
  } catch {
    // Building an event from a half-written run must not break the run; the missing record shows it.
  }
}

/**
 * Sends the closing events (`run.rolled_back`, `run.promoted`, `run.finished`), waits for every pending delivery
 * (at most `limitMs`) and records the deliveries in `run.notifications` and `notifications.json` of the bundle.
 */
export async function finishRunNotifications(
  ctx: ProjectContext, run: RunRecord, bundle: EvidenceBundle, limitMs: number = FLUSH_LIMIT_MS,
): Promise<void> {
  const notifier = notifiers.get(run);
  if (!notifier) return;
  try {
    if (run.kind !== 'rollback' && run.rolledBackTo) {
      notifyRun(ctx, run, 'run.rolled_back', { to: run.rolledBackTo, trigger: run.rollbackTrigger });
    } else if (run.kind === 'rollback' && run.outcome === 'successful') {
      notifyRun(ctx, run, 'run.rolled_back', { to: run.release.id, trigger: run.reason });
    }
    if (run.kind === 'promote' && run.outcome === 'successful') notifyRun(ctx, run, 'run.promoted');
    notifyRun(ctx, run, 'run.finished', { reason: run.rollbackTrigger ?? run.escalation?.error ?? (run.outcome === 'successful' ? undefined : run.reason) });
    await notifier.flush(limitMs);
    run.notifications = [...notifier.records];
    const failed = notifier.records.filter((r) => r.status === 'failed');
    if (failed.length) ctx.reporter.warn(undeliveredWarning(failed));
    await bundle.writeJson('notifications.json', run.notifications);
  } catch (error) {
    ctx.reporter.warn(`notifications: ${(error as Error)?.message ?? String(error)}`);
  } finally {
    notifiers.delete(run);
  }
}

/**
 * Sends `gate.refused` for a refusal before any run exists (promotion rules, `requires`), waits for it (bounded)
 * and audits deliveries that failed. Never throws.
 */
export async function notifyRefusal(
  ctx: ProjectContext,
  refusal: { environment: string; kind: RunKind; reason: string; release?: Release },
  limitMs: number = FLUSH_LIMIT_MS,
): Promise<void> {
  try {
    const notifier = notifierFor(ctx, refusal.environment);
    if (notifier.size === 0) return;
    notifier.emit(refusalEvent(ctx.loaded.config.project, refusal.environment, refusal.kind, refusal.reason, refusal.release));
    await notifier.flush(limitMs);
    const failed = notifier.records.filter((r) => r.status === 'failed');
    if (failed.length === 0) return;
    ctx.reporter.warn(undeliveredWarning(failed, 'notification(s) of the refusal').replace(' (recorded in the run)', ' (recorded in the audit log)'));
    await ctx.store.use((db) => appendAudit(db, {
      actor: ctx.actor, action: 'notify.failed', environment: refusal.environment, releaseId: refusal.release?.id,
      details: { event: 'gate.refused', notifications: JSON.parse(ctx.redactor.redact(JSON.stringify(failed))) },
    }));
  } catch (error) {
    ctx.reporter.warn(`notifications: ${(error as Error)?.message ?? String(error)}`);
  }
}
