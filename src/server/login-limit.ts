/**
 * The limit on failed sign-ins: a client (its address) gets `max` failed attempts in a sliding `windowMs`; after
 * that every attempt is refused with 429 until the oldest failure leaves the window. A success does not reset it:
 * guessing stays slow whatever else the client does. Bearer tokens on API calls count the same way.
 */

/** Failed attempts by client, in memory. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(readonly max = 5, readonly windowMs = 10 * 60_000) {}

  /** Seconds until `client` may try again, or 0 when it may now. */
  retryAfter(client: string, now = Date.now()): number {
    const recent = this.recent(client, now);
    if (recent.length < this.max) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
  }

  /** Records one failed attempt of `client`. */
  fail(client: string, now = Date.now()): void {
    const recent = this.recent(client, now);
    recent.push(now);
    this.failures.set(client, recent);
  }

  // The failures of `client` still inside the window, oldest first.
  private recent(client: string, now: number): number[] {
    const kept = (this.failures.get(client) ?? []).filter((at) => at > now - this.windowMs);
    if (kept.length) this.failures.set(client, kept);
    else this.failures.delete(client);
    return kept;
  }
}
