/**
 * `runbook:` at the top level: who owns the runbook `runway runbook` generates, how often a person reviews it, where
 * it is committed, and whether the `runbook` gate refuses or warns when that file is stale or expired.
 */
import { z } from 'zod';
import { DURATION_PATTERN, toMs } from './duration.js';
import { duration } from './primitives.js';

const DAY_MS = 86_400_000;

/** A review interval: a duration of whole days, at least one (`90d`, `30d`). */
const reviewInterval = duration.superRefine((value, ctx) => {
  const ms = typeof value === 'number' ? value : DURATION_PATTERN.test(value) ? toMs(value) : NaN;
  if (Number.isNaN(ms)) return; // the duration pattern already reported it
  if (ms < DAY_MS || ms % DAY_MS !== 0) ctx.addIssue({ code: 'custom', message: 'expected whole days, at least one, e.g. 90d' });
});

/** A path inside the project: relative, without `..` segments. */
const projectPath = z
  .string()
  .min(1)
  .refine((p) => !/^([/\\]|[A-Za-z]:)/.test(p) && !p.split(/[/\\]/).includes('..'), {
    message: 'expected a path inside the project, relative and without "..", e.g. RUNBOOK.md',
  });

export const runbookSchema = z
  .object({
    owner: z.string().trim().min(1).describe('Who owns the runbook (a person or team), written into its front matter.'),
    reviewEvery: reviewInterval.default('90d').describe('How long a review lasts: expires = last_reviewed + reviewEvery (whole days).'),
    path: projectPath.default('RUNBOOK.md').describe('Where the runbook is committed, relative to the project directory.'),
    onStale: z
      .enum(['refuse', 'warn'])
      .default('refuse')
      .describe('What the runbook gate does when the file is missing, stale (config changed) or expired: refuse the run, or warn and go on.'),
  })
  .strict()
  .optional()
  .describe('The runbook `runway runbook` writes from this file, and the `runbook` gate that checks it is current.');

export type RunbookConfig = NonNullable<z.output<typeof runbookSchema>>;

/** The review interval in whole days. */
export function reviewDays(config: RunbookConfig): number {
  return Math.round(toMs(config.reviewEvery) / DAY_MS);
}
