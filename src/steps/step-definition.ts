/**
 * A step kind defines itself once, in kinds.ts: its key in a pipeline, whether it may be written as a bare
 * string, and how it runs (a runner that loads the kind's own file on first use); the schema of its object form is
 * in schemas.ts. `index.ts` lists the kinds; the pipeline schema, the kind lists and the engine's runner table are
 * derived from that list.
 *
 * Definitions are read when the config schema is built, so kinds.ts and what it imports must not use, at module
 * top level, anything from the engine or the config schema (they import this list in turn); a step's own file,
 * loaded when it runs, may.
 */
import type { Config } from '../config/schema.js';
import type { EffectClass } from '../governance/policy.js';
import type { PlannedCheck, PlannedStep } from '../engine/plan.js';
import type { RunContext, StepOutcome } from './step.js';

/** A step kind: its pipeline key, bare form and runner. */
export interface StepDefinition<Kind extends string = string, Bare extends boolean = boolean> {
  kind: Kind;
  /** One line for `runway schema` and the docs (the description of the step's `<kind>:` key). */
  description: string;
  /** The step may be written as a bare string in a pipeline, e.g. `- deploy`. */
  bare: Bare;
  /**
   * What the step changes (the policy for automated actors judges it): `read` nothing, `local` only this machine,
   * `remote` a platform, a remote database or a git remote; `target` whatever the environment's target declares;
   * `option` the step's own `effect:` (default remote).
   */
  effect: EffectClass | 'target' | 'option';
  /** Runs one attempt of the step; its log goes to `logFile`. */
  run(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome>;
  /**
   * The step enforces its own timeout (a command is killed by its runner; a database step must cancel its
   * statement, not be abandoned mid-way). Otherwise the engine bounds it and aborts its signal.
   */
  selfTimed?: boolean;
  /** The step works on the environment's database (the plan puts the DSN gate before a pipeline with one). */
  database?: boolean;
  /** Plan-time work of the kind (pure): resolves its options into `planned` or throws ConfigError naming `where`. */
  plan?(planned: PlannedStep, input: StepPlanInput): void;
}

/** What a step kind's plan hook is given. */
export interface StepPlanInput {
  config: Config;
  environment: string;
  /** The object form's `<kind>:` value, when the step was written as an object. */
  options?: unknown;
  /** The step's own `timeout:`, when it set one. */
  timeout?: string | number;
  /** The environment's planned checks. */
  checks: PlannedCheck[];
  /** Where the step is in the config, e.g. `pipeline[2]`; and the environment's path, e.g. `environments.production`. */
  where: string;
  base: string;
  /** Resolves `${{ }}` references in every string of a value. */
  resolve<T>(value: T, where: string): T;
}

/** Declares a step kind (keeps the literal kind and bare flag types). */
export function defineStep<Kind extends string, Bare extends boolean>(
  definition: StepDefinition<Kind, Bare>,
): StepDefinition<Kind, Bare> {
  return definition;
}
