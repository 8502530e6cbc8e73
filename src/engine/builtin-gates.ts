/**
 * The built-in pre-flight gates, by name: the ones a config names in `gates:` (secrets-present, secret-scan,
 * parity) and the implicit `target-preflight` of every target with a platform CLI (the CLI is there and recent
 * enough, and its credentials are present). Each returns a measurement; none changes anything.
 */
import { parityMeasurement } from '../parity/gate.js';
import { presenceMeasurement } from '../secrets/resolve.js';
import { secretScanMeasurement } from '../secrets/scan/gate.js';
import type { RunContext } from '../steps/step.js';
import type { Measurement } from '../types.js';

/** A built-in gate's name. */
export type BuiltinGate = 'secrets-present' | 'secret-scan' | 'parity' | 'target-preflight';

const GATES: Record<BuiltinGate, (rc: RunContext) => Promise<Measurement>> = {
  'secrets-present': async (rc) => presenceMeasurement(rc.ctx.secrets(rc.plan.environment)),
  'secret-scan': (rc) => secretScanMeasurement(rc.ctx.loaded.config, rc.ctx.projectDir, rc.ctx.maskedSecrets),
  parity: (rc) => parityMeasurement(rc.ctx.loaded.config, rc.plan.environment, rc.ctx.projectDir),
  'target-preflight': targetPreflight,
};

/** Measures one built-in gate. */
export function measureBuiltinGate(rc: RunContext, gate: BuiltinGate): Promise<Measurement> {
  return GATES[gate](rc);
}

// The target's own pre-flight: its CLI, version and credential sources (never values).
async function targetPreflight(rc: RunContext): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  try {
    const target = await rc.ctx.target(rc.plan.environment);
    const tctx = rc.ctx.targetContext(rc.plan.environment, rc.signal);
    tctx.config = { ...tctx.config, target: { [rc.plan.target.kind]: rc.plan.target.config } as typeof tctx.config.target };
    const result = await target.preflight(tctx);
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
