/** The `http:` check block: one request (or a series, with `count`) against the environment's URL. */
import { z } from 'zod';
import { condition, duration, httpUrl, stringMap } from '../config/primitives.js';
import { parseCondition } from './evaluate.js';

const TIME_UNITS = new Set(['ms', 's', 'm', 'h']);

/** A limit on a latency percentile of a series: a numeric condition in a time unit, e.g. `< 300ms`. */
const latencyLimit = (percentile: string) =>
  condition
    .superRefine((text, ctx) => {
      try {
        const parsed = parseCondition(text);
        if (typeof parsed.target !== 'number' || !TIME_UNITS.has(parsed.unit)) {
          ctx.addIssue({ code: 'custom', message: `"${text}" is not a latency limit: write a time, e.g. "< 300ms" or "<= 1.5s"` });
        }
      } catch {
        // the condition itself reports a malformed text
      }
    })
    .describe(`Limit on the ${percentile} latency of the series (with count), e.g. "< 300ms"; judged once over all requests.`);

/** HTTP check: one request against the environment's URL. */
export const httpCheckSchema = z
  .object({
    path: z.string().optional().describe('Path on the environment URL, e.g. /health. Use `url` for another host.'),
    url: httpUrl.optional().describe('Full URL to request instead of the environment URL + path.'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET').describe('HTTP method.'),
    headers: stringMap.optional().describe('Request headers. Values may reference ${{ vars.NAME }}.'),
    body: z.string().optional().describe('Request body.'),
    expect: z
      .object({
        status: z
          .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599))])
          .default(200)
          .describe('Expected status code, or a list of accepted codes.'),
        contains: z.string().optional().describe('Text the response body must contain.'),
        json: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('JSON paths and the values they must equal, e.g. { "$.status": "ok" }.'),
      })
      .strict()
      .default({ status: 200 })
      .describe('What the response must look like.'),
    under: duration.optional().describe('Latency budget of every single request, e.g. 300ms (with count, p50/p95/p99 judge the series instead).'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
    count: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('Send this many requests and report p50/p95/p99 latency; every one must pass its expect (and under, if set).'),
    every: duration.optional().describe('Time between the starts of repeated requests (with count; default 1s).'),
    p50: latencyLimit('median').optional(),
    p95: latencyLimit('95th percentile').optional(),
    p99: latencyLimit('99th percentile').optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const key of ['p50', 'p95', 'p99'] as const) {
      if (spec[key] !== undefined && !(spec.count && spec.count >= 2)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is judged over a series of requests: add count (e.g. count: 20)` });
      }
    }
  });

/** A parsed `http:` check block. */
export type HttpCheckConfig = z.output<typeof httpCheckSchema>;
