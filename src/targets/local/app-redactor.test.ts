import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretForms } from '../../secrets/encodings.js';
import { appRedactor } from './app-redactor.js';
import { killStrays, removeDirs, tempDir } from './fixtures.case.js';
import { freePort } from './ports.js';
import { AppProcess } from './supervisor.js';

const root = tempDir('app-redactor');
afterAll(() => {
  killStrays(root);
  removeDirs(root);
});

const SENT = 'sk_live_9f/3k!Zq@x%2B=Lm';
const OWN = 'ghp_agentOwnToken_0123456789';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

// An app that prints its secrets (raw, base64, JSON, one byte at a time with pauses) on both streams, then fails.
const APP = `
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { STRIPE_SECRET_KEY: k, TLS_PRIVATE_KEY: pem, GITHUB_TOKEN: own } = process.env;
const text = 'key ' + k + '\\nbasic ' + Buffer.from('user:' + k).toString('base64') + '\\njson ' + JSON.stringify({ k, pem }) +
  '\\npem\\n' + pem + '\\nown ' + own + ' ' + Buffer.from(own).toString('base64') + '\\n';
for (const byte of Buffer.from(text)) { process.stdout.write(Buffer.from([byte])); if (byte % 7 === 0) await sleep(3); }
process.stderr.write('fatal: cannot use ' + k + '\\n');
process.exit(3);`;

describe('app logs of the local agent', () => {
  it('hold no form of the secrets a deploy sent or the agent inherited, also in the start failure message', async () => {
    const dir = join(root, 'releases', 'leaky');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.mjs'), APP);
    const received = { STRIPE_SECRET_KEY: SENT, TLS_PRIVATE_KEY: PEM, SHORT: 'abc' };
    const own = { ...process.env, GITHUB_TOKEN: OWN };
    const port = await freePort();
    const logFile = join(root, 'logs', 'leaky.log');
    const app = new AppProcess({ releaseId: 'leaky', dir, command: 'node app.mjs', port, healthPath: '/health',
      env: { ...own, ...received, PORT: String(port) }, logFile, redactor: appRedactor(received, own) });
    await app.start();
    const err = String(await app.waitHealthy(20_000).catch((e: Error) => e));
    await app.stop(1000);
    const log = readFileSync(logFile, 'utf8');
    expect(err).toMatch(/exited with code 3 before becoming healthy/);
    expect(err).toContain('fatal: cannot use [REDACTED:STRIPE_SECRET_KEY]');
    expect(log).toContain('key [REDACTED:STRIPE_SECRET_KEY]\nbasic dXNlcjp[REDACTED:STRIPE_SECRET_KEY]');
    expect(log).toContain('own [REDACTED:GITHUB_TOKEN] [REDACTED:GITHUB_TOKEN]');
    for (const value of [SENT, PEM, OWN]) {
      for (const form of secretForms(value)) {
        expect(log, `${form.kind} form in the log`).not.toContain(form.text);
        expect(err, `${form.kind} form in the error`).not.toContain(form.text);
      }
    }
  });

  it('masks values the deploy sent of 8 or more characters and secret-looking names of the agent itself', () => {
    const r = appRedactor({ A: 'long enough value', B: 'short' }, { API_TOKEN: 'agent-token-123', HOME: '/home/someone' });
    expect(r.names).toEqual(['A', 'API_TOKEN']);
  });
});
