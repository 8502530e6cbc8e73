/** The maintenance answer on its own: HTML or JSON by the request's Accept, the message escaped, HEAD without a body. */
import { describe, expect, it } from 'vitest';
import { parseRequestHead, type RequestHead } from './http1.js';
import { escapeHtml, maintenanceResponse, prefersJson } from './maintenance.js';

const head = (lines: string): RequestHead => {
  const parsed = parseRequestHead(lines);
  if ('status' in parsed) throw new Error(parsed.reason);
  return parsed;
};
const mode = { message: '<script>alert(1)</script>', retryAfter: 120, since: '2026-03-30T08:00:00.000Z' };

describe('maintenance page', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['application/json', true],
    ['application/problem+json', true],
    ['text/html,application/json;q=0.9', false],
    ['application/json, text/html;q=0.5', true],
    ['application/json;q=0, text/plain', false],
    ['application/json;q=0.5, */*;q=0.5', true],
  ])('Accept %j prefers JSON: %s', (accept, json) => {
    expect(prefersJson(accept)).toBe(json);
  });

  it('escapes every HTML special character', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  });

  it('is a complete 503 with Retry-After, no-store and a body whose length matches', () => {
    const text = maintenanceResponse(mode, 'production', head('GET / HTTP/1.1\r\nHost: x'), false);
    const [top, body] = text.split('\r\n\r\n');
    expect(top!.split('\r\n')).toEqual(['HTTP/1.1 503 Service Unavailable', 'content-type: text/html; charset=utf-8',
      `content-length: ${Buffer.byteLength(body!)}`, 'retry-after: 120', 'cache-control: no-store', 'x-runway-maintenance: on', 'connection: keep-alive']);
    expect(body).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(body).not.toContain('<script>');
  });

  it('answers JSON when asked, HEAD without a body, and a default message without one', () => {
    const json = maintenanceResponse(mode, 'production', head('GET /api HTTP/1.1\r\nAccept: application/json'), true);
    expect(json).toContain('connection: close');
    expect(JSON.parse(json.split('\r\n\r\n')[1]!)).toEqual({ error: 'maintenance', environment: 'production', message: mode.message, retryAfter: 120,
      since: mode.since });
    const bare = maintenanceResponse({ retryAfter: 5, since: mode.since }, 'staging', head('HEAD / HTTP/1.1'), false);
    expect(bare.endsWith('\r\n\r\n')).toBe(true);
    expect(bare).toMatch(/content-length: [1-9]\d+/);
    expect(maintenanceResponse({ retryAfter: 5, since: mode.since }, 'staging', head('GET / HTTP/1.1'), false)).toContain('staging is down for maintenance.');
  });
});
