/**
 * Signing in and out of the dashboard. GET /login sets a short-lived, HttpOnly, SameSite=Strict cookie holding a
 * random CSRF token and puts the same token in the form (the login form's CSRF token, before there is a session);
 * POST /login checks it, the failed-login limit and the token, then starts a session (cookie HttpOnly,
 * SameSite=Strict, Secure behind HTTPS). A refused sign-in is audited. POST /logout needs the session's CSRF token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { verifyToken } from '../../store/tokens.js';
import { auditRefusal, authenticate, requestValues, type AppEnv, type Refusal } from '../auth.js';
import { csrfMatches, SESSION_COOKIE } from '../sessions.js';
import type { ServerState } from '../state.js';
import { page } from '../views/layout.js';
import { loginBody } from '../views/pages-misc.js';

const LOGIN_CSRF_COOKIE = 'runway_login_csrf';

/** Registers /login and /logout. */
export function sessionRoutes(app: Hono<AppEnv>, state: ServerState): void {
  const project = state.ctx.loaded.config.project;
  const cookie = { httpOnly: true, sameSite: 'Strict' as const, secure: state.secureCookies, path: '/' };
  const form = (c: Context<AppEnv>, status: 200 | 401 | 403 | 429, message?: string) => {
    const csrf = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, { ...cookie, maxAge: 3600 });
    return c.html(page({ title: 'Sign in', project }, loginBody(csrf, message)), status);
  };

  app.get('/login', (c) => form(c, 200));

  app.post('/login', async (c) => {
    const client = c.get('client');
    const values = await requestValues(c);
    const refused = async (refusal: Refusal, message: string) => {
      await auditRefusal(c, state, refusal);
      if (refusal.retryAfter) c.header('Retry-After', String(refusal.retryAfter));
      return form(c, refusal.status, message);
    };
    const wait = state.limiter.retryAfter(client);
    if (wait > 0) return refused({ status: 429, reason: 'too many failed sign-ins', retryAfter: wait }, `Too many failed sign-ins: try again in ${wait} s.`);
    const expected = getCookie(c, LOGIN_CSRF_COOKIE) ?? '';
    const given = typeof values._csrf === 'string' ? values._csrf : '';
    if (!expected || expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
      return refused({ status: 403, reason: 'sign-in without its CSRF token' }, 'The form expired: sign in again.');
    }
    const presented = typeof values.token === 'string' ? values.token.trim() : '';
    const verdict = await state.store.use((db) => verifyToken(db, presented));
    if ('refused' in verdict) {
      state.limiter.fail(client);
      return refused({ status: 401, reason: `sign-in with a token that is ${verdict.refused}` }, 'That token is not valid (unknown, revoked or mistyped).');
    }
    const session = state.sessions.create(verdict.token.id, presented);
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/' });
    setCookie(c, SESSION_COOKIE, session.id, { ...cookie, maxAge: state.sessions.maxAgeSeconds });
    return c.redirect('/', 303);
  });

  app.post('/logout', async (c) => {
    const caller = await authenticate(c, state);
    const values = await requestValues(c);
    if (caller && 'session' in caller && caller.session) {
      if (!csrfMatches(caller.session, typeof values._csrf === 'string' ? values._csrf : undefined)) {
        await auditRefusal(c, state, { status: 403, reason: 'sign-out without its CSRF token' });
        return c.text('missing or wrong CSRF token', 403);
      }
      state.sessions.end(caller.session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
}
