/**
 * The policy for automated actors through the engine, on real projects and the embedded store: every effect class
 * against every actor kind (a cheap `run` step per class), refusals before anything runs (exit 3, audited, naming
 * the step, its class, the kind and the fix), an approval satisfying `approval`, the built-in defaults under
 * `policy: {}`, no enforcement without `policy:`, and the effect classes targets and step kinds declare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/parse.js';
import { executeRun } from '../engine/deploy.js';
import { buildPlan } from '../engine/plan.js';
import { resolveCurrentRelease } from '../engine/release.js';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import { insertApproval } from '../store/approvals.js';
import { listAudit } from '../store/audit.js';
import { listRuns } from '../store/runs.js';
import type { RunRecord } from '../types.js';
import { startStandIn, type StandIn } from '../../test/platforms/stand-in.js';

const step = (effect: string) => `    pipeline:\n      - run: node -e "process.exit(0)"\n        name: ${effect} step\n        effect: ${effect}\n`;
const CONFIG = `project: shop
policy:
  ci: { unattended: [read, local], approval: [remote] }
  agent: { unattended: [read], approval: [local], refuse: [remote] }
environments:
  reads:
    target: { local: { start: node server.js } }
${step('read')}  locals:
    target: { local: { start: node server.js } }
${step('local')}  remotes:
    target: { local: { start: node server.js } }
${step('remote')}  approved:
    target: { local: { start: node server.js } }
    approvals: { required: 1 }
${step('local')}`;

// Deploys the current commit of `p` to `environment` as an actor of `kind`; returns the run or the error thrown.
async function deployAs(p: RunProject, environment: string, kind: string, actor = 'dev@acme.test'): Promise<RunRecord | Error & { exitCode?: number }> {
  const ctx = await p.open({ RUNWAY_ACTOR: actor, RUNWAY_ACTOR_KIND: kind }).catch((error: Error) => error);
  if (ctx instanceof Error) return ctx;
  try {
    const release = await resolveCurrentRelease(ctx);
    return await executeRun(ctx, { kind: 'deploy', environment, release, command: `runway deploy ${environment}` });
  } catch (error) {
    return error as Error;
  } finally {
    await ctx.store.close();
  }
}

describe('the policy gate: each effect class against each actor kind', { timeout: 180_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG });
  afterAll(() => p.cleanup());

  const table: Array<[string, string, 'allow' | 'needs-approval' | 'refuse']> = [
    ['human', 'read', 'allow'], ['human', 'local', 'allow'], ['human', 'remote', 'allow'],
    ['ci', 'read', 'allow'], ['ci', 'local', 'allow'], ['ci', 'remote', 'needs-approval'],
    ['agent', 'read', 'allow'], ['agent', 'local', 'needs-approval'], ['agent', 'remote', 'refuse'],
  ];
  it.each(table)('%s running a %s step: %s', async (kind, effect, decision) => {
    const result = await deployAs(p, `${effect}s`, kind);
    if (decision === 'allow') {
      const run = result as RunRecord;
      expect(run.outcome).toBe('successful');
      expect(run.policy).toEqual({ actorKind: kind, detectedFrom: 'RUNWAY_ACTOR_KIND', enforced: true, steps: [{ step: `${effect} step`, effect, decision }] });
      return;
    }
    const error = result as Error & { exitCode?: number };
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(`step "${effect} step" is ${effect}`);
    expect(error.message).toContain(`(actor kind ${kind}, from RUNWAY_ACTOR_KIND)`);
    const ctx = await p.open();
    try {
      // refused before the run began: no run recorded for this environment, the refusal audited
      expect((await ctx.store.use((db) => listRuns(db, { environment: `${effect}s` }))).filter((r) => r.policy?.actorKind === kind)).toEqual([]);
      const [audit] = await ctx.store.use((db) => listAudit(db, `${effect}s`));
      expect(audit).toMatchObject({ action: 'gate.refused', details: { gate: 'policy', actorKind: kind } });
    } finally {
      await ctx.store.close();
    }
  });

  it('the refusals say what to do', async () => {
    const refused = (await deployAs(p, 'remotes', 'agent')) as Error;
    expect(refused.message).toBe('refused: step "remote step" is remote and an agent (actor kind agent, from RUNWAY_ACTOR_KIND) may not run it: ' +
      'an agent may not run remote steps (policy.agent.refuse); a person or CI runs it, or policy.agent moves remote to unattended or approval');
    const asking = (await deployAs(p, 'remotes', 'ci')) as Error;
    expect(asking.message).toMatch(/^refused: release \S+ needs an approval for remotes: step "remote step" is remote and CI \(actor kind ci, from RUNWAY_ACTOR_KIND\) needs an approval for it \(remote steps run by CI need an approval \(policy\.ci\.approval\)\); it runs once environments\.remotes\.approvals is added and a person approves it \(runway approve remotes\), or policy\.ci\.unattended lists remote$/);
  });

  it('an approval of the release in the environment lets an agent run what needs one; the record says who approved', async () => {
    const before = await deployAs(p, 'approved', 'agent', 'agent@acme.test');
    expect((before as Error & { exitCode?: number }).exitCode).toBe(3);
    const ctx = await p.open();
    const release = await resolveCurrentRelease(ctx);
    await ctx.store.use((db) => insertApproval(db, { environment: 'approved', releaseId: release.id, approver: 'lead@acme.test', actorKind: 'human',
      items: [], payload: '{}', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
    await ctx.store.close();
    const run = (await deployAs(p, 'approved', 'agent', 'agent@acme.test')) as RunRecord;
    expect(run.outcome).toBe('successful');
    expect(run.policy).toMatchObject({ actorKind: 'agent', steps: [{ step: 'local step', effect: 'local', decision: 'needs-approval' }], approvedBy: ['lead@acme.test'] });
  });

  it('an unknown RUNWAY_ACTOR_KIND is bad input (exit 2), not a guess', async () => {
    const error = (await deployAs(p, 'reads', 'robot')) as Error & { exitCode?: number };
    expect([error.exitCode, error.message]).toEqual([2, 'RUNWAY_ACTOR_KIND="robot" is not an actor kind: set it to human, ci or agent, or unset it']);
  });
});

describe('the built-in defaults and no policy', { timeout: 120_000 }, () => {
  const body = `environments:\n  staging:\n    target: { local: { start: node server.js } }\n${step('remote')}`;
  const defaults = runProject({ 'runway.yaml': `project: shop\npolicy: {}\n${body}` });
  const none = runProject({ 'runway.yaml': `project: shop\n${body}` });
  afterAll(() => {
    defaults.cleanup();
    none.cleanup();
  });

  it('policy: {} — an agent asks for remote steps, CI runs them', async () => {
    expect(((await deployAs(defaults, 'staging', 'agent')) as Error).message).toContain('(remote steps run by an agent need an approval (the default policy for agent))');
    expect(((await deployAs(defaults, 'staging', 'ci')) as RunRecord).outcome).toBe('successful');
  });

  it('without policy: nothing is refused; the kind and the classes are still recorded', async () => {
    const run = (await deployAs(none, 'staging', 'agent')) as RunRecord;
    expect(run.outcome).toBe('successful');
    expect(run.policy).toEqual({ actorKind: 'agent', detectedFrom: 'RUNWAY_ACTOR_KIND', enforced: false, steps: [{ step: 'remote step', effect: 'remote', decision: 'needs-approval' }] });
  });
});

describe('effect classes declared by targets and step kinds', () => {
  const plan = (target: string, pipeline: string) => {
    const config = parseConfig(`project: shop\nenvironments:\n  staging:\n    target: ${target}\npipeline:\n${pipeline}`, 'runway.yaml');
    return buildPlan(config, 'staging', { release: { id: 'r1', sha: 'abc1234', dirty: false } });
  };
  it.each([
    ['{ local: { start: node server.js } }', 'local'],
    ['{ fly: { app: shop } }', 'remote'],
    ['{ command: { deploy: { run: ./deploy.sh } } }', 'remote'],
  ])('deploy and rollback on %s are %s; checks read; run steps default to remote', (target, effect) => {
    const steps = plan(target, '  - deploy\n  - checks\n  - rollback\n  - run: ./notify.sh\n').steps;
    expect(steps.map((s) => [s.kind, s.effect])).toEqual([['deploy', effect], ['checks', 'read'], ['rollback', effect], ['run', 'remote']]);
  });

  it('effect: on a step kind that declares its own is refused, by the config and by the plan of a config built in code', () => {
    expect(() => plan('{ local: { start: node server.js } }', '  - deploy: {}\n    effect: read\n'))
      .toThrow('pipeline[0].effect: only run steps set effect:; every other step kind declares its own (see docs/governance.md#policy)');
    const config = parseConfig('project: shop\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\npipeline:\n  - deploy: {}\n', 'runway.yaml');
    config.pipeline = [{ deploy: {}, effect: 'read', continueOnError: false }];
    expect(() => buildPlan(config, 'staging', { release: { id: 'r1', sha: 'abc1234', dirty: false } }))
      .toThrow("pipeline[0].effect: only run steps set effect:; a deploy step is local (its target's) — remove effect:");
  });
});

describe('what the notification targets hear', { timeout: 120_000 }, () => {
  let hook: StandIn;
  let p: RunProject;
  beforeAll(async () => {
    hook = await startStandIn();
    hook.on('POST', '/hook', () => ({ json: {} }));
    p = runProject({ 'runway.yaml': `project: shop
policy: {}
notify:
  - name: ops
    webhook: { url: "${hook.url}/hook" }
environments:
  staging:
    target: { local: { start: node server.js } }
    pipeline:
      - run: node -e "process.exit(0)"
        name: push tag
      - run: node -e "process.exit(1)"
        name: flaky
        effect: local
        retries: 1
` });
  });
  afterAll(async () => {
    p?.cleanup();
    await hook?.close();
  });
  const events = () => hook.requests.map((r) => r.json as { type: string; summary?: string; reason?: string });

  it('a policy refusal is sent as gate.refused; an allowed run still retries, then escalates, and the escalation is sent', async () => {
    await deployAs(p, 'staging', 'agent');
    expect(events().map((e) => e.type)).toEqual(['gate.refused']);
    expect(JSON.stringify(events()[0])).toContain('step \\"push tag\\" is remote');
    hook.requests.length = 0;
    const run = (await deployAs(p, 'staging', 'ci')) as RunRecord;
    expect(run.outcome).toBe('failed');
    expect(run.steps.find((s) => s.name === 'flaky')).toMatchObject({ status: 'failed', attempts: 2 });
    expect(run.escalation).toMatchObject({ step: 'flaky', attempts: 2 });
    expect(events().map((e) => e.type)).toEqual(['run.started', 'step.escalated', 'run.finished']);
  });
});
