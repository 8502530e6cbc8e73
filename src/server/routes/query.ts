/** Query parameters of list routes: limits, offsets and filters, checked with a clear message. */
import type { Context } from 'hono';

/** Bad input in a request: answered 400 with the message. */
export class BadRequest extends Error {}

/** A page size (1–200, default 50) and an offset (≥ 0, default 0) from `?limit=&offset=`. */
export function paging(c: Context, defaultLimit = 50): { limit: number; offset: number } {
  const limit = integer(c, 'limit', defaultLimit);
  const offset = integer(c, 'offset', 0);
  if (limit < 1 || limit > 200) throw new BadRequest(`limit=${limit}: between 1 and 200`);
  if (offset < 0) throw new BadRequest(`offset=${offset}: 0 or more`);
  return { limit, offset };
}

// An integer query parameter, or its default when absent.
function integer(c: Context, name: string, fallback: number): number {
  const text = c.req.query(name);
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new BadRequest(`${name}="${text}": a whole number`);
  return Number(text);
}

/** A filter that must be one of `allowed` (undefined when absent). */
export function oneOf(c: Context, name: string, allowed: readonly string[]): string | undefined {
  const text = c.req.query(name);
  if (text === undefined || text === '') return undefined;
  if (!allowed.includes(text)) throw new BadRequest(`${name}="${text}": one of ${allowed.join(', ')}`);
  return text;
}

/** The run outcomes and kinds a filter accepts. */
export const OUTCOMES = ['running', 'successful', 'failed', 'rolled_back', 'cancelled', 'refused', 'abandoned'] as const;
export const KINDS = ['deploy', 'promote', 'rollback', 'rehearsal'] as const;
