import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonCheckSchema, type JsonCheckConfig } from '../config/schema.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';
import { jsonCheck, readTimestamp } from './json.js';

const MINUTE = 60_000;
const TOKEN = 'phx_test_analytics_token_123';

// A real analytics-like API on loopback: events with timestamps, stats, and the ways an API goes wrong.
async function startApi(): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    switch (url.pathname) {
      case '/events/fresh':
        return json(200, { results: [{ event: 'i_chat_completed', timestamp: ago(30 * MINUTE) }, { event: 'i_chat_completed', timestamp: ago(2 * MINUTE) }] });
      case '/events/stale':
        return json(200, { results: [{ event: 'i_chat_completed', timestamp: ago(14 * MINUTE) }] });
      case '/events/none':
        return json(200, { results: [] });
      case '/events/epoch':
        return json(200, { last: Math.floor((Date.now() - 90_000) / 1000) });
      case '/stats':
        return json(200, { errorRate: 0.04, p95: 2400, p95Text: '2.4s', status: 'ok', nan: null });
      case '/private':
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: 'unauthorized' });
        return json(200, { count: 3 });
      case '/malformed':
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"results": [');
      case '/broken':
        return res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
      case '/hang':
        return; // never answers
      case '/query': {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => json(200, { echo: JSON.parse(body || '{}'), method: req.method }));
        return;
      }
      default:
        return json(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// Fills schema defaults the way the config loader does.
function spec(input: Record<string, unknown>): JsonCheckConfig {
  return jsonCheckSchema.parse(input);
}

let server: Server;
let baseUrl = '';
let ctx: CheckContext;
beforeAll(async () => {
  ({ server, baseUrl } = await startApi());
  ctx = { cwd: process.cwd(), env: { ANALYTICS_TOKEN: TOKEN, API_URL: baseUrl }, baseUrl };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('json check verdicts', () => {
  const table: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['event seen in the last 10 minutes', { path: '/events/fresh', jsonPath: '$.results', each: '$.timestamp', within: '10m' }, 'successful',
      /^newest \$\.results\[\*\]\.timestamp is 2m( \d+s)? old \(within 10m\)$/],
    ['event last seen 14 minutes ago', { path: '/events/stale', jsonPath: '$.results[0].timestamp', within: '10m' }, 'failed',
      /^newest \$\.results\[0\]\.timestamp is 14m( \d+s)? old, expected within 10m$/],
    ['no events at all', { path: '/events/none', jsonPath: '$.results', each: '$.timestamp', within: '10m' }, 'inconclusive', /^no data: .* is empty/],
    ['epoch seconds', { path: '/events/epoch', jsonPath: '$.last', within: '10m' }, 'successful', /^newest \$\.last is 1m \d+s old \(within 10m\)$/],
    ['at least one event', { path: '/events/fresh', jsonPath: '$.results', condition: '>= 1' }, 'successful', /^\$\.results has 2 items: 2 >= 1$/],
    ['no event: count fails', { path: '/events/none', jsonPath: '$.results', condition: '>= 1' }, 'failed', /has 0 items: 0, expected >= 1$/],
    ['a number in the condition\'s unit', { path: '/stats', jsonPath: '$.errorRate', condition: '< 0.1%' }, 'successful', /^\$\.errorRate 0\.04% < 0\.1%$/],
    ['a latency in ms', { path: '/stats', jsonPath: '$.p95', condition: '< 2000ms' }, 'failed', /^\$\.p95 2\.4s, expected < 2000ms$/],
    ['a latency as text', { path: '/stats', jsonPath: '$.p95Text', condition: '< 3s' }, 'successful', /^\$\.p95Text 2\.4s < 3s$/],
    ['a text value', { path: '/stats', jsonPath: '$.status', condition: '== ok' }, 'successful', /ok == ok/],
    ['a null value', { path: '/stats', jsonPath: '$.nan', condition: '< 1' }, 'inconclusive', /no value to compare/],
    ['a missing path', { path: '/stats', jsonPath: '$.nope', condition: '< 1' }, 'inconclusive', /^no data: \$\.nope not found in the response$/],
    ['condition and freshness both judged', { path: '/events/stale', jsonPath: '$.results', each: '$.timestamp', condition: '>= 1', within: '10m' },
      'failed', /has 1 item: 1 >= 1; newest .* is 14m( \d+s)? old, expected within 10m$/],
    ['malformed JSON', { path: '/malformed', jsonPath: '$.results', condition: '>= 1' }, 'error', /is not JSON: \{"results": \[$/],
    ['an API error', { path: '/broken', jsonPath: '$.x', condition: '>= 1' }, 'error', /^HTTP 503 from \/broken: upstream unavailable$/],
    ['no answer in time', { path: '/hang', jsonPath: '$.x', condition: '>= 1', timeout: '300ms' }, 'error', /^timed out after 300ms waiting for \/hang$/],
    ['an invalid JSON path', { path: '/stats', jsonPath: '$..x', condition: '>= 1' }, 'error', /^invalid JSON path "\$\.\.x"/],
  ];
  it.each(table)('%s', async (_name, input, phase, message) => {
    const m = await jsonCheck.run(ctx, spec(input));
    expect({ phase: m.phase, message: m.message }).toMatchObject({ phase, message: expect.stringMatching(message) });
  });

  it('sends headers with ${NAME} references and never shows their values', async () => {
    const m = await jsonCheck.run(ctx, spec({
      url: '${API_URL}/private', headers: { authorization: 'Bearer ${ANALYTICS_TOKEN}' }, jsonPath: '$.count', condition: '== 3',
    }));
    expect(m.phase).toBe('successful');
    expect(JSON.stringify(m)).not.toContain(TOKEN);
    expect(m.metadata?.url).toBe('${API_URL}/private');
    const unset = await jsonCheck.run(ctx, spec({ path: '/private', headers: { authorization: 'Bearer ${NOPE_TOKEN}' }, jsonPath: '$.count', condition: '== 3' }));
    expect(unset).toMatchObject({ phase: 'error', message: expect.stringMatching(/NOPE_TOKEN is not set .* in headers/) });
    const denied = await jsonCheck.run(ctx, spec({ path: '/private', jsonPath: '$.count', condition: '== 3' }));
    expect(denied).toMatchObject({ phase: 'error', message: 'HTTP 401 from /private: {"error":"unauthorized"}' });
  });

  it('POSTs a body', async () => {
    const m = await jsonCheck.run(ctx, spec({ path: '/query', method: 'POST', body: '{"kind":"HogQLQuery"}', jsonPath: '$.echo.kind', condition: '== HogQLQuery' }));
    expect(m.phase).toBe('successful');
  });

  it('reads ISO and epoch timestamps', () => {
    expect(readTimestamp('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(readTimestamp(1714557600)).toBe(Date.UTC(2024, 4, 1, 10));
    expect(readTimestamp('1714557600000')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(readTimestamp('yesterday')).toBeUndefined();
    expect(readTimestamp(null)).toBeUndefined();
  });

  it('refuses a spec without a condition or a window when the config loads', () => {
    const r = jsonCheckSchema.safeParse({ url: 'http://x', jsonPath: '$.a' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('give a condition, a freshness window (within), or both');
  });
});

providerContract('json', async () => ({
  provider: jsonCheck,
  ctx: { cwd: process.cwd(), env: {}, baseUrl },
  cases: [
    { name: 'fresh', spec: spec({ path: '/events/fresh', jsonPath: '$.results[1].timestamp', within: '10m' }), phase: 'successful' },
    { name: 'no data', spec: spec({ path: '/stats', jsonPath: '$.nope', condition: '> 0' }), phase: 'inconclusive' },
    { name: 'unreachable', spec: spec({ url: 'http://127.0.0.1:1/x', jsonPath: '$.a', condition: '> 0' }), phase: 'error' },
  ],
}));
