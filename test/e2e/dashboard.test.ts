/**
 * The dashboard in Debian's Chromium (playwright-core), over `runway serve` of the built CLI on the example app
 * with real deploys: sign in with a token, every page renders real data in light and dark, keyboard use, an
 * approval and a promotion made from the dashboard whose run page follows the live run over SSE (the monitor chart
 * grows while the monitor watches), a rollback with its reason, no CSP violation or page error, and no vault secret
 * in any body of a crawl of the running server. A screenshot of
 * each page is kept in test-artifacts/dashboard/ (gitignored; CI uploads it).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../src/checks/browser.js';
import { secretForms } from '../../src/secrets/encodings.js';
import { dotenvValues, parseDotenv } from '../../src/secrets/sources/dotenv-parse.js';
import { chromiumAvailability } from '../support/chromium.js';
import { makeProject, type TestProject } from './project.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(root, 'test-artifacts', 'dashboard');
const browserAvailable = chromiumAvailability();

// Production watches 8 s of probe traffic and needs one person's approval (not the release's starter).
const governed = (yaml: string) => yaml.replace(/^( {2}production:\n)/m, '$1' +
  '    monitor: { for: 8s, every: 500ms, window: 2s, minRequests: 3, errorRate: "< 50%", p95: false, crashes: false, probes: { rate: 20 }, onBreach: rollback }\n' +
  '    approvals: { required: 1, signatures: optional }\n');

describe.skipIf(!browserAvailable.available)('the dashboard in Chromium (shop-dashboard, runway serve)', { timeout: 300_000 }, () => {
  let p: TestProject;
  let serve: ReturnType<TestProject['spawnRunway']>;
  let url = '';
  let token = '';
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let v1 = '';
  let v2 = '';

  const shot = async (name: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    p = makeProject({ config: governed });
    // v1 in staging and production from the terminal, then v2 in staging: history for the pages
    expect((await p.runway(['deploy', 'staging'])).code).toBe(0);
    v1 = JSON.parse((await p.runway(['history', 'staging', '--json'])).stdout)[0].release.id;
    expect((await p.runway(['approve', 'production'], { env: { RUNWAY_ACTOR: 'lead@acme.test', RUNWAY_ACTOR_KIND: 'human' } })).code).toBe(0);
    expect((await p.runway(['promote', 'staging', 'production'])).code).toBe(0);
    p.edit('package.json', '"version": "1.0.0"', '"version": "2.0.0"');
    p.commit('shop-dashboard v2: <b>bold</b> release notes');
    expect((await p.runway(['deploy', 'staging'])).code).toBe(0);
    v2 = JSON.parse((await p.runway(['history', 'staging', '--json'])).stdout)[0].release.id;
    const created = await p.runway(['token', 'create', '--name', 'browser', '--scope', 'admin', '--owner', 'lead@acme.test']);
    token = created.stdout.trim();
    serve = p.spawnRunway(['serve', '--port', '0']);
    url = await new Promise<string>((resolve, reject) => {
      let err = '';
      serve.stderr!.on('data', (d) => {
        err += d;
        const m = /runway serve: (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      serve.once('exit', () => reject(new Error(`runway serve exited: ${err}`)));
    });
    browser = await chromium.launch({ executablePath: browserAvailable.path, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    await serve?.result;
    await p?.cleanup();
  });

  it('sends a visitor to sign in, refuses a wrong token, and signs in with a real one', async () => {
    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot('login');
    await page.fill('#token', 'rwy_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.press('#token', 'Enter');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('not valid');
    // the browser logs the refused sign-in's 401 as a failed resource: expected here, and only here
    problems.length = 0;
    await page.fill('#token', token);
    await page.press('#token', 'Enter');
    await page.waitForURL(`${url}/`);
    expect(await page.textContent('h1')).toBe('Overview');
  });

  it('shows each environment with its current release and health, in light and dark', async () => {
    const cards = await page.locator('.card').allTextContents();
    expect(cards[0]).toContain('staging');
    expect(cards[0]).toContain(v2);
    expect(cards[1]).toContain('production');
    expect(cards[1]).toContain(v1);
    expect(cards.join(' ')).toContain('healthy');
    await shot('overview-light');
    const light = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(dark).not.toBe(light);
    await shot('overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('is usable by keyboard: the first Tab reaches the skip link, which moves focus to the content', async () => {
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('main');
  });

  it('shows a release with its path through the environments and its (escaped) notes', async () => {
    await page.goto(`${url}/releases/${v2}`);
    const text = await page.textContent('main');
    expect(text).toContain('<b>bold</b> release notes');
    expect(await page.locator('main b').count()).toBe(0);
    expect(text).toMatch(/staging\s*passed/);
    expect(text).toMatch(/production:\s*not approved/);
    await shot('release');
  });

  it('approves v2 for production from its release page, then promotes it and follows the run live over SSE', async () => {
    await page.click('form[action="/actions/approve"]:has(input[name="env"][value="production"]) button');
    await page.waitForURL(/\/jobs\//);
    await expect.poll(() => page.textContent('#job-result'), { timeout: 60_000 }).toContain('exit code 0');
    await shot('action-approve');
    await page.goto(`${url}/releases/${v2}`);
    expect(await page.textContent('main')).toMatch(/production:\s*approved\s*by lead@acme.test/);

    await page.goto(`${url}/environments/production`);
    await shot('environment');
    await page.click('form[action="/actions/promote"] button');
    await page.waitForURL(/\/jobs\//);
    const runLink = page.locator('#job-run a');
    await runLink.waitFor({ timeout: 60_000 });
    await runLink.click();
    await page.waitForURL(/\/runs\//);
    expect(await page.getAttribute('#run', 'data-live')).toMatch(/^\/api\/runs\/.+\/events$/);
    // the monitor's windows arrive through the event stream and grow the chart while the run runs
    await expect.poll(() => page.locator('#live-chart rect').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    expect(await page.textContent('#outcome')).toContain('running');
    await shot('run-live');
    await expect.poll(async () => (await page.textContent('#outcome')) ?? '', { timeout: 120_000 }).toContain('successful');
    await page.waitForSelector('#run:not([data-live])', { timeout: 30_000 });
    expect(await page.textContent('main')).toContain('verified');
    expect(await page.locator('figure img[src*="/files/monitor"]').count()).toBe(1);
    await shot('run-finished');
  });

  it('rolls production back with a reason typed at the keyboard; the run records it and the token owner', async () => {
    await page.goto(`${url}/environments/production`);
    const reason = page.locator('form[action="/actions/rollback"] input[name="reason"]');
    await reason.focus();
    await page.keyboard.type('v2 <script>alert(1)</script> looks wrong');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/jobs\//);
    await expect.poll(() => page.textContent('#job-result'), { timeout: 120_000 }).toContain('exit code 0');
    await page.click('#job-run a');
    await page.waitForURL(/\/runs\//);
    const text = await page.textContent('main');
    expect(text).toContain('rollback in production');
    expect(text).toContain('lead@acme.test');
    expect(text).toContain('v2 <script>alert(1)</script> looks wrong');
    await shot('run-rollback');
    const env = JSON.parse((await p.runway(['status', '--json'])).stdout).environments.find((e: { environment: string }) => e.environment === 'production');
    expect(env.release).toBe(v1);
    // the server asks the target what serves, as runway status does (its answer is kept up to 5 s)
    await expect.poll(async () => {
      const api = await (await fetch(`${url}/api/environments/production`, { headers: { authorization: `Bearer ${token}` } })).json() as { environment: Record<string, unknown> };
      return api.environment;
    }, { timeout: 15_000 }).toMatchObject({ release: v1, serving: v1, health: 'healthy', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/) });
  });

  it('shows the runs list and the audit log with the dashboard actions and their actor', async () => {
    await page.goto(`${url}/runs?environment=production`);
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    await shot('runs');
    await page.goto(`${url}/audit`);
    const text = await page.textContent('main');
    expect(text).toContain('server.action');
    expect(text).toContain('lead@acme.test');
    await shot('audit');
  });

  it('a crawl of the running server (pages, API, evidence files it links) holds no form of any vault secret', async () => {
    const values = ['staging', 'production'].flatMap((env) =>
      [...dotenvValues(parseDotenv(readFileSync(join(p.dir, 'vault', env, 'app.env'), 'utf8'))).values()].map((e) => e.value));
    const forms = values.flatMap((v) => secretForms(v).map((f) => f.text));
    expect(forms.length).toBeGreaterThan(values.length);
    const seen = new Set<string>();
    const queue = ['/', '/runs', '/releases', '/audit', '/api/environments', '/api/releases', '/api/runs', '/api/audit'];
    while (queue.length && seen.size < 400) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.text();
      for (const form of forms) expect(body.includes(form), `${path} holds a secret`).toBe(false);
      for (const m of body.matchAll(/(?:href|src)="(\/[^"#]*)"/g)) queue.push(m[1]!.replace(/&amp;/g, '&'));
      for (const m of body.matchAll(/"id":"(\d{8}T\d{6}Z-[0-9a-f]+)"/g)) queue.push(`/api/runs/${m[1]}`);
    }
    expect(seen.size).toBeGreaterThan(30);
  });

  it('saw no CSP violation, console error or page error', () => {
    expect(problems).toEqual([]);
  });
});
