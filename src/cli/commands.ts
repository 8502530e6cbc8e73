/**
 * The registry of CLI commands, as data: each entry names a command, its usage and summary for the top-level
 * help, and how to load the module that registers it (`register(program, io)`). Only the invoked command's module
 * is imported, so `runway --help` or `runway status` never loads what `deploy` needs. One module may register
 * several commands (`monitor` and `resume`); their entries share one `load`. `commands.test.ts` checks that every
 * entry matches what its module registers.
 */
import type { Command } from 'commander';
import type { CliIO } from './io.js';

export type Register = (program: Command, io: CliIO) => void;

/** A command module: registers its commands, options and actions on the program. */
export interface CommandModule {
  register: Register;
}

/** One top-level command as the help lists it, and the module that implements it. */
export interface CommandEntry {
  name: string;
  /** What follows the name in the command table: `[options] <env>`. */
  usage: string;
  summary: string;
  load: () => Promise<CommandModule>;
}

const modules = {
  validate: () => import('./validate.js'),
  schema: () => import('./schema.js'),
  plan: () => import('./plan.js'),
  deploy: () => import('./deploy.js'),
  promote: () => import('./promote.js'),
  rollback: () => import('./rollback.js'),
  rehearse: () => import('./rehearse.js'),
  monitor: () => import('./monitor.js'),
  status: () => import('./status.js'),
  history: () => import('./history.js'),
  releases: () => import('./releases.js'),
  deployments: () => import('./deployments.js'),
  unlock: () => import('./unlock.js'),
  up: () => import('./up.js'),
  evidence: () => import('./evidence.js'),
  secrets: () => import('./secrets.js'),
  scan: () => import('./scan.js'),
  parity: () => import('./parity.js'),
  state: () => import('./state.js'),
  migrate: () => import('./migrate.js'),
  backup: () => import('./backup.js'),
  runbook: () => import('./runbook.js'),
  approve: () => import('./approve.js'),
  approvals: () => import('./approvals.js'),
  freeze: () => import('./freeze.js'),
  maintenance: () => import('./maintenance.js'),
  mcp: () => import('./mcp.js'),
  serve: () => import('./serve.js'),
  token: () => import('./token.js'),
} satisfies Record<string, () => Promise<CommandModule>>;

/** Every top-level command, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'validate', usage: '[options] [file]', load: modules.validate,
    summary: 'check a config file and print every problem at once, with line, column and path' },
  { name: 'schema', usage: '', load: modules.schema,
    summary: 'print the JSON Schema of runway.yaml (completion and checks in editors)' },
  { name: 'plan', usage: '[options] <env>', load: modules.plan,
    summary: 'print the plan a deploy of the current commit to <env> would apply, with its pending migrations (no side effects)' },
  { name: 'deploy', usage: '[options] [env]', load: modules.deploy,
    summary: "run an environment's pipeline for the current commit (builds the release once, then reuses it)" },
  { name: 'promote', usage: '[options] <from> <to>', load: modules.promote,
    summary: 'deploy to <to> the newest release (same build) that passed <from>, even when newer runs there failed; refused when none did' },
  { name: 'rollback', usage: '[options] <env>', load: modules.rollback,
    summary: "put an environment back on its last known-good release (a pointer switch while warm, the platform's history through the stored handle, else a redeploy), then re-run its checks" },
  { name: 'rehearse', usage: '[options] <env>', load: modules.rehearse,
    summary: "rehearse a rollback as one run: deploy a release, roll back to the known-good one through the target's rollback path and check it, then deploy the release again" },
  { name: 'monitor', usage: '[options] <env>', load: modules.monitor,
    summary: "watch an environment's live release and judge its traffic like the monitor step (read-only: never rolls back)" },
  { name: 'resume', usage: '[options] <env>', load: modules.monitor,
    summary: 'answer a run paused by its monitor (onBreach: pause): keep the release, or --rollback' },
  { name: 'status', usage: '[options]', load: modules.status,
    summary: "each environment's current release, since when, its last run, lock and health" },
  { name: 'history', usage: '[options] [env]', load: modules.history,
    summary: 'runs, newest first (all environments or one)' },
  { name: 'releases', usage: '[options] [env]', load: modules.releases,
    summary: 'the release log, newest first: date, SHA, release, migrations, highlights, manual tests, monitoring links, rollback trigger' },
  { name: 'deployments', usage: '[options] <env>', load: modules.deployments,
    summary: "the platform's deployments of <env>, newest first, with the Runway release each carries and the handles Runway recorded" },
  { name: 'unlock', usage: '[options] <env>', load: modules.unlock,
    summary: "break an environment's lock (e.g. left by a killed runway); the run is marked abandoned and the break is audited" },
  { name: 'up', usage: '[options]', load: modules.up,
    summary: 'run the local agent: bring back every environment and serve it (foreground; -d for background)' },
  { name: 'down', usage: '[options]', load: modules.up,
    summary: 'stop the local agent, every app process and every proxy (runway up brings them back)' },
  { name: 'evidence', usage: '', load: modules.evidence,
    summary: 'verify and list the evidence bundles runs left behind' },
  { name: 'secrets', usage: '', load: modules.secrets,
    summary: 'where secrets come from, and their mirrors (never shows a value)' },
  { name: 'scan', usage: '[options]', load: modules.scan,
    summary: 'look for leaked secrets in the working tree (and with --history in every commit); never prints a value' },
  { name: 'parity', usage: '[options] <a> <b>', load: modules.parity,
    summary: 'compare the feature flags of two environments and check their parity policies' },
  { name: 'state', usage: '', load: modules.state,
    summary: 'the state store (embedded SQLite, or a shared Postgres via RUNWAY_STATE_URL): migrate, export, import, info' },
  { name: 'migrate', usage: '', load: modules.migrate,
    summary: "the environment's database migrations" },
  { name: 'backup', usage: '', load: modules.backup,
    summary: "backups of an environment's database" },
  { name: 'restore', usage: '[options] <env>', load: modules.backup,
    summary: "restore a backup into an environment's database (recorded as a run), then re-run its checks" },
  { name: 'runbook', usage: '[options] [env]', load: modules.runbook,
    summary: 'write the runbook people read from runway.yaml and the plan: preconditions, command pack, checks, rollback and evidence checklists' },
  { name: 'approve', usage: '[options] <env>', load: modules.approve,
    summary: 'approve a release for <env> (checklist items, a comment, optionally signed with your SSH key); stored in the state store' },
  { name: 'approvals', usage: '[options] <env>', load: modules.approvals,
    summary: 'the approvals of a release for <env>: who counts, who does not and why, the checklist, what is missing' },
  { name: 'freeze', usage: '[options] <env>', load: modules.freeze,
    summary: 'freeze an environment until a time: deploys and promotions are refused (exit 3), rollbacks still run' },
  { name: 'unfreeze', usage: '[options] <env>', load: modules.freeze,
    summary: "lift an environment's ad-hoc freezes (freeze windows of runway.yaml stay; --override-freeze passes them)" },
  { name: 'freezes', usage: '[options] <env>', load: modules.freeze,
    summary: 'whether an environment is frozen now, its freeze windows, its ad-hoc freezes and who may override them' },
  { name: 'maintenance', usage: '[options] <env> [on|off]', load: modules.maintenance,
    summary: 'maintenance mode: the environment answers every request with a 503 maintenance page (on), or serves again (off)' },
  { name: 'mcp', usage: '', load: modules.mcp,
    summary: 'serve this project to MCP clients (agents) over stdio: tools that run runway commands as actor kind agent, the runbook and run reports as resources' },
  { name: 'serve', usage: '[options]', load: modules.serve,
    summary: 'serve the HTTP API and the web dashboard of this project (127.0.0.1 unless --host): runs, releases, audit, live runs, actions with scoped tokens' },
  { name: 'token', usage: '', load: modules.token,
    summary: 'API tokens of runway serve: create (shown once, stored hashed), list, revoke' },
];
