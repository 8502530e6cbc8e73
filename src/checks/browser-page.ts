/**
 * What a page shows in its console and on the network while a browser check looks at it: console errors,
 * uncaught exceptions, requests that failed and responses of 400 and above. Ignore patterns apply to message text
 * and URLs, so a known third-party error can be accepted without allowing all of them.
 */
import type { Page } from 'playwright-core';

/** Problems seen so far; the arrays keep growing while the page is open. */
export interface PageProblems {
  consoleErrors: string[];
  failedRequests: string[];
}

/** Longest message kept for one problem. */
const MAX_TEXT = 300;

// Shortens a message to one line.
function short(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

// A URL without its query string (which may carry tokens) and without user info.
function bare(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.split('?')[0]!;
  }
}

/** Starts recording the page's problems. `ignore` patterns are tested against messages and full URLs. */
export function watchPage(page: Page, ignore: RegExp[]): PageProblems {
  const seen: PageProblems = { consoleErrors: [], failedRequests: [] };
  const ignored = (...texts: Array<string | undefined>) => texts.some((t) => t !== undefined && ignore.some((re) => re.test(t)));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url;
    // Chromium asks for /favicon.ico on its own and logs the 404; a visitor never sees it.
    if (where && /^\/favicon\.ico$/.test(new URL(where, 'http://x').pathname)) return;
    if (ignored(msg.text(), where)) return;
    seen.consoleErrors.push(short(where ? `${msg.text()} (${bare(where)})` : msg.text()));
  });
  page.on('pageerror', (error) => {
    if (ignored(error.message)) return;
    seen.consoleErrors.push(short(`uncaught ${error.name || 'Error'}: ${error.message}`));
  });
  page.on('requestfailed', (request) => {
    const why = request.failure()?.errorText ?? 'failed';
    // A navigation away or a closed page aborts pending requests; that is not the app failing.
    if (why === 'net::ERR_ABORTED' || ignored(request.url(), why)) return;
    seen.failedRequests.push(short(`${request.method()} ${bare(request.url())}: ${why}`));
  });
  page.on('response', (response) => {
    if (response.status() < 400 || ignored(response.url())) return;
    seen.failedRequests.push(short(`${response.request().method()} ${bare(response.url())} → ${response.status()}`));
  });
  return seen;
}
