/**
 * End to end: made-up secrets (with `/ ! @ % + =` and a multi-line PEM key) printed by steps, by the app and
 * typed into `--reason`, then every file under `.runway/` (evidence, agent logs, the SQLite files after the
 * store is closed), the journal and everything the CLI printed are searched for every form of every secret.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretForms } from '../../src/secrets/encodings.js';
import { makeProject, type TestProject } from './project.js';

const SECRETS = {
  SHOP_API_KEY: 'made-up/s3cret+value!@%=42x',
  STRIPE_SECRET_KEY: 'sk_test_9f/3k!Zq@x%2B=Lm7Yt',
  TLS_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B+/AQEFAASC=\nBKcwggSjAgEAAoIBAQC7/Vx1!@\n-----END PRIVATE KEY-----',
};

// Prints the secrets in many forms: raw, base64, percent, JSON, printf %q inside JSON, and one byte every 70 ms.
const LEAK = `
const { execFileSync } = require('node:child_process');
const k = process.env.SHOP_API_KEY, s = process.env.STRIPE_SECRET_KEY, pem = process.env.TLS_PRIVATE_KEY;
const q = execFileSync('bash', ['-c', 'printf "%q" "$1"', '_', s]).toString();
console.log('raw ' + k + ' ' + s);
console.log('base64 ' + Buffer.from(k).toString('base64') + ' basic ' + Buffer.from('user:' + s).toString('base64'));
console.log('url ' + encodeURIComponent(k) + ' dsn postgres://app:' + encodeURIComponent(s) + '@db/x');
console.log(JSON.stringify({ k, pem, cmd: 'psql ' + q }));
console.error(pem);
(async () => {
  await new Promise((r) => setTimeout(r, 200));
  for (const c of 'slow ' + k + '\\n') { process.stdout.write(c); await new Promise((r) => setTimeout(r, 70)); }
  if (process.argv[2] === 'fail') { console.error('failing with ' + s); process.exit(1); }
})();
`;

// The app prints its secrets at start-up (into the agent's app log), then serves as usual.
const APP = `import './leak.cjs';\nimport './server.js';\n`;

/** Lists every file below a directory. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('no secret anywhere Runway writes', { timeout: 300_000 }, () => {
  let p: TestProject;
  afterAll(async () => {
    await p?.cleanup();
  });

  it('deploy, a failing deploy, a rollback with a secret in --reason, status, history and state export leave no form of any secret', async () => {
    p = makeProject({
      env: SECRETS,
      config: (yaml) => yaml
        .replace(/start: node server\.js/g, 'start: node app.mjs')
        .replace(/pipeline:[\s\S]*$/, [
          'pipeline:',
          '  - run: node leak.cjs',
          '  - run: if [ -f fail-now ]; then node leak.cjs fail; fi',
          '  - deploy',
          '  - checks',
          '',
        ].join('\n')),
    });
    p.write('leak.cjs', LEAK);
    p.write('app.mjs', APP);
    p.write('.gitignore', `${p.read('.gitignore')}fail-now\n`);
    p.commit('an app that prints its secrets');
    const first = await p.runway(['deploy', 'staging']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('raw [REDACTED:SHOP_API_KEY] [REDACTED:STRIPE_SECRET_KEY]');
    expect(first.stderr).toContain('slow [REDACTED:SHOP_API_KEY]');
    p.write('CHANGELOG.md', 'v2\n');
    p.commit('v2');
    const second = await p.runway(['deploy', 'staging']);
    expect(second.code, second.stderr).toBe(0);
    p.write('fail-now', '');
    const failing = await p.runway(['deploy', 'staging', '--allow-dirty']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('failing with [REDACTED:STRIPE_SECRET_KEY]');
    const rollback = await p.runway(['rollback', 'staging', '--reason', `leaked ${SECRETS.SHOP_API_KEY} and ${encodeURIComponent(SECRETS.STRIPE_SECRET_KEY)}`]);
    expect(rollback.code, rollback.stderr).toBe(0);
    for (const args of [['status', '--json'], ['history'], ['history', '--json'], ['state', 'export']]) {
      const r = await p.runway(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const exported = p.outputs.find((o) => o.includes('state-export'));
    expect(exported).toContain('leaked [REDACTED:SHOP_API_KEY] and [REDACTED:STRIPE_SECRET_KEY]');
    // the agent and its apps stop, so their logs are complete; every CLI run closed the store
    await p.runway(['down']);
    const logs = walk(join(p.dir, '.runway')).filter((f) => f.includes('/agent/logs/'));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.map((f) => readFileSync(f, 'utf8')).join('\n')).toContain('raw [REDACTED:SHOP_API_KEY] [REDACTED:STRIPE_SECRET_KEY]');
    const texts: [string, string][] = [
      ...p.outputs.map((o, i): [string, string] => [`output ${i}`, o]),
      ...walk(join(p.dir, '.runway')).map((f): [string, string] => [relative(p.dir, f), readFileSync(f, 'latin1')]),
      ['journal', p.read('deploy/journal.md')],
    ];
    const found: string[] = [];
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const form of secretForms(value)) {
        const bytes = Buffer.from(form.text, 'utf8').toString('latin1');
        for (const [where, text] of texts) if (text.includes(bytes)) found.push(`${name} (${form.kind} form) in ${where}`);
      }
    }
    expect(found).toEqual([]);
  });
});
