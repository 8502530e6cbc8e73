/**
 * The browser check: load a page in headless Chromium (playwright-core driving the system's Chromium, never a
 * downloaded one), then judge it as a person would — no console errors, no failed requests, these selectors
 * visible, those hidden, a click path that works — and keep a screenshot for the evidence. A page that is wrong is
 * `failed`; a page that cannot be loaded (refused, hung past the timeout, no Chromium) is `error`.
 */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { formatMs, toMs } from '../config/duration.js';
import { browserCheckSchema } from './schemas.js';
import type { BrowserCheckConfig } from './browser-schema.js';
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { displayUrl } from './check-definition.js';
import { watchPage, type PageProblems } from './browser-page.js';

// A measurement without its timestamps.
type Verdict = Omit<Measurement, 'startedAt' | 'finishedAt'>;

/** Flags for the system Chromium (headless is added by playwright; the profile is a fresh temp dir). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

/** The system Chromium: `RUNWAY_CHROMIUM`, else `chromium` or `chromium-browser` on PATH (as `command -v`). */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env.RUNWAY_CHROMIUM) return env.RUNWAY_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

// Builds the page URL from `url`, or the environment URL + `path`.
function resolveUrl(ctx: CheckContext, spec: BrowserCheckConfig): { url: string; label: string } | { problem: string } {
  if (spec.url) return { url: spec.url, label: displayUrl(spec.url) };
  if (!ctx.baseUrl) return { problem: 'no page to load: set `url`, or run the check against an environment with a URL' };
  const path = spec.path ?? '/';
  return { url: ctx.baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`), label: path };
}

// Loads the page and walks the spec; returns the problems found. `stage` says what it was doing, for timeouts.
async function inspect(page: Page, spec: BrowserCheckConfig, url: string, stage: { now: string }, meta: Record<string, unknown>): Promise<string[]> {
  const problems: string[] = [];
  const wait = toMs(spec.wait);
  const started = performance.now();
  const response = await page.goto(url, { waitUntil: 'load', timeout: 0 });
  meta.loadMs = Math.round(performance.now() - started);
  meta.status = response?.status();
  if (response && response.status() >= 400) problems.push(`page answered ${response.status()}`);
  stage.now = 'waiting for the page to settle';
  // Dashboards fetch their data after `load`; give them a bounded moment before judging.
  await page.waitForLoadState('networkidle', { timeout: wait }).catch(() => undefined);
  meta.title = await page.title();
  const expectVisible = async (selectors: string[]) => {
    for (const selector of selectors) {
      stage.now = `waiting for ${selector} to be visible`;
      const ok = await page.locator(selector).first().waitFor({ state: 'visible', timeout: wait }).then(() => true, rethrowSelector);
      if (!ok) problems.push(`${selector} not visible after ${spec.wait}`);
    }
  };
  await expectVisible(spec.visible);
  for (const selector of spec.hidden) {
    stage.now = `checking that ${selector} is hidden`;
    const ok = await page.locator(selector).first().waitFor({ state: 'hidden', timeout: wait }).then(() => true, rethrowSelector);
    if (!ok) problems.push(`${selector} is visible (${await page.locator(selector).count()} found)`);
  }
  for (const step of spec.click) {
    const selector = typeof step === 'string' ? step : step.selector;
    stage.now = `clicking ${selector}`;
    const clicked = await page.locator(selector).first().click({ timeout: wait }).then(() => true, rethrowSelector);
    if (!clicked) {
      problems.push(`could not click ${selector} within ${spec.wait}`);
      break;
    }
    await page.waitForLoadState('networkidle', { timeout: wait }).catch(() => undefined);
    if (typeof step !== 'string') await expectVisible(step.visible);
  }
  return problems;
}

// Playwright timeouts mean "not there"; anything else (a malformed selector, a closed page) is not ours to judge.
function rethrowSelector(error: unknown): false {
  if ((error as Error)?.name === 'TimeoutError') return false;
  throw error;
}

// The problems a page's console and network showed, unless allowed.
function pageProblems(spec: BrowserCheckConfig, seen: PageProblems): string[] {
  const out: string[] = [];
  const list = (items: string[]) => `${items.slice(0, 3).join('; ')}${items.length > 3 ? ` (and ${items.length - 3} more)` : ''}`;
  if (!spec.consoleErrors && seen.consoleErrors.length) out.push(`${seen.consoleErrors.length} console error(s): ${list(seen.consoleErrors)}`);
  if (!spec.failedRequests && seen.failedRequests.length) out.push(`${seen.failedRequests.length} failed request(s): ${list(seen.failedRequests)}`);
  return out;
}

// Loads and judges the page in a fresh Chromium profile; `run` turns anything it throws into phase error.
async function measure(ctx: CheckContext, raw: unknown): Promise<Verdict> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { phase: 'error', message: 'invalid browser check: expected an object such as { path: /dashboard, visible: [.tile] }' };
  }
  const parsed = browserCheckSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    return { phase: 'error', message: `invalid browser check: ${issues.join('; ')}` };
  }
  const spec = parsed.data;
  const ignore = spec.ignore.map((p) => new RegExp(p));
  const target = resolveUrl(ctx, spec);
  if ('problem' in target) return { phase: 'error', message: target.problem };
  const meta: Record<string, unknown> = { url: target.label };
  if (ctx.signal?.aborted) return { phase: 'error', message: 'cancelled before the page was loaded', metadata: meta };
  const executablePath = findChromium(ctx.env);
  if (!executablePath) {
    return { phase: 'error', message: 'Chromium not found: install it (apt-get install chromium) or set RUNWAY_CHROMIUM to its path', metadata: meta };
  }
  const timeoutMs = toMs(spec.timeout);
  const profile = await mkdtemp(join(tmpdir(), 'runway-chromium-'));
  const stage = { now: 'starting Chromium' };
  let context: BrowserContext | undefined;
  let closing: Promise<void> | undefined;
  // Playwright's second close() returns at once; everyone awaits the first, so the profile outlives Chromium.
  const close = (): Promise<void> => (context ? (closing ??= context.close().catch(() => undefined)) : Promise.resolve());
  let stopped: 'timeout' | 'cancelled' | undefined;
  const stop = (why: 'timeout' | 'cancelled') => {
    stopped ??= why;
    void close();
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = () => stop('cancelled');
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Loaded on first use: playwright-core costs every other command half a second of start-up.
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(profile, {
      executablePath, headless: true, args: CHROMIUM_ARGS, viewport: spec.viewport, timeout: timeoutMs,
    });
    if (stopped) throw new Error(stopped);
    const page = context.pages()[0] ?? (await context.newPage());
    const seen = watchPage(page, ignore);
    stage.now = `loading ${target.label}`;
    let problems: string[];
    try {
      problems = await inspect(page, spec, target.url, stage, meta);
    } catch (error) {
      if (stopped) throw error;
      const message = ((error as Error)?.message?.split('\n')[0] ?? String(error)).replace(/^[a-zA-Z]+\.[a-zA-Z]+: /, '');
      const where = stage.now.startsWith('loading') ? `could not load ${target.label}` : `error while ${stage.now}`;
      return { phase: 'error', message: `${where}: ${message}`, metadata: meta };
    }
    problems.push(...pageProblems(spec, seen));
    Object.assign(meta, { consoleErrors: seen.consoleErrors.slice(0, 20), failedRequests: seen.failedRequests.slice(0, 20) });
    if (spec.screenshot) {
      stage.now = 'taking the screenshot';
      const file = join(await mkdtemp(join(tmpdir(), 'runway-screenshot-')), 'page.png');
      await page.screenshot({ path: file, timeout: 10_000 });
      meta.screenshot = file;
    }
    if (problems.length) return { phase: 'failed', value: meta.status ?? null, message: problems.join('; '), metadata: meta };
    const checked = spec.visible.length + spec.hidden.length + spec.click.length;
    const message = `${target.label} loaded in ${formatMs(Number(meta.loadMs))}${checked ? `, ${checked} selector check(s) passed` : ''}, no console errors or failed requests`;
    return { phase: 'successful', value: meta.status ?? null, message, metadata: meta };
  } catch (error) {
    if (stopped === 'timeout') return { phase: 'error', message: `timed out after ${formatMs(timeoutMs)} while ${stage.now}`, metadata: meta };
    if (stopped === 'cancelled') return { phase: 'error', message: `cancelled while ${stage.now}`, metadata: meta };
    const message = (error as Error)?.message?.split('\n')[0] ?? String(error);
    return { phase: 'error', message: `browser check failed while ${stage.now}: ${message}`, metadata: meta };
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
    await close();
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined);
  }
}

/**
 * The browser check provider: value = the page's HTTP status; metadata = { url, status, loadMs, title,
 * consoleErrors, failedRequests, screenshot } where `screenshot` is a temporary PNG the checks step moves into
 * the evidence bundle.
 */
export const browserCheck: CheckProvider<BrowserCheckConfig> = {
  kind: 'browser',
  async run(ctx: CheckContext, spec: BrowserCheckConfig): Promise<Measurement> {
    const startedAt = new Date().toISOString();
    let verdict: Verdict;
    try {
      verdict = await measure(ctx, spec);
    } catch (error) {
      verdict = { phase: 'error', message: `browser check crashed: ${(error as Error)?.message ?? String(error)}` };
    }
    return { ...verdict, startedAt, finishedAt: new Date().toISOString() };
  },
};
