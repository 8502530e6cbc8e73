/**
 * "Did you mean …?" for config errors: the closest valid name by edit distance.
 */

/** Levenshtein edit distance between two strings (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough.
 * Close enough: a case-insensitive match, an edit distance of at most 2 (at most a third of the length
 * for longer names) that is still smaller than the input itself (so `x` never suggests `id`), or else a
 * unique name the input abbreviates (`prod` → `production`).
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance = candidate.toLowerCase() === input.toLowerCase() ? 0 : levenshtein(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit && bestDistance < input.length) return best;
  const prefixed = [...candidates].filter((c) => input.length >= 3 && c.toLowerCase().startsWith(input.toLowerCase()));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` (did you mean "staging"?)` when a candidate is close, else an empty string. */
export function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : ` (did you mean "${prefix}${match}"?)`;
}
