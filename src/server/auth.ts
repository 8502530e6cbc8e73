/**
 * Who is asking: a bearer token (`Authorization: Bearer rwy_…`, for scripts and CI) or a browser session (cookie
 * from signing in with a token). `requireScope` guards a route: no credentials, a wrong or revoked token, a scope
 * the token lacks, a session form without its CSRF token, too many failed attempts — each is refused with its
 * status (401, 403, 429) and written to the audit log as `server.refused` with the reason and the route.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { appendAudit } from '../store/audit.js';
import { allows, tokenIdOf, verifyToken, type ApiToken, type TokenScope } from '../store/tokens.js';
import { csrfMatches, SESSION_COOKIE, type Session } from './sessions.js';
import type { ServerState } from './state.js';

/** The authenticated caller. */
export interface Caller {
  token: ApiToken;
  via: 'bearer' | 'session';
  session?: Session;
}

/** Hono's variables of every request. */
export type AppEnv = { Variables: { caller?: Caller; values?: Record<string, unknown>; client: string } };

/** A refusal, as the API answers it. */
export interface Refusal {
  status: 401 | 403 | 429;
  reason: string;
  retryAfter?: number;
}

/** The client's address: the socket's, or the first X-Forwarded-For hop when told to trust the proxy. */
export function clientAddress(c: Context, state: ServerState): string {
  if (state.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'in-process';
}

/** Finds the caller of a request, or why its credentials are refused; undefined when it brings none. */
export async function authenticate(c: Context<AppEnv>, state: ServerState): Promise<Caller | Refusal | undefined> {
  const client = c.get('client');
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const wait = state.limiter.retryAfter(client);
    if (wait > 0) return { status: 429, reason: 'too many failed attempts', retryAfter: wait };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      state.limiter.fail(client);
      return { status: 401, reason: 'the Authorization header is not "Bearer <token>"' };
    }
    const verdict = await state.store.use((db) => verifyToken(db, match[1]!));
    if ('refused' in verdict) {
      state.limiter.fail(client);
      return { status: 401, reason: `token ${verdict.refused}` };
    }
    return { token: verdict.token, via: 'bearer' };
  }
  const session = state.sessions.get(getCookie(c, SESSION_COOKIE));
  if (!session) return undefined;
  const verdict = await state.store.use((db) => verifyToken(db, session.presented));
  if ('refused' in verdict) {
    state.sessions.end(session.id);
    return { status: 401, reason: `the session's token is ${verdict.refused}` };
  }
  return { token: verdict.token, via: 'session', session };
}

/** Writes a refusal to the audit log: who (when known), the route, the reason, the token's public id. */
export async function auditRefusal(c: Context<AppEnv>, state: ServerState, refusal: Refusal, extra: { environment?: string; scope?: TokenScope } = {}): Promise<void> {
  const caller = c.get('caller');
  const presented = /^Bearer\s+(\S+)/i.exec(c.req.header('authorization') ?? '')?.[1];
  await state.store.use((db) => appendAudit(db, {
    actor: caller?.token.owner ?? 'anonymous', action: 'server.refused', environment: extra.environment,
    details: {
      method: c.req.method, path: c.req.path, status: refusal.status, reason: refusal.reason, client: c.get('client'),
      token: caller?.token.id ?? (presented ? tokenIdOf(presented) ?? null : null), scope: extra.scope ?? null,
    },
  })).catch(() => undefined);
}

/** Answers a refusal: JSON for the API, the same status with a short page for the browser. */
export function refuse(c: Context<AppEnv>, refusal: Refusal): Response {
  if (refusal.retryAfter) c.header('Retry-After', String(refusal.retryAfter));
  if (refusal.status === 401) c.header('WWW-Authenticate', 'Bearer realm="runway"');
  return c.json({ error: refusal.reason, status: refusal.status }, refusal.status);
}

/**
 * Guards a route: the caller must be signed in with a token allowing `scope`; a session's unsafe request (POST)
 * must carry the session's CSRF token (`_csrf` field or X-CSRF-Token header). Refusals are audited.
 */
export function requireScope(state: ServerState, scope: TokenScope, opts: { environmentOf?: (c: Context<AppEnv>) => Promise<string | undefined> } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const found = await authenticate(c, state);
    const environment = await opts.environmentOf?.(c).catch(() => undefined);
    const deny = async (refusal: Refusal) => {
      await auditRefusal(c, state, refusal, { environment, scope });
      return refuse(c, refusal);
    };
    if (!found) return deny({ status: 401, reason: 'sign in, or send Authorization: Bearer <token> (runway token create)' });
    if ('status' in found) return deny(found);
    c.set('caller', found);
    if (!allows(found.token.scopes, scope)) {
      return deny({ status: 403, reason: `token ${found.token.id} "${found.token.name}" has scopes ${found.token.scopes.join(', ')}; this needs ${scope}` });
    }
    if (found.via === 'session' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const values = await requestValues(c);
      const presented = c.req.header('x-csrf-token') ?? (typeof values._csrf === 'string' ? values._csrf : undefined);
      if (!csrfMatches(found.session!, presented)) return deny({ status: 403, reason: 'missing or wrong CSRF token (reload the page and submit again)' });
    }
    await next();
  };
}

/** The fields of a request body, JSON or form (read once per request). */
export async function requestValues(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const cached = c.get('values');
  if (cached) return cached;
  let values: Record<string, unknown> = {};
  const type = c.req.header('content-type') ?? '';
  try {
    if (type.includes('application/json')) {
      const body = await c.req.json();
      values = body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {};
    } else if (type.includes('form')) {
      values = await c.req.parseBody({ all: true }) as Record<string, unknown>;
    }
  } catch {
    values = {};
  }
  c.set('values', values);
  return values;
}
