/**
 * The step kinds Runway knows: one line each. The pipeline schema, the kind lists and the engine's runner table
 * all read this list, so adding a step kind is its file, its definition in kinds.ts, its schema in schemas.ts and
 * one line here.
 */
import type { StepDefinition } from './step-definition.js';
import {
  backupStepKind, checksStepKind, deployStepKind, migrateStepKind, monitorStepKind, restoreStepKind, rollbackStepKind, runStepKind,
} from './kinds.js';

/** Every step kind, in the order `runway schema`, the docs and the error messages list them. */
export const STEPS = [
  runStepKind,
  deployStepKind,
  checksStepKind,
  rollbackStepKind,
  migrateStepKind,
  backupStepKind,
  restoreStepKind,
  monitorStepKind,
] as const;

type Definitions = (typeof STEPS)[number];

/** A step kind's name. */
export type StepKind = Definitions['kind'];

/** A step kind that may be written as a bare string, e.g. `- deploy`. */
export type BareStepKind = Extract<Definitions, { bare: true }>['kind'];

/** The names of every step kind, in the order of the list. */
export const STEP_KINDS = STEPS.map((d) => d.kind) as readonly StepKind[];

/** Step kinds that can be written as a bare string in a pipeline. */
export const STRING_STEP_KINDS = STEPS.filter((d) => d.bare).map((d) => d.kind) as readonly BareStepKind[];

/** The definition of a kind, or undefined. */
export function stepDefinition(kind: string): StepDefinition | undefined {
  return (STEPS as readonly StepDefinition[]).find((d) => d.kind === kind);
}
