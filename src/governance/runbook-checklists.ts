/**
 * The runbook's rollback checklist (what triggers a rollback, the known-good rule, the target's rollback methods,
 * the database) and its evidence checklist (the files a run of the plan leaves in its bundle, and the journal).
 */
import { formatMs } from '../config/duration.js';
import type { Config } from '../config/schema.js';
import type { Plan, PlannedStep } from '../engine/plan.js';
import { stepLogName } from '../evidence/bundle.js';
import { stepDefinition } from '../steps/index.js';
import { targetBlock, targetDefinition } from '../targets/index.js';
import type { RollbackMethod } from '../targets/target.js';
import { code, names } from './runbook-text.js';

/** What each rollback method means, in the target's order of preference. */
const METHOD_TEXT: Record<RollbackMethod, (hold?: number) => string> = {
  warm: (hold) => `a pointer switch to the previous version while it is still warm${hold ? ` (kept for ${formatMs(hold)} after a deploy)` : ''}`,
  history: () => "the platform's own history, through the deployment handle Runway stored for the release",
  redeploy: () => "a new deploy of that release's build (the same artifact, not a rebuild)",
};

/** The rollback checklist of one environment. */
export function rollbackChecklist(config: Config, plan: Plan): string[] {
  const env = plan.environment;
  const envConfig = config.environments[env]!;
  const block = targetBlock(envConfig.target as Record<string, unknown>);
  const definition = block ? targetDefinition(block.kind) : undefined;
  const hold = definition?.holdMs?.(block!.config as never);
  const methods = (definition?.capabilities.rollback ?? []).map((m) => METHOD_TEXT[m](hold));
  const monitor = plan.steps.find((s) => s.monitor)?.monitor;
  return [
    plan.onFailure === 'rollback'
      ? `- [ ] Trigger: a step that fails after the deploy step rolls ${env} back to its known-good release by itself (onFailure: rollback).`
      : `- [ ] Trigger: a step that fails after the deploy step stops the run and the release stays live (onFailure: stop): roll back by hand.`,
    ...(monitor ? [`- [ ] Monitor breach: onBreach ${monitor.onBreach} (${code(`runway resume ${env}`)} answers a paused run).`] : []),
    `- [ ] Known-good: the last release whose run in ${env} finished successful and was not rolled back since ` +
      `(${code('runway status')}, ${code(`runway history ${env}`)}).`,
    `- [ ] Roll back: ${code(`runway rollback ${env} --reason "<why>"`)}; to another release that passed here: ${code('--to <release>')}.`,
    `- [ ] How ${plan.target.kind} rolls back, first that applies: ${methods.length ? methods.join('; else ') : 'unknown'}.`,
    `- [ ] Database: ${databaseLine(config, plan)}`,
    `- [ ] After the rollback the checks run again: ${names(plan.checks.map((c) => c.name))}.`,
    `- [ ] The reason is recorded in the run, the audit log and the journal (${config.journal}).`,
  ];
}

// What a rollback does to the environment's database.
function databaseLine(config: Config, plan: Plan): string {
  const envConfig = config.environments[plan.environment]!;
  const database = envConfig.database;
  const migrates = plan.steps.some((s) => !s.skip && stepDefinition(s.kind)?.database);
  if (!database && !migrates) return 'none configured; nothing to restore.';
  const backup = database?.backup;
  const backups = backup?.beforeMigrate === false
    ? 'no backup is taken before migrations (database.backup.beforeMigrate: false)'
    : `a backup is taken before each migrate step applies anything${backup?.verify === 'restore' ? ' and restore-tested into a scratch database' : ''}`;
  const policy = envConfig.rollback?.database === 'restore'
    ? 'rollback.database: restore — a rollback also restores the backup taken right before the migrations it undoes'
    : `rollback.database: keep — the database stays as it is; a rollback across a contract migration is refused unless ${code('--restore-db')}`;
  return `${policy}; ${backups}.`;
}

/** Evidence files particular to a step kind, beyond its log (what the step writes into the bundle). */
const STEP_EVIDENCE: Record<string, (step: PlannedStep) => string[]> = {
  monitor: () => ['monitor.json and monitor.svg: every evaluation of the window and its chart'],
  migrate: (step) => [`migrate-${step.index}.json: the migrations applied and pending, and the backup taken first`],
  backup: () => ['backup/<id>.json: the backup record (file, tables, verification)'],
};

/** The evidence checklist of one environment: what a run's bundle will contain. */
export function evidenceChecklist(config: Config, plan: Plan): string[] {
  const env = plan.environment;
  const running = plan.steps.filter((s) => !s.skip);
  const logs = running.map((s) => `${stepLogName(s.index, s.kind === 'run' ? 'run' : s.kind)} (${s.name})`);
  const envConfig = config.environments[env]!;
  const notifies = config.notify.length > 0 || (envConfig.notify?.length ?? 0) > 0;
  const browser = [...plan.checks, ...plan.gates].some((c) => c.kind === 'browser');
  const items = [
    'run.json: the run record (release, actor, command, every step, outcome)',
    'plan.json: the plan applied; build.log when the run built the release',
    'checks.json: every measurement, gates included; report.md: the release report',
    ...(plan.gates.length ? [`${stepLogName(0, 'gates')}: the gates' measurements`] : []),
    ...logs,
    ...running.flatMap((s) => STEP_EVIDENCE[s.kind]?.(s) ?? []),
    ...(browser ? ['screenshots/NN-<check>.png: what the browser checks saw'] : []),
    ...(notifies ? ['notifications.json: every notification sent and whether it was delivered'] : []),
    'steps/NN-rollback.log when the run rolled back',
    `manifest.json: the hash of every file and of the journal entry, chained to the previous bundle of ${env}` +
      (config.evidence.sign ? `; manifest.sig: its Ed25519 signature (${config.evidence.sign.publicKey})` : ''),
  ];
  return [
    `Each run leaves ${code(`.runway/evidence/${env}/<run-id>/`)}; text is redacted (a secret shows as ${code('[REDACTED:NAME]')}).`,
    '',
    ...items.map((i) => `- [ ] ${i}`),
    `- [ ] One entry in the journal ${config.journal}, its hash in the manifest.`,
    `- [ ] ${code(`runway evidence verify ${env}`)} re-hashes the bundles and walks the chain.`,
  ];
}
