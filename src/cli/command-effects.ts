/**
 * The effect class of every command that is not a run, for the policy for automated actors: `read` changes
 * nothing; `local` changes only this machine (a file, the local agent); `remote` changes a platform, a remote
 * database or what an environment's users see; `state` writes the state store — `local` on the embedded store,
 * `remote` on a shared one. `run` commands (deploy, promote, rollback, rehearse, restore, resume) are judged step
 * by step by the run's own policy gate instead. A command with subcommands is classed by its operands.
 */
import type { EffectClass } from '../governance/policy.js';

/** A command's class, before `state` is resolved against the store in use. */
export type CommandEffect = EffectClass | 'state' | 'run';

type Classify = CommandEffect | ((args: readonly string[]) => CommandEffect);

// The operands after the command name (options left out).
const operandsOf = (args: readonly string[]) => args.slice(1).filter((a) => !a.startsWith('-'));
// By subcommand; what is not listed (help, a typo commander will refuse) counts as read.
const by = (table: Record<string, CommandEffect>): Classify => (args) => table[operandsOf(args)[0] ?? ''] ?? 'read';

/** Every command's effect class, by name (commands.test.ts checks that every command has one). */
export const COMMAND_EFFECTS: Record<string, Classify> = {
  validate: 'read', schema: 'read', plan: 'read', monitor: 'read', status: 'read', history: 'read', releases: 'read',
  deployments: 'read', evidence: 'read', scan: 'read', parity: 'read', approvals: 'read', freezes: 'read', mcp: 'read',
  deploy: 'run', promote: 'run', rollback: 'run', rehearse: 'run', restore: 'run', resume: 'run',
  up: 'local', down: 'local', runbook: (args) => (args.some((a) => a === '--out' || a.startsWith('--out=')) ? 'local' : 'read'),
  unlock: 'state', approve: 'state', freeze: 'state', unfreeze: 'state',
  maintenance: (args) => (['on', 'off'].includes(operandsOf(args)[1] ?? '') ? 'remote' : 'read'),
  secrets: by({ sync: 'remote' }),
  state: by({ migrate: 'state', import: 'state', export: 'local' }),
  migrate: by({}),
  backup: by({}),
  serve: 'read',
  token: by({ create: 'state', revoke: 'state' }),
};

/** The effect class of a command line (`args`: the command name first, then its operands and options). */
export function commandEffect(args: readonly string[]): CommandEffect | undefined {
  const classify = COMMAND_EFFECTS[args[0] ?? ''];
  return typeof classify === 'function' ? classify(args) : classify;
}
