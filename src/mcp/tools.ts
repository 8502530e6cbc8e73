/**
 * The MCP server's tools, as data: each names the `runway` command it runs and turns its arguments into that
 * command's argv — the tool runs the CLI's own command, never a copy of it. There is no approve tool: an agent
 * cannot approve (and `runway approve` refuses actor kind agent).
 */
import { z } from 'zod';

/** One tool: its name, what it does, its arguments, and the `runway` argv they stand for. */
export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  input: Record<string, z.ZodType>;
  /** Whether the tool only reads (MCP's readOnlyHint). */
  readOnly: boolean;
  argv(args: Record<string, unknown>): string[];
}

const env = z.string().regex(/^[^-\s]\S*$/, { message: 'an environment name, e.g. staging (not starting with "-")' }).describe('environment name, e.g. staging');
const json = z.boolean().optional().describe('answer with the JSON the command prints for --json instead of text');
const duration = z.string().min(1);
const override = {
  overrideFreeze: z.boolean().optional().describe('pass a freeze in force (only for actors its freeze.override lists; audited; needs reason)'),
  reason: z.string().optional().describe('why the freeze is overridden (recorded in the run and the audit log)'),
};
const freezeOverride = {
  ...override,
  wait: duration.optional().describe("wait in line for the environment's lock up to this duration (e.g. 10m) instead of being refused"),
};

// Adds `--flag value` for a set string, `--flag` for true, nothing otherwise.
function flags(args: Record<string, unknown>, names: Record<string, string>): string[] {
  return Object.entries(names).flatMap(([key, flag]) => {
    const value = args[key];
    if (value === true) return [flag];
    if (typeof value === 'string') return [`${flag}=${value}`];
    return [];
  });
}

// The positional arguments given, in order (an omitted optional one ends the list).
function operands(args: Record<string, unknown>, ...names: string[]): string[] {
  const values: string[] = [];
  for (const name of names) {
    if (typeof args[name] !== 'string') break;
    values.push(args[name]);
  }
  return values;
}

/** Every tool the server offers. */
export const TOOLS: readonly ToolSpec[] = [
  {
    name: 'status', title: 'Status', readOnly: true, input: { json },
    description: "runway status: each environment's current release, since when, its last run, lock and health",
    argv: (a) => ['status', ...flags(a, { json: '--json' })],
  },
  {
    name: 'plan', title: 'Plan', readOnly: true,
    input: { env, allowDirty: z.boolean().optional().describe('plan for a working tree with uncommitted changes'), json },
    description: 'runway plan <env>: the plan a deploy of the current commit would apply, its gates, freezes and approvals (no side effects)',
    argv: (a) => ['plan', ...operands(a, 'env'), ...flags(a, { allowDirty: '--allow-dirty', json: '--json' })],
  },
  {
    name: 'history', title: 'History', readOnly: true,
    input: { env: env.optional().describe('only this environment'), limit: z.number().int().positive().optional().describe('how many runs (default 20)'), json },
    description: 'runway history [env]: runs, newest first',
    argv: (a) => ['history', ...operands(a, 'env'), ...(typeof a.limit === 'number' ? [`--limit=${a.limit}`] : []), ...flags(a, { json: '--json' })],
  },
  {
    name: 'evidence_verify', title: 'Verify evidence', readOnly: true,
    input: { env: env.optional().describe('only this environment'), json },
    description: 'runway evidence verify [env]: re-hash every evidence bundle, check the chain, the journal, the state store and signatures',
    argv: (a) => ['evidence', 'verify', ...operands(a, 'env'), ...flags(a, { json: '--json' })],
  },
  {
    name: 'monitor', title: 'Monitor', readOnly: true,
    input: {
      env,
      for: duration.optional().describe("how long to watch, e.g. 30s (default: the environment's monitor.for, else 10m)"),
      every: duration.optional().describe('how often to judge the sliding window'),
      window: duration.optional().describe('length of the sliding window'),
      json,
    },
    description: "runway monitor <env>: watch the environment's live release and judge its traffic like the monitor step (read-only: never rolls back)",
    argv: (a) => ['monitor', ...operands(a, 'env'), ...flags(a, { for: '--for', every: '--every', window: '--window', json: '--json' })],
  },
  {
    name: 'deploy', title: 'Deploy', readOnly: false,
    input: {
      env,
      release: z.string().optional().describe('deploy this already built release instead of the current commit'),
      allowDirty: z.boolean().optional().describe('allow uncommitted changes (recorded in the run)'),
      ...freezeOverride, json,
    },
    description: "runway deploy <env>: run the environment's pipeline for the current commit; progress notifications follow its steps",
    argv: (a) => ['deploy', ...operands(a, 'env'), ...flags(a, {
      release: '--release', allowDirty: '--allow-dirty', wait: '--wait', overrideFreeze: '--override-freeze', reason: '--reason', json: '--json',
    })],
  },
  {
    name: 'promote', title: 'Promote', readOnly: false,
    input: {
      from: env.describe('environment the release passed, e.g. staging'),
      to: env.describe('environment to deploy it to, e.g. production'),
      release: z.string().optional().describe('promote this release (it must have passed from)'),
      ...freezeOverride, json,
    },
    description: 'runway promote <from> <to>: deploy to <to> the newest release that passed <from>; refused while approvals are missing',
    argv: (a) => ['promote', ...operands(a, 'from', 'to'), ...flags(a, {
      release: '--release', wait: '--wait', overrideFreeze: '--override-freeze', reason: '--reason', json: '--json',
    })],
  },
  {
    name: 'rehearse', title: 'Rehearse a rollback', readOnly: false,
    input: {
      env,
      release: z.string().optional().describe('the release to rehearse (default: what runway promote would take into env, else the current commit)'),
      to: z.string().optional().describe("the release to roll back to (default: env's known-good release other than the one rehearsed)"),
      allowDirty: z.boolean().optional().describe('allow uncommitted changes when the current commit is rehearsed'),
      ...override, json,
    },
    description: 'runway rehearse <env>: one run that deploys a release, rolls back to the known-good one and checks it, then deploys the release again',
    argv: (a) => ['rehearse', ...operands(a, 'env'), ...flags(a, {
      release: '--release', to: '--to', allowDirty: '--allow-dirty', overrideFreeze: '--override-freeze', reason: '--reason', json: '--json',
    })],
  },
  {
    name: 'rollback', title: 'Roll back', readOnly: false,
    input: {
      env,
      reason: z.string().min(1).describe('why (recorded in the run, the audit log and the journal)'),
      to: z.string().optional().describe('roll back to this release instead of the known-good one'),
      restoreDb: z.boolean().optional().describe('also restore the database backup taken before the migrations being rolled back'),
      json,
    },
    description: 'runway rollback <env>: put the environment back on its last known-good release, then re-run its checks',
    argv: (a) => ['rollback', ...operands(a, 'env'), ...flags(a, { reason: '--reason', to: '--to', restoreDb: '--restore-db', json: '--json' })],
  },
];
