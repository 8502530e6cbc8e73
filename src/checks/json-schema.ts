/** The `json:` check block's schema and parsed type, apart from the check's code (reading a config loads this alone). */
import { z } from 'zod';
import { duration, condition, apiUrl, apiHeaders } from '../config/primitives.js';

/** JSON check: any HTTP JSON API, a JSON path, and a condition and/or a freshness window on the value found. */
export const jsonCheckSchema = z
  .object({
    url: apiUrl.optional().describe('URL of the JSON API (may use ${NAME} references). Use `path` for the environment URL.'),
    path: z.string().optional().describe('Path on the environment URL instead of `url`, e.g. /api/stats.'),
    method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method.'),
    headers: apiHeaders,
    body: z.string().optional().describe('Request body (e.g. a JSON query for POST).'),
    jsonPath: z.string().min(1).describe('Where the value is, e.g. $.results[0].timestamp or $.data.errorRate.'),
    each: z
      .string()
      .optional()
      .describe('When jsonPath finds an array of objects: the path of the value inside each element, e.g. $.timestamp.'),
    condition: condition
      .optional()
      .describe('Condition on the value (an array is judged by its length), e.g. ">= 1" or "< 0.1%".'),
    within: duration
      .optional()
      .describe('Freshness: the value (or the newest of an array) is a timestamp no older than this, e.g. 10m.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.condition === undefined && spec.within === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give a condition, a freshness window (within), or both' });
    }
    if (spec.url !== undefined && spec.path !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either url or path, not both' });
    }
  });

/** A parsed `json:` check block. */
export type JsonCheckConfig = z.output<typeof jsonCheckSchema>;
