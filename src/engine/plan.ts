/**
 * Building the plan: a pure function of the config, the environment and the release. `runway plan <env>`
 * prints it; `apply` executes it and is the only place with side effects.
 */
import { toMs } from '../config/duration.js';
import { interpolate, scopeFor, type InterpolationScope } from '../config/interpolate.js';
import type { CheckConfig, Config, StepConfig, StepKind } from '../config/schema.js';
import { STEP_KINDS, stepDefinition } from '../steps/index.js';
import { checkKind, checkName } from '../checks/index.js';
import { ConfigError } from '../errors.js';
import type { MonitorSpec } from '../monitor/spec.js';
import { databaseGateCheck, databaseRef, withDatabaseDefaults } from '../db/database-checks.js';
import type { RunKind } from '../types.js';
import { URL_LATER } from './run-url.js';
import { TARGETS, targetBlock, targetDefinition } from '../targets/index.js';
import type { PlannedCommand } from '../targets/target.js';
import type { EffectClass } from '../governance/policy.js';

export interface PlannedCheck {
  name: string;
  kind: string;
  spec: CheckConfig;
}

export interface PlannedStep {
  index: number;
  name: string;
  kind: StepKind;
  /** The command of a `run` step, with ${{ }} references resolved. */
  command?: string;
  /** For a `checks` step: the names of the checks it runs. */
  checks?: string[];
  timeoutMs: number;
  attempts: number;
  when: { env?: string[]; status: 'success' | 'failure' | 'always' };
  continueOnError: boolean;
  env: Record<string, string>;
  /** Why the step will not run in this environment, if it will not. */
  skip?: string;
  /** The options of a migrate, backup or restore step (its object form, ${{ }} resolved). */
  spec?: Record<string, unknown>;
  /** For a `monitor` step: the resolved monitor (environment block, step overrides, defaults). */
  monitor?: MonitorSpec;
  /** What the step changes, as the policy for automated actors judges it (absent: its kind's, see `plannedEffect`). */
  effect?: EffectClass;
}


export interface Plan {
  project: string;
  environment: string;
  kind: RunKind;
  release: { id: string; sha: string; dirty: boolean };
  /** The target, its config with `${{ }}` resolved, and the commands a deploy runs on it (argv + env names). */
  target: { kind: string; config: Record<string, unknown>; commands: PlannedCommand[] };
  requires: string[];
  gates: PlannedCheck[];
  checks: PlannedCheck[];
  steps: PlannedStep[];
  onFailure: 'rollback' | 'stop';
}

export interface PlanInput {
  kind?: RunKind;
  release: { id: string; sha: string; dirty: boolean; dir?: string };
  /** The artifact a target built for this release (e.g. an image reference), for the planned commands. */
  artifact?: string;
  /** URL of the environment when known (for ${{ runway.url }}). */
  url?: string;
}

/** The scope `${{ … }}` references resolve against in one environment. */
function planScope(config: Config, environment: string, input: PlanInput): InterpolationScope {
  const env = config.environments[environment]!;
  return scopeFor(config, environment, { release: input.release.id, sha: input.release.sha, url: env.url ?? input.url ?? URL_LATER });
}

/** Deeply resolves ${{ }} references in every string of a value. */
function resolveDeep<T>(value: T, scope: InterpolationScope, where: string): T {
  if (typeof value === 'string') return interpolate(value, scope, where) as T;
  if (Array.isArray(value)) return value.map((v, i) => resolveDeep(v, scope, `${where}[${i}]`)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDeep(v, scope, `${where}.${k}`)])) as T;
  }
  return value;
}

/** The kind of a step and its object form. */
export function stepKind(step: StepConfig): StepKind {
  if (typeof step === 'string') return step;
  return STEP_KINDS.find((k) => step[k] !== undefined)!;
}

/** Default name of a step. */
function stepName(step: StepConfig, kind: StepKind, command?: string): string {
  if (typeof step !== 'string' && step.name) return step.name;
  if (kind === 'run') return `run: ${command}`;
  return kind;
}

/**
 * A step's effect class: its kind's, the target's for deploy and rollback, the step's `effect:` for run steps
 * (default remote). `effect:` on any other kind is refused: those kinds declare their own.
 */
export function stepEffect(kind: StepKind, option: EffectClass | undefined, targetEffect: EffectClass, where: string): EffectClass {
  const declared = stepDefinition(kind)?.effect ?? 'remote';
  if (option !== undefined && declared !== 'option') {
    throw new ConfigError(`${where}.effect: only run steps set effect:; a ${kind} step is ${declared === 'target' ? `${targetEffect} (its target's)` : declared} — remove effect:`);
  }
  if (declared === 'option') return option ?? 'remote';
  return declared === 'target' ? targetEffect : declared;
}

/** The effect class of a planned step, also of steps a plan was built with by hand (rollback, restore). */
export function plannedEffect(step: PlannedStep, plan: Pick<Plan, 'target'>): EffectClass {
  return step.effect ?? stepEffect(step.kind, undefined, targetDefinition(plan.target.kind)?.effect ?? 'remote', step.name);
}

/** Adds the DSN gate (a connect check) before pipelines with database steps that have no connect gate. */
function withDatabaseGate(gates: PlannedCheck[], steps: PlannedStep[], config: Config, environment: string): PlannedCheck[] {
  if (!steps.some((s) => !s.skip && stepDefinition(s.kind)?.database) || gates.some((g) => g.kind === 'connect')) return gates;
  const spec = databaseGateCheck(databaseRef(config, environment));
  return [{ name: checkName(spec), kind: 'connect', spec }, ...gates];
}

/** Puts the target's pre-flight gate first when the target drives a platform CLI. */
function withTargetPreflight(gates: PlannedCheck[], target: Record<string, unknown>): PlannedCheck[] {
  const block = targetBlock(target);
  const definition = block && targetDefinition(block.kind);
  if (!definition?.cli) return gates;
  const name = `${definition.kind} pre-flight (${definition.cli.name} CLI, credentials)`;
  return [{ name, kind: 'target-preflight', spec: { name, builtin: 'target-preflight' } as unknown as CheckConfig }, ...gates];
}

/** The environment's target block with `${{ }}` resolved, and the commands its definition says a deploy runs. */
function planTarget(target: Record<string, unknown>, environment: string, input: PlanInput, scope: InterpolationScope, base: string): Plan['target'] {
  const block = targetBlock(target);
  if (!block) throw new ConfigError(`${base}.target: no target kind (one of ${TARGETS.map((d) => d.kind).join(', ')})`);
  const config = resolveDeep(block.config, scope, `${base}.target.${block.kind}`);
  const release = { id: input.release.id, sha: input.release.sha, dir: input.release.dir ?? '<release dir>' };
  const commands = targetDefinition(block.kind)?.commands({ environment, config: config as never, release, artifact: input.artifact }) ?? [];
  return { kind: block.kind, config, commands };
}

/** Builds the plan for `environment`. Pure: no I/O. */
export function buildPlan(config: Config, environment: string, input: PlanInput): Plan {
  const env = config.environments[environment];
  if (!env) throw new Error(`unknown environment "${environment}"`);
  const scope = planScope(config, environment, input);
  const base = `environments.${environment}`;
  const pipeline = env.pipeline ?? config.pipeline;
  const toChecks = (list: CheckConfig[], where: string) =>
    list.map((c, i) => {
      const spec = withDatabaseDefaults(resolveDeep(c, scope, `${where}[${i}]`), env.database);
      return { name: checkName(spec), kind: checkKind(spec), spec };
    });
  const checks = toChecks(env.checks, `${base}.checks`);
  // An environment with a monitor block monitors after its pipeline unless the pipeline places the step itself.
  const targetEffect = targetDefinition(targetBlock(env.target)?.kind ?? '')?.effect ?? 'remote';
  const monitored = env.monitor && !pipeline.some((step) => stepKind(step) === 'monitor') ? [...pipeline, 'monitor' as const] : pipeline;
  const steps = monitored.map((step, index): PlannedStep => {
    const kind = stepKind(step);
    const obj = typeof step === 'string' ? undefined : step;
    const command = obj?.run ? interpolate(obj.run, scope, `pipeline[${index}].run`) : undefined;
    const only = obj?.checks?.only;
    const whenEnv = obj?.when?.env === undefined ? undefined : [obj.when.env].flat();
    const planned: PlannedStep = {
      index: index + 1,
      name: stepName(step, kind, command),
      kind,
      command,
      checks: kind === 'checks' ? checks.filter((c) => !only || only.includes(c.name)).map((c) => c.name) : undefined,
      timeoutMs: toMs(obj?.timeout ?? config.defaults.timeout),
      attempts: 1 + (obj?.retries ?? (kind === 'run' || kind === 'deploy' ? config.defaults.retries : 0)),
      when: { env: whenEnv, status: obj?.when?.status ?? 'success' },
      continueOnError: obj?.continueOnError ?? false,
      env: resolveDeep(obj?.env ?? {}, scope, `pipeline[${index}].env`),
      effect: stepEffect(kind, obj?.effect, targetEffect, `pipeline[${index}]`),
    };
    if (whenEnv && !whenEnv.includes(environment)) planned.skip = `only in ${whenEnv.join(', ')}`;
    stepDefinition(kind)?.plan?.(planned, {
      config, environment, options: obj?.[kind as keyof typeof obj], timeout: obj?.timeout, checks, where: `pipeline[${index}]`, base,
      resolve: (value, where) => resolveDeep(value, scope, where),
    });
    return planned;
  });
  return {
    project: config.project,
    environment,
    kind: input.kind ?? 'deploy',
    release: { id: input.release.id, sha: input.release.sha, dirty: input.release.dirty },
    target: planTarget(env.target, environment, input, scope, base),
    requires: env.requires,
    gates: withTargetPreflight(withDatabaseGate(toChecks(env.gates, `${base}.gates`), steps, config, environment), env.target),
    checks,
    steps,
    onFailure: env.onFailure,
  };
}
