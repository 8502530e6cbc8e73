/** Building blocks shared by the config schema's sections and the kinds' own schemas (targets, checks, steps). */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';
import { parseCondition } from '../checks/evaluate.js';

export const duration = z
  .union([
    z.string().regex(DURATION_PATTERN, { message: 'expected a duration such as 300ms, 5s, 10m or 1h' }),
    z.number().int().nonnegative(),
  ])
  .describe('A duration: 300ms, 5s, 10m, 1h (or a number of milliseconds).');

export const name = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, { message: 'use lower-case letters, digits, "-" and "_", starting with a letter' });

export const stringMap = z.record(z.string(), z.string());

/** A condition on a measured value, such as `< 0.1%`, `< 3s`, `>= 1` or `== ok` (checked when the config loads). */
export const condition = z
  .string()
  .superRefine((text, ctx) => {
    try {
      parseCondition(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  })
  .describe('A condition on the measured value: < <= > >= == != and a number (units %, ms, s, m, h) or text.');

/** A regular expression (checked when the config loads). */
export const regex = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    try {
      new RegExp(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}` });
    }
  });

export const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected the name of an environment variable, e.g. DATABASE_URL' });

export const databaseUrlOption = envVarName
  .optional()
  .describe("Name of the environment variable holding the database URL (default: the environment's database.url).");

/** A full http:// or https:// URL (other schemes such as ftp:// are refused). */
export const httpUrl = z.string().url({ protocol: /^https?$/ });

// A value that starts with a reference (`${NAME}`, or a masked `${{ … }}`) is a URL only once it is resolved.
const STARTS_WITH_REFERENCE = /^(?:\$\{|xrunwayref\d+x)/;

/** Header values and URLs of the API-reading providers may reference environment variables as ${NAME}. */
export const apiUrl = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    if (STARTS_WITH_REFERENCE.test(text)) return;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
    if (scheme === 'http' || scheme === 'https') return;
    ctx.addIssue({ code: 'invalid_format', format: 'url', input: text, message: 'Invalid URL' });
  })
  .describe('http(s) URL; may reference environment variables as ${NAME} (e.g. for API keys).');
export const apiHeaders = stringMap.optional().describe('Request headers; values may reference environment variables as ${NAME}.');

/** A secret or variable name: what a child process sees in its environment. */
export const secretVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected the name of an environment variable, e.g. SUPABASE_SERVICE_KEY' });

