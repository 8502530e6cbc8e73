/** Browser sessions and the failed sign-in limit, on an explicit clock. */
import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limit.js';
import { csrfMatches, Sessions } from './sessions.js';

describe('sessions', () => {
  it('hands out random ids and CSRF tokens, ends them on sign-out and when they expire', () => {
    const sessions = new Sessions(1000);
    const a = sessions.create('tok1', 'rwy_x', 0);
    const b = sessions.create('tok1', 'rwy_x', 0);
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(b.csrf);
    expect(sessions.get(a.id, 999)).toBe(a);
    expect(sessions.get(a.id, 1000)).toBeUndefined();
    sessions.end(b.id);
    expect(sessions.get(b.id, 1)).toBeUndefined();
    expect(sessions.get(undefined)).toBeUndefined();
  });

  it('matches only the session’s own CSRF token', () => {
    const s = new Sessions().create('t', 'p');
    expect(csrfMatches(s, s.csrf)).toBe(true);
    expect(csrfMatches(s, undefined)).toBe(false);
    expect(csrfMatches(s, '')).toBe(false);
    expect(csrfMatches(s, `${s.csrf}x`)).toBe(false);
    expect(csrfMatches(s, new Sessions().create('t', 'p').csrf)).toBe(false);
  });
});

describe('the failed sign-in limit', () => {
  it('allows max failures in the window per client, then says when to retry; the window slides', () => {
    const limiter = new LoginLimiter(3, 60_000);
    for (const at of [0, 10_000, 20_000]) {
      expect(limiter.retryAfter('a', at)).toBe(0);
      limiter.fail('a', at);
    }
    expect(limiter.retryAfter('a', 30_000)).toBe(30);
    expect(limiter.retryAfter('b', 30_000)).toBe(0);
    // the first failure leaves the window at 60 s: one more attempt is allowed
    expect(limiter.retryAfter('a', 60_001)).toBe(0);
    limiter.fail('a', 60_001);
    expect(limiter.retryAfter('a', 60_002)).toBe(10);
  });
});
