/** The `http:` check block: one request (or a series, with `count`) against the environment's URL. */
import { z } from 'zod';
import { duration, stringMap } from '../config/primitives.js';

/** HTTP check: one request against the environment's URL. */
export const httpCheckSchema = z
  .object({
    path: z.string().optional().describe('Path on the environment URL, e.g. /health. Use `url` for another host.'),
    url: z.string().url().optional().describe('Full URL to request instead of the environment URL + path.'),
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
    under: duration.optional().describe('Latency budget: the response must arrive within this time, e.g. 300ms.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
    count: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('Send this many requests and report p50/p95/p99 latency; every one must pass.'),
    every: duration.optional().describe('Time between the starts of repeated requests (with count; default 1s).'),
  })
  .strict();

/** A parsed `http:` check block. */
export type HttpCheckConfig = z.output<typeof httpCheckSchema>;
