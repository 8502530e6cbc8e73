/**
 * `monitor:` of an environment (and the overrides of a `monitor` step): conditions on the release's own traffic,
 * judged over a sliding window after a deploy.
 */
import { z } from 'zod';
import { condition, duration } from './primitives.js';

/** A monitor threshold: a condition, or false to switch a default one off. */
const monitorThreshold = z.union([condition, z.literal(false)]);

/**
 * `monitor:` of an environment, and the overrides of a `monitor` step: watch the release's own traffic after a
 * deploy and judge a sliding window every `every`. Defaults are applied when the plan is built, so a step can
 * override single keys of the environment's block.
 */
export const monitorSchema = z
  .object({
    for: duration.optional().describe('How long to watch after the deploy (default 10m).'),
    every: duration.optional().describe('How often the sliding window is judged (default 1s).'),
    window: duration.optional().describe('Length of the sliding window, made of 1 s buckets (default 10s).'),
    minRequests: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Fewest requests a window needs for a verdict; with fewer it is inconclusive, not failed (default 20).'),
    errorRate: monitorThreshold.optional().describe('Condition on 5xx responses and socket errors over requests (default "< 0.1%"; false: off).'),
    p50: monitorThreshold.optional().describe('Condition on the median latency, e.g. "< 500ms" (default off).'),
    p95: monitorThreshold.optional().describe('Condition on the 95th percentile latency (default "< 3s"; false: off).'),
    p99: monitorThreshold.optional().describe('Condition on the 99th percentile latency (default off).'),
    crashes: monitorThreshold.optional().describe('Condition on crashes of the release since monitoring began (default "== 0"; false: off).'),
    failureLimit: z.number().int().min(0).optional().describe('Failed evaluations of one metric tolerated (default 0).'),
    consecutiveErrorLimit: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Evaluations in a row that could not measure a metric, tolerated (default 4).'),
    inconclusiveLimit: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Inconclusive evaluations of one metric tolerated (default: no limit; a metric never measured is still inconclusive).'),
    onBreach: z
      .enum(['rollback', 'pause', 'notify'])
      .optional()
      .describe('What a failed or inconclusive verdict does: rollback (default when onFailure is rollback), pause (wait for `runway resume`), notify (warn, keep the release).'),
    probes: z
      .union([
        z.literal(false),
        z
          .object({
            path: z.string().optional().describe("Path to probe (default: the target's health path)."),
            rate: z.number().positive().max(100).optional().describe('Probes per second while real traffic is below it (default: minRequests / window).'),
          })
          .strict(),
      ])
      .optional()
      .describe('Synthetic probes that fill in while real traffic is too low for a verdict (default on; false: off).'),
    checks: z
      .union([
        z.boolean(),
        z
          .object({
            only: z.array(z.string()).optional().describe("Names of the environment's checks to run (default: all)."),
            every: duration.optional().describe('Time between two runs of the checks (default 30s).'),
          })
          .strict(),
      ])
      .optional()
      .describe("Also run the environment's checks at an interval while monitoring (default off)."),
    pauseTimeout: duration
      .optional()
      .describe('How long a paused run waits for `runway resume` before the environment\'s onFailure applies (default 1h).'),
  })
  .strict();

/** A parsed `monitor:` block (defaults are applied when the plan is built). */
export type MonitorConfig = z.output<typeof monitorSchema>;
