/**
 * Browser sessions of the dashboard: a person signs in with an API token once, and the browser then carries a
 * random session id in an HttpOnly, SameSite=Strict cookie. Each session has its own CSRF token, which every form
 * sends back. Sessions live in the server's memory (a restart signs everyone out); the token behind a session is
 * verified again on every request, so revoking it ends the session at once.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie holding the session id. */
export const SESSION_COOKIE = 'runway_session';

/** One signed-in browser. */
export interface Session {
  id: string;
  /** The token the person signed in with (its id; the token itself is never kept). */
  tokenId: string;
  /** The token as presented, kept only to verify it again against the store (revocation). */
  presented: string;
  csrf: string;
  expiresAt: number;
}

/** The sessions of one server process. */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly ttlMs = 12 * 3_600_000) {}

  /** Starts a session for a verified token. */
  create(tokenId: string, presented: string, now = Date.now()): Session {
    this.sweep(now);
    const session: Session = {
      id: randomBytes(32).toString('base64url'), tokenId, presented, csrf: randomBytes(32).toString('base64url'),
      expiresAt: now + this.ttlMs,
    };
    this.byId.set(session.id, session);
    return session;
  }

  /** The live session with this id, if any. */
  get(id: string | undefined, now = Date.now()): Session | undefined {
    if (!id) return undefined;
    const session = this.byId.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.byId.delete(id);
      return undefined;
    }
    return session;
  }

  /** Ends a session (sign out, or its token was refused). */
  end(id: string | undefined): void {
    if (id) this.byId.delete(id);
  }

  /** Seconds a new session's cookie lasts. */
  get maxAgeSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  // Forgets expired sessions.
  private sweep(now: number): void {
    for (const [id, s] of this.byId) if (s.expiresAt <= now) this.byId.delete(id);
  }
}

/** Whether a presented CSRF token is the session's (constant time). */
export function csrfMatches(session: Session, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
