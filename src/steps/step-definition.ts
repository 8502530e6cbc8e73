/**
 * A step kind defines itself once, next to its code: its key in a pipeline, the schema of its object form,
 * whether it may be written as a bare string, and how it runs. `index.ts` lists the kinds; the pipeline schema,
 * the kind lists and the engine's runner table are derived from that list.
 *
 * Definitions are read when the config schema is built, so a step file must not use, at module top level,
 * anything from the engine or the config schema (they import this list in turn); inside `run` it may.
 */
import type { z } from 'zod';
import type { PlannedStep } from '../engine/plan.js';
import type { RunContext, StepOutcome } from './step.js';

/** A step kind: its pipeline key, schema, bare form and runner. */
export interface StepDefinition<Schema extends z.ZodType = z.ZodType, Kind extends string = string, Bare extends boolean = boolean> {
  kind: Kind;
  /** One line for `runway schema` and the docs (the description of the step's `<kind>:` key). */
  description: string;
  /** The schema of the object form's `<kind>:` value, e.g. `z.object({}).strict().nullable()` (it lives with the step). */
  schema: Schema;
  /** The step may be written as a bare string in a pipeline, e.g. `- deploy`. */
  bare: Bare;
  /** Runs one attempt of the step; its log goes to `logFile`. */
  run(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome>;
  /**
   * The step enforces its own timeout (a command is killed by its runner; a database step must cancel its
   * statement, not be abandoned mid-way). Otherwise the engine bounds it and aborts its signal.
   */
  selfTimed?: boolean;
}

/** Declares a step kind (keeps the literal kind, bare flag and schema types). */
export function defineStep<Schema extends z.ZodType, Kind extends string, Bare extends boolean>(
  definition: StepDefinition<Schema, Kind, Bare>,
): StepDefinition<Schema, Kind, Bare> {
  return definition;
}
