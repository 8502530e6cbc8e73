/**
 * The built-in pre-flight gates, by name: the ones a config names in `gates:` (secrets-present, secret-scan,
 * parity, runbook, rollback-rehearsed, ci-green) and the implicit `target-preflight` of every target with a platform CLI (the CLI is there and recent
 * enough, and its credentials are present). Each returns a measurement; none changes anything.
 */
import { loadFlags } from '../parity/flags.js';
import { parityMeasurement } from '../parity/gate.js';
import { presenceMeasurement } from '../secrets/resolve.js';
import { secretScanMeasurement } from '../secrets/scan/gate.js';
import type { RunContext } from '../steps/step.js';
import type { Measurement } from '../types.js';

/** A built-in gate's name. */
export type BuiltinGate = 'secrets-present' | 'secret-scan' | 'parity' | 'runbook' | 'target-preflight' | 'rollback-rehearsed' | 'ci-green';

/** A gate's options as written in `gates:` (e.g. `on` and `within` of rollback-rehearsed). */
type GateSpec = Record<string, unknown>;

const GATES: Record<BuiltinGate, (rc: RunContext, spec: GateSpec) => Promise<Measurement>> = {
  'secrets-present': async (rc) => presenceMeasurement(rc.ctx.secrets(rc.plan.environment)),
  'secret-scan': (rc) => secretScanMeasurement(rc.ctx.loaded.config, rc.ctx.projectDir, rc.ctx.maskedSecrets),
  parity: parityGate,
  runbook: runbookGate,
  'target-preflight': targetPreflight,
  'rollback-rehearsed': rehearsedGate,
  'ci-green': ciGreenGate,
};

/** Measures one built-in gate. */
export function measureBuiltinGate(rc: RunContext, gate: BuiltinGate, spec: GateSpec = {}): Promise<Measurement> {
  return GATES[gate](rc, spec);
}

// A successful rehearsal of the release on `on` within `within`, back to the release served here now.
async function rehearsedGate(rc: RunContext, spec: GateSpec): Promise<Measurement> {
  const { rehearsedMeasurement } = await import('../governance/rehearsal-state.js');
  return rehearsedMeasurement(rc.ctx, rc.plan.environment, rc.release.id, spec as { on?: string; within?: string });
}

// Every required CI run of the release's commit passed (ci:); pending is not green, unreachable is an error.
async function ciGreenGate(rc: RunContext): Promise<Measurement> {
  const { ciGreenMeasurement } = await import('../governance/ci-gate.js');
  return ciGreenMeasurement(rc.ctx, rc.release, rc.signal);
}

// The flag policy of runway.yaml; then, where the target lists the flags it holds, none may be undeclared there.
async function parityGate(rc: RunContext): Promise<Measurement> {
  const { ctx, plan } = rc;
  const measured = await parityMeasurement(ctx.loaded.config, plan.environment, ctx.projectDir);
  if (measured.phase !== 'successful') return measured;
  const target = await ctx.target(plan.environment);
  if (!target.flagNames) return measured;
  try {
    const declared = await loadFlags(ctx.loaded.config, plan.environment, ctx.projectDir);
    const undeclared = (await target.flagNames(targetContextOf(rc))).filter((name) => !declared.has(name));
    if (undeclared.length === 0) return { ...measured, message: `${measured.message}; every flag on ${target.kind} is declared` };
    return {
      ...measured, phase: 'failed', value: undeclared.length, metadata: { undeclared },
      message: `${undeclared.join(', ')} ${undeclared.length === 1 ? 'is' : 'are'} set on ${target.kind} but not declared in ` +
        `environments.${plan.environment}.flags: ${target.kind} does not show values, so the policy cannot be checked — ` +
        'declare each flag (flags.values or flags.file) and set it on the platform from there, or unset it',
    };
  } catch (err) {
    return { ...measured, phase: 'error', message: `cannot list the flags on ${target.kind}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

// The committed runbook matches runway.yaml (rendered from plans of a placeholder release) and has not expired.
async function runbookGate(rc: RunContext): Promise<Measurement> {
  const [{ runbookMeasurement }, { RUNBOOK_RELEASE }, { buildPlan }] = await Promise.all([
    import('../governance/runbook-gate.js'), import('../governance/runbook.js'), import('./plan.js')]);
  const { config } = rc.ctx.loaded;
  return runbookMeasurement({
    config, projectDir: rc.ctx.projectDir, environment: rc.plan.environment,
    plan: (env) => buildPlan(config, env, { release: RUNBOOK_RELEASE }),
  });
}

// The target context of the run's environment, acting on the plan's target block.
function targetContextOf(rc: RunContext) {
  const tctx = rc.ctx.targetContext(rc.plan.environment, rc.signal);
  tctx.config = { ...tctx.config, target: { [rc.plan.target.kind]: rc.plan.target.config } as typeof tctx.config.target };
  return tctx;
}

// The target's own pre-flight: its CLI, version and credential sources (never values).
async function targetPreflight(rc: RunContext): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  try {
    const target = await rc.ctx.target(rc.plan.environment);
    const result = await target.preflight(targetContextOf(rc));
    const cli = result.cli ? `${result.cli.name} ${result.cli.version ?? '(version unknown)'}` : target.kind;
    const creds = result.credentials.map((c) => `${c.name} from ${c.source}`).join(', ');
    return {
      phase: result.ok ? 'successful' : 'failed',
      message: result.ok ? `${cli}${creds ? `; ${creds}` : ''}` : result.problems.join('; '),
      startedAt, finishedAt: new Date().toISOString(),
      metadata: { cli: result.cli, credentials: result.credentials },
    };
  } catch (err) {
    return { phase: 'error', message: `pre-flight of the target could not run: ${err instanceof Error ? err.message : String(err)}`, startedAt, finishedAt: new Date().toISOString() };
  }
}
