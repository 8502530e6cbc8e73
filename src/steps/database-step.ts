/** What the database step kinds (migrate, backup, restore) share at plan time. */
import type { PlannedStep } from '../engine/plan.js';
import type { StepPlanInput } from './step-definition.js';

/** Resolves the step's options (its object form, `${{ }}` references resolved) into `planned.spec`. */
export function planDatabaseStep(planned: PlannedStep, input: StepPlanInput): void {
  planned.spec = input.resolve({ ...((input.options as Record<string, unknown> | null | undefined) ?? {}) }, `${input.where}.${planned.kind}`);
}
