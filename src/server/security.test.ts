/**
 * Security table tests of the server, in-process: every action route without a token, with a token of another
 * scope, with a revoked token, and from a session without (or with a wrong) CSRF token is refused, audited, and
 * starts nothing; sign-in is rate limited; evidence routes never leave the run's bundle; markup in logs, check
 * messages and release notes renders as text; pages carry the CSP and no inline script; and no response body of a
 * full crawl of the dashboard and the API holds the vault's secret in any encoding.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForms } from '../secrets/encodings.js';
import type { TokenScope } from '../store/tokens.js';
import { ACTIONS } from './actions.js';
import { CSP } from './app.js';
import { bearer, SECRET, serverFixture, signIn, XSS, type ServerFixture, type TestSession } from './server.case.js';

let f: ServerFixture;
let session: TestSession;
beforeAll(async () => {
  f = await serverFixture();
  // each refused request below comes from a client of its own (X-Forwarded-For), so the failed-attempt limit
  // of one case never answers for another; requests without the header share the in-process client
  f.state.trustProxy = true;
  session = await signIn(f.app, f.tokens.admin);
}, 120_000);
afterAll(async () => {
  await f?.close();
});

// The newest audit entries (newest first).
async function audit(limit = 5): Promise<Array<{ actor: string; action: string; environment: string | null; details: Record<string, unknown> }>> {
  const res = await f.app.request(`/api/audit?limit=${limit}`, { headers: bearer(f.tokens.admin) });
  return ((await res.json()) as { entries: [] }).entries;
}

// A token whose scope does not allow `scope`.
const otherScope: Record<TokenScope, TokenScope> = { read: 'read', deploy: 'approve', approve: 'deploy', admin: 'deploy' };

type Credentials = { label: string; status: number; headers: () => Record<string, string>; body?: (b: Record<string, string>) => Record<string, string>; actor: string; reason: RegExp };
const credentials = (scope: TokenScope): Credentials[] => [
  { label: 'no token', status: 401, headers: () => ({}), actor: 'anonymous', reason: /sign in, or send Authorization/ },
  { label: 'a malformed Authorization header', status: 401, headers: () => ({ authorization: 'Token abc' }), actor: 'anonymous', reason: /not "Bearer <token>"/ },
  { label: 'a read token', status: 403, headers: () => bearer(f.tokens.read), actor: 'read@acme.test', reason: new RegExp(`this needs ${scope}`) },
  { label: `a ${otherScope[scope]} token`, status: 403, headers: () => bearer(f.tokens[otherScope[scope]]), actor: `${otherScope[scope]}@acme.test`, reason: new RegExp(`this needs ${scope}`) },
  { label: 'a revoked token', status: 401, headers: () => bearer(f.tokens.revoked), actor: 'anonymous', reason: /token revoked/ },
  { label: 'a session without its CSRF token', status: 403, headers: () => ({ cookie: session.cookie }), actor: 'admin@acme.test', reason: /CSRF/ },
  { label: 'a session with a wrong CSRF token', status: 403, headers: () => ({ cookie: session.cookie }), body: (b) => ({ ...b, _csrf: 'x'.repeat(43) }), actor: 'admin@acme.test', reason: /CSRF/ },
];

const VALID: Record<string, Record<string, string>> = {
  promote: { from: 'staging', to: 'production' }, rollback: { env: 'staging', reason: 'bad' }, approve: { env: 'production' },
  freeze: { env: 'staging', until: '2h', reason: 'x' }, unfreeze: { env: 'staging' }, resume: { env: 'staging' },
};

describe('every action route refuses what is not allowed, audits it, and starts nothing', () => {
  const cases = ACTIONS.flatMap((a) => ['/api/actions', '/actions'].flatMap((prefix) => credentials(a.scope).map((c) => ({ a, prefix, c }))));
  it.each(cases.map((x, i) => [`${x.prefix}/${x.a.name}`, x.c.label, { ...x, client: `10.0.${Math.floor(i / 250)}.${i % 250}` }] as const))('POST %s with %s', async (_path, _label, { a, prefix, c, client }) => {
    const path = `${prefix}/${a.name}`;
    const body = c.body ? c.body(VALID[a.name]!) : VALID[a.name]!;
    const before = (await audit(1))[0];
    const res = await f.app.request(path, {
      method: 'POST', headers: { ...c.headers(), 'x-forwarded-for': client, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString(),
    });
    expect(res.status).toBe(c.status);
    expect(((await res.json()) as { error: string }).error).toMatch(c.reason);
    const [entry, previous] = await audit(3);
    expect(previous).toEqual(before);
    expect(entry).toMatchObject({ action: 'server.refused', actor: c.actor, details: { method: 'POST', path, status: c.status } });
    expect(entry!.environment).toBe(a.environment(body));
    expect(f.state.jobs.running()).toEqual([]);
  });
});

describe('sign-in', () => {
  // each attempt as a browser makes it: the form (its CSRF cookie and field), then the post, from one client address
  const attempt = async (token: string, client: string) => {
    const form = await f.app.request('/login', { headers: { 'x-forwarded-for': client } });
    const cookie = form.headers.getSetCookie().find((c) => c.startsWith('runway_login_csrf='))!.split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]*)"/.exec(await form.text())![1]!;
    return f.app.request('/login', {
      method: 'POST', headers: { cookie, 'x-forwarded-for': client, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token }).toString(),
    });
  };

  it('starts a session with an HttpOnly, SameSite=Strict cookie', async () => {
    const res = await attempt(f.tokens.read, '198.51.100.1');
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('runway_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
  });

  it('limits failed attempts per client (429 with Retry-After), bearer tokens included; each refusal audited', async () => {
    {
      const codes = [];
      for (let i = 0; i < 6; i++) codes.push((await attempt(`rwy_000000000000_${'A'.repeat(43)}`, '203.0.113.9')).status);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
      const limited = await attempt(f.tokens.admin, '203.0.113.9');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await audit(1))[0]).toMatchObject({ action: 'server.refused', details: { path: '/login', status: 429, client: '203.0.113.9' } });
      expect((await f.app.request('/api/environments', { headers: bearer(f.tokens.read, { 'x-forwarded-for': '203.0.113.9' }) })).status).toBe(429);
      // another client is not held back
      expect((await attempt(f.tokens.admin, '203.0.113.10')).status).toBe(303);
    }
  });

  it('refuses a sign-in form without its CSRF cookie (403, audited)', async () => {
    const res = await f.app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${f.tokens.admin}` });
    expect(res.status).toBe(403);
    expect((await audit(1))[0]).toMatchObject({ action: 'server.refused', details: { path: '/login', status: 403, reason: 'sign-in without its CSRF token' } });
  });

  it('ends a session whose token is revoked, from its next request', async () => {
    const { createToken, revokeToken } = await import('../store/tokens.js');
    const made = await f.state.store.use((db) => createToken(db, { name: 'short', owner: 'short@acme.test', actorKind: 'human', scopes: ['read'], createdBy: 't' }));
    const s = await signIn(f.app, made.secret);
    expect((await f.app.request('/', { headers: { cookie: s.cookie } })).status).toBe(200);
    await f.state.store.use((db) => revokeToken(db, made.token.id, 't'));
    const after = await f.app.request('/', { headers: { cookie: s.cookie } });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
    expect((await f.app.request('/api/runs', { headers: { cookie: s.cookie } })).status).toBe(401);
  });
});

describe('evidence files come only from inside the run bundle', () => {
  it('serves a step log of the bundle as text, redacted', async () => {
    const res = await f.app.request(`/api/runs/${f.runs.staging.id}/files/steps/01-run.log`, { headers: bearer(f.tokens.read) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    const text = await res.text();
    expect(text).toContain('key [REDACTED:SHOP_API_KEY]');
  });

  it.each([
    '..%2F..%2F..%2F..%2Frunway.yaml', '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2frunway.yaml', 'steps%2F..%2F..%2F..%2F..%2F..%2Frunway.yaml',
    '..%2F..%2F..%2Fstate.db', '%2Fetc%2Fpasswd', '..%5C..%5C..%5C..%5Crunway.yaml', 'link-out.txt', 'steps%00.log', '%E0%A4%A',
  ])('refuses %s', async (name) => {
    const bundle = join(f.project.dir, f.runs.staging.evidence!);
    try {
      symlinkSync(join(f.project.dir, 'runway.yaml'), join(bundle, 'link-out.txt'));
    } catch {
      // made by an earlier case
    }
    for (const prefix of ['/api/runs', '/runs']) {
      const res = await f.app.request(`${prefix}/${f.runs.staging.id}/files/${name}`, { headers: bearer(f.tokens.read) });
      expect([400, 404]).toContain(res.status);
      const text = await res.text();
      expect(text).not.toContain('project: shop');
      expect(text).not.toContain('root:');
    }
  });

  it('audits an attempt to leave the bundle', async () => {
    await f.app.request(`/api/runs/${f.runs.staging.id}/files/..%2F..%2Frunway.yaml`, { headers: bearer(f.tokens.read) });
    expect((await audit(1))[0]).toMatchObject({ action: 'server.refused', actor: 'read@acme.test', environment: 'staging', details: { reason: 'evidence file outside the bundle: ../../runway.yaml' } });
  });

  it('a path with ../ segments never reaches a bundle (the URL is normalised first)', async () => {
    const res = await f.app.request(`/api/runs/${f.runs.staging.id}/files/../../../../runway.yaml`, { headers: bearer(f.tokens.read) });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('project: shop');
  });
});

describe('what pages show is escaped, under a CSP without inline scripts', () => {
  const page = async (path: string) => {
    const res = await f.app.request(path, { headers: { cookie: session.cookie } });
    expect(res.status, path).toBe(200);
    return { html: await res.text(), csp: res.headers.get('content-security-policy') };
  };
  const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

  it.each([
    ['a step log', () => `/runs/${f.runs.staging.id}`, XSS.log],
    ['a check message', () => `/runs/${f.runs.failed.id}`, XSS.check],
    ['release notes (the commit subject)', () => `/releases/${f.runs.failed.release.id}`, XSS.notes],
    ['release notes in the release list', () => '/releases', XSS.notes],
  ])('%s with markup renders as text', async (_what, path, markup) => {
    const { html } = await page(path());
    expect(html).not.toContain(markup);
    expect(html).toContain(escaped(markup));
  });

  it.each(['/', '/runs', '/releases', '/audit', '/environments/staging', '/login'])('%s has the CSP and no inline script or style', async (path) => {
    const { html, csp } = await page(path);
    expect(csp).toBe(CSP);
    expect(csp).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
  });
});

describe('no secret in any response body', () => {
  it('a crawl of every dashboard page and API route it links to holds no form of the vault secret', async () => {
    const forms = secretForms(SECRET).map((form) => form.text);
    const seen = new Set<string>();
    const queue = ['/', '/runs', '/releases', '/audit', '/api/environments', '/api/releases', '/api/runs', '/api/audit',
      `/api/runs/${f.runs.staging.id}`, `/api/runs/${f.runs.failed.id}`, `/api/runs/${f.runs.staging.id}/evidence`,
      `/api/runs/${f.runs.staging.id}/events`, `/api/releases/${f.runs.staging.release.id}`, '/static/dashboard.js', '/static/dashboard.css'];
    const bodies: string[] = [];
    while (queue.length && seen.size < 300) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await f.app.request(path, { headers: { cookie: session.cookie } });
      const body = await res.text();
      bodies.push(body);
      for (const form of forms) expect(body.includes(form), `${path} holds the secret (${form})`).toBe(false);
      for (const m of body.matchAll(/(?:href|src)="(\/[^"#]*)"/g)) {
        const link = m[1]!.replace(/&amp;/g, '&');
        if (!link.startsWith('/static/') || !seen.has(link)) queue.push(link);
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    // the crawl reached the step log that printed the secret, as the redactor left it
    expect(bodies.some((b) => b.includes('key [REDACTED:SHOP_API_KEY]'))).toBe(true);
  });
});
