/**
 * The policy gate of every run, before its lock and before anything changes: each step the plan will run has an
 * effect class (read, local, remote), the actor a kind (human, ci, agent), and `policy:` says per kind what runs
 * unattended, what needs an approval and what is refused. A release whose diff from the environment's known-good
 * touches a protected path needs an approval too. An approval is the environment's `approvals:` satisfied for the
 * release. A project without `policy:` is not enforced: the actor kind and the effect classes are still recorded.
 */
import type { ProjectContext } from '../engine/context.js';
import { plannedEffect, type Plan } from '../engine/plan.js';
import { GateError } from '../errors.js';
import { notifyRefusal } from '../notify/run-events.js';
import { appendAudit } from '../store/audit.js';
import type { Release, RunKind, RunPolicy } from '../types.js';
import { judgeApprovals, refusedLines } from './approval-state.js';
import { decide, type ActorKind, type EffectClass, type Policy, type PolicyDecision } from './policy.js';
import { protectedChangesOf } from './protected-diff.js';

/** The run the policy judges. */
export interface PolicyCheck {
  environment: string;
  release: Release;
  kind: RunKind;
  plan: Plan;
  runId?: string;
}

/** One step's effect class and the policy's answer for it. */
interface StepDecision extends PolicyDecision {
  step: string;
  effect: EffectClass;
}

const ARTICLE: Record<ActorKind, string> = { human: 'a person', ci: 'CI', agent: 'an agent' };

/** The steps the plan will run, each with its effect class and the decision for the actor's kind. */
export function stepDecisions(policy: Policy | undefined, kind: ActorKind, plan: Plan): StepDecision[] {
  return plan.steps.filter((step) => !step.skip).map((step) => {
    const effect = plannedEffect(step, plan);
    return { step: step.name, effect, ...decide(policy, kind, effect) };
  });
}

// Audits the refusal, tells the notification targets, and throws the GateError (exit 3).
async function refuse(ctx: ProjectContext, check: PolicyCheck, reason: string, details: Record<string, unknown>): Promise<never> {
  await ctx.store.use((db) => appendAudit(db, { actor: ctx.actor, action: 'gate.refused', environment: check.environment,
    releaseId: check.release.id, runId: check.runId, details: { gate: 'policy', actorKind: ctx.actorKind.kind, ...details } }));
  await notifyRefusal(ctx, { environment: check.environment, kind: check.kind, reason, release: check.release });
  throw new GateError(`refused: ${reason}`);
}

/** The fix of a step that needs an approval: approve it, or let the kind run the class unattended. */
function approvalFix(ctx: ProjectContext, check: PolicyCheck, effect?: EffectClass): string {
  const kind = ctx.actorKind.kind;
  const approve = ctx.loaded.config.environments[check.environment]?.approvals
    ? `a person approves it (runway approve ${check.environment} --release ${check.release.id})`
    : `environments.${check.environment}.approvals is added and a person approves it (runway approve ${check.environment})`;
  return effect ? `${approve}, or policy.${kind}.unattended lists ${effect}` : approve;
}

/**
 * Judges a run against `policy:`: refuses it (GateError, exit 3) naming the step, its effect class, the actor
 * kind and the fix; returns what let it through for the run's record.
 */
export async function policyGate(ctx: ProjectContext, check: PolicyCheck): Promise<RunPolicy> {
  const policy = ctx.loaded.config.policy;
  const { kind, from } = ctx.actorKind;
  const decisions = stepDecisions(policy, kind, check.plan);
  const record: RunPolicy = { actorKind: kind, detectedFrom: from, enforced: policy !== undefined,
    steps: decisions.map(({ step, effect, decision }) => ({ step, effect, decision })) };
  if (!policy) return record;
  const who = `${ARTICLE[kind]} (actor kind ${kind}, from ${from})`;
  const refused = decisions.find((d) => d.decision === 'refuse');
  if (refused) {
    return refuse(ctx, check, `step "${refused.step}" is ${refused.effect} and ${who} may not run it: ${refused.reason}; ` +
      `a person or CI runs it, or policy.${kind} moves ${refused.effect} to unattended or approval`,
      { step: refused.step, effect: refused.effect, decision: 'refuse' });
  }
  const asking = decisions.filter((d) => d.decision === 'needs-approval');
  const touched = check.kind === 'rollback' ? [] : await protectedChangesOf(ctx, check.environment, check.release, policy.protected);
  if (touched.length) record.protected = touched;
  if (asking.length === 0 && touched.length === 0) return record;
  const needs = [
    ...asking.map((d) => `step "${d.step}" is ${d.effect} and ${who} needs an approval for it (${d.reason})`),
    ...(touched.length ? [`it changes protected paths since known-good: ${touched.map((t) => `${t.path} (${t.pattern})`).join(', ')}`] : []),
  ];
  const approvals = ctx.loaded.config.environments[check.environment]?.approvals;
  const fix = approvalFix(ctx, check, asking.length && !touched.length ? asking[0]!.effect : undefined);
  if (!approvals) {
    return refuse(ctx, check, `release ${check.release.id} needs an approval for ${check.environment}: ${needs.join('; ')}; ` +
      `it runs once ${fix}`, { needs, steps: asking.map((d) => ({ step: d.step, effect: d.effect })), protected: touched });
  }
  const judgement = await judgeApprovals(ctx, check.environment, check.release, { startedBy: ctx.actor });
  if (!judgement.verdict.satisfied) {
    const notCounted = refusedLines(judgement.verdict);
    return refuse(ctx, check, `release ${check.release.id} needs an approval for ${check.environment}: ${needs.join('; ')}; ` +
      `missing: ${judgement.verdict.missing.join('; ')}${notCounted.length ? ` (not counted: ${notCounted.join('; ')})` : ''}; it runs once ${fix}`,
      { needs, missing: judgement.verdict.missing, protected: touched });
  }
  record.approvedBy = judgement.verdict.counted.map((c) => c.who);
  ctx.reporter.info(`policy: ${needs.join('; ')} — approved by ${record.approvedBy.join(', ')}`);
  return record;
}
