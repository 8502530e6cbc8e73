/** Durations in config: `300ms`, `5s`, `10m`, `1h`, `1h30m`, or a number of milliseconds. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Pattern a duration string must match (used by the schema). */
export const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/;

/** Parses a duration into milliseconds; throws on malformed input (the schema rejects those first). */
export function toMs(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (!DURATION_PATTERN.test(text)) throw new Error(`not a duration: "${value}" (use e.g. 300ms, 5s, 10m, 1h)`);
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(total);
}

/** Formats milliseconds for people: `850ms`, `4.2s`, `3m 5s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m ${s}s` : `${m}m`;
}
