/**
 * The policy for automated actors, for commands that are not runs: before a `local`, `remote` or state-store
 * command runs, the actor's kind (RUNWAY_ACTOR_KIND, CI variables, a terminal) is judged against runway.yaml's
 * `policy:`. Runs are judged step by step by their own gate (governance/policy-gate.ts). As there, without a
 * `policy:` key nothing is enforced. A command that needs an approval is refused: approvals belong to releases,
 * and a command is no release — a person or CI runs it, or the policy lets the kind run the class unattended.
 */
import { loadConfig } from '../config/load.js';
import { GateError } from '../errors.js';
import { decide, detectActorKind, type EffectClass } from '../governance/policy.js';
import type { CommandEffect } from './command-effects.js';

/** What the check needs: the command line after the global options, its class, and where the project is. */
export interface CommandLine {
  args: readonly string[];
  effect: CommandEffect;
  dir: string;
  config: string;
}

/** Throws GateError (exit 3) when the policy does not let this actor kind run the command unattended. */
export async function checkCommandPolicy(line: CommandLine, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { effect } = line;
  if (effect === 'run' || effect === 'read') return;
  // a config that cannot be read is the command's own error to report, with its positions
  const loaded = await loadConfig({ dir: line.dir, file: line.config }).catch(() => undefined);
  const policy = loaded?.config.policy;
  if (!loaded || !policy) return;
  const shared = Boolean(env.RUNWAY_STATE_URL?.trim() || loaded.config.state?.url);
  const effectClass: EffectClass = effect === 'state' ? (shared ? 'remote' : 'local') : effect;
  const kind = detectActorKind(env, Boolean(process.stdin.isTTY || process.stderr.isTTY)).kind;
  const verdict = decide(policy, kind, effectClass);
  if (verdict.decision === 'allow') return;
  const firstOption = line.args.findIndex((a) => a.startsWith('-'));
  const command = `runway ${(firstOption < 0 ? line.args : line.args.slice(0, firstOption)).join(' ')}`;
  const what = effect === 'state' ? `${effectClass} (it writes the ${shared ? 'shared' : 'embedded'} state store)` : effectClass;
  throw new GateError(`refused: ${command} is a ${what} command and ${verdict.reason.replace(/ steps/, ' commands')}: ` +
    `a person or CI runs it, or policy.${kind}.unattended lists ${effectClass}`);
}
