/**
 * Bad input the loader must answer clearly: credentials pasted into the file (never quoted back), non-http URLs,
 * deep nesting, UTF-16 and binary files, a syntax error that would cascade, `x-` anchor keys, malformed PromQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../errors.js';
import { loadConfig } from './load.js';
import { parseConfig } from './parse.js';
import { jsonSchema, STRING_STEP_KINDS } from './schema.js';

const PASSWORD = 'Made-up!p@ss%2B=word';
const DSN = `postgres://app:${encodeURIComponent(PASSWORD)}@db.example.com:5432/app?sslmode=require`;
const TOKEN = 'ghp_MadeUpTokenMadeUpTokenMadeUpToken1234';
const ENV_SECRET = 'made-up-session-secret/with+chars=';
const ENV = { SESSION_SECRET: ENV_SECRET };
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), DSN, TOKEN, ENV_SECRET];

const HEAD = 'project: shop\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\n';

/** Every issue of a failing parse, as `line:col path: message`. */
function issuesOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'runway.yaml', { env: ENV });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((issue) => formatIssue(issue).replace(/^runway\.yaml:?/, ''));
  }
  throw new Error('expected a ConfigError');
}

/** Asserts the exact issues, and that none quotes a made-up secret in any form. */
function expectError(expected: string | string[], yaml: string): void {
  const issues = issuesOf(yaml);
  expect(issues).toEqual([expected].flat());
  for (const secret of SECRETS) expect(issues.join('\n')).not.toContain(secret);
}

const NOT_SHOWN = '(not shown: keep it in the vault or the environment)';
const NAME_EXPECTED = 'expected the name of an environment variable, e.g. SUPABASE_SERVICE_KEY';

describe('credentials in the file are never quoted back', () => {
  const table: Array<[string, string | string[], string]> = [
    ['a DSN where a required name belongs', `6:14 secrets.required[0]: ${NAME_EXPECTED}, got a URL with a password ${NOT_SHOWN}`, `${HEAD}secrets:\n  required: ["${DSN}"]\n`],
    ['a DSN in secrets.names', `6:11 secrets.names[0]: ${NAME_EXPECTED}, got a URL with a password ${NOT_SHOWN}`, `${HEAD}secrets:\n  names: ["${DSN}"]\n`],
    ['a token in secrets.names', `6:11 secrets.names[0]: ${NAME_EXPECTED}, got a value shaped like a GitHub token ${NOT_SHOWN}`, `${HEAD}secrets:\n  names: [${TOKEN}]\n`],
    ['a secret of the environment in secrets.allowShort', `6:16 secrets.allowShort[0]: ${NAME_EXPECTED}, got the value of secret SESSION_SECRET ${NOT_SHOWN}`, `${HEAD}secrets:\n  allowShort: ["${ENV_SECRET}"]\n`],
    ['a DSN as the project name', `1:10 project: a URL with a password ${NOT_SHOWN} is not valid: use lower-case letters, digits, "-" and "_", starting with a letter`, HEAD.replace('project: shop', `project: "${DSN}"`)],
    ['a DSN where a step name is expected', `6:5 pipeline[0]: expected one of ${STRING_STEP_KINDS.join(', ')}, got a URL with a password ${NOT_SHOWN}`, `${HEAD}pipeline:\n  - "${DSN}"\n`],
    ['a DSN as an environment name in requires', '6:16 environments.production.requires[0]: unknown environment "[a URL with a password, not shown]": the environments are staging, production', `${HEAD}  production:\n    requires: ["${DSN}"]\n    target: { local: { start: x } }\n`],
    ['a DSN as a top-level value', `1:1 expected a mapping of keys (project, environments, …), got a URL with a password ${NOT_SHOWN}`, `"${DSN}"\n`],
    ['a DSN in a key', '5:1 unknown key "[a URL with a password, not shown]"', `${HEAD}"${DSN}": 1\n`],
  ];
  it.each(table)('%s', (_, expected, yaml) => expectError(expected, yaml));

  it('still quotes a URL whose password is a placeholder', () => {
    expect(issuesOf(`${HEAD}secrets:\n  names: ["postgres://app:\${DB_PASSWORD}@db/app"]\n`).join('')).toContain('postgres://app:${DB_PASSWORD}@db/app');
  });

  it('secrets.names takes names only, and secrets.public names must not be secret names', () => {
    expect(parseConfig(`${HEAD}secrets:\n  names: [SHOP_API_KEY]\n  public: [SUPABASE_ORG_ID]\n`, 'runway.yaml').secrets.public).toEqual(['SUPABASE_ORG_ID']);
    expectError('7:12 secrets.public[0]: "SHOP_ID" is also listed under secrets.names: a name is either secret or public', `${HEAD}secrets:\n  names: [SHOP_ID]\n  public: [SHOP_ID]\n`);
  });
});

describe('bad input', () => {
  const deepFlow = `${HEAD}vars: { A: ${'['.repeat(1300)}${']'.repeat(1300)} }\n`;
  const deepBlock = `${HEAD}x-deep:\n${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} 1\n`;
  const table: Array<[string, string | string[], string]> = [
    ['an ftp URL in a json check', '6:22 environments.staging.checks[0].json.url: expected an http:// or https:// URL (not ftp:), got string "ftp://files.example.com/stats.json"', `${HEAD}    checks:\n      - json: { url: "ftp://files.example.com/stats.json", jsonPath: $.n, condition: ">= 1" }\n`],
    ['an ftp URL in an http check', '6:22 environments.staging.checks[0].http.url: expected an http:// or https:// URL (not ftp:), got string "ftp://example.com/health"', `${HEAD}    checks:\n      - http: { url: "ftp://example.com/health" }\n`],
    ['an ftp URL in a prometheus check', '6:28 environments.staging.checks[0].prometheus.url: expected an http:// or https:// URL (not ftp:), got string "ftp://127.0.0.1:9090"', `${HEAD}    checks:\n      - prometheus: { url: "ftp://127.0.0.1:9090", query: up, condition: ">= 1" }\n`],
    ['an ftp environment URL', '5:10 environments.staging.url: expected an http:// or https:// URL (not ftp:), got string "ftp://shop.example.com"', `${HEAD}    url: ftp://shop.example.com\n`],
    ['1,300-deep flow nesting', '5:794 nesting deeper than 64 levels: a runway.yaml needs far fewer; look for unclosed [ or { or runaway indentation', deepFlow],
    ['70-deep block nesting', '69:129 nesting deeper than 64 levels: a runway.yaml needs far fewer; look for unclosed [ or { or runaway indentation', deepBlock],
    // yaml reports 17 errors for this one unquoted value; only the first is useful.
    ['an unquoted JSON path in a flow mapping: one error, with a hint', '6:50 invalid YAML: Unexpected flow-seq-start at node end: quote values that contain [ ] { } , : or #, e.g. "$.results[0]", and close every [ and {', `${HEAD}    checks:\n      - json: { path: /stats, jsonPath: $.results[0].n, condition: ">= 1" }\n      - http: { path: /a }\n`],
    ['a NUL character', ' looks like a binary file (a NUL byte at offset 3), not YAML text: pass the config file with --config <file>, saved as UTF-8', 'pro\u0000ject: shop\n'],
    ['malformed PromQL', '6:60 environments.staging.checks[0].prometheus.query: invalid PromQL at character 16 of the query: the query ends too early (an unclosed (, { or [, or a missing operand?)', `${HEAD}    checks:\n      - prometheus: { url: "http://127.0.0.1:9090", query: "sum(rate(x[1m])", condition: "< 1" }\n`],
    ['PromQL with a stray token', '6:60 environments.staging.checks[0].prometheus.query: invalid PromQL at character 5 of the query: unexpected "bar"', `${HEAD}    checks:\n      - prometheus: { url: "http://127.0.0.1:9090", query: "foo bar", condition: "< 1" }\n`],
  ];
  it.each(table)('%s', (_, expected, yaml) => expectError(expected, yaml));

  it('accepts http(s) URLs, ${NAME} references and valid PromQL', () => {
    const yaml = `${HEAD}    url: https://shop.example.com\n    checks:\n      - json: { url: "\${STATS_URL}/v1", jsonPath: $.n, condition: ">= 1" }\n      - prometheus: { url: "http://127.0.0.1:9090", query: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="shop"}[5m])))', condition: "< 0.3" }\n`;
    expect(parseConfig(yaml, 'runway.yaml').environments.staging!.checks).toHaveLength(2);
  });

  it('ignores top-level x- keys and lets their anchors be reused', () => {
    const yaml = `project: shop\nx-smoke: &smoke\n  - http: { path: /health }\n  - http: { path: / }\nenvironments:\n  staging:\n    target: { local: { start: x } }\n    checks: *smoke\n  production:\n    target: { local: { start: x } }\n    checks: *smoke\n`;
    const config = parseConfig(yaml, 'runway.yaml');
    expect(config.environments.production!.checks).toHaveLength(2);
    expect(Object.keys(config)).not.toContain('x-smoke');
  });

  it('lets editors accept x- keys too (JSON Schema)', () => {
    expect(jsonSchema()).toMatchObject({ additionalProperties: false, patternProperties: { '^x-': {} } });
  });
});

describe('file encodings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runway-bad-input-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The one message loading `bytes` as runway.yaml gives. */
  async function messageOf(bytes: Buffer): Promise<string> {
    writeFileSync(path.join(dir, 'runway.yaml'), bytes);
    const err = await loadConfig({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));

  it.each([
    ['UTF-16 LE with BOM', utf16(HEAD), 'runway.yaml is UTF-16 encoded (it starts with a UTF-16 byte order mark): save it as UTF-8'],
    ['UTF-16 BE with BOM', Buffer.from(utf16(HEAD).swap16()), 'runway.yaml is UTF-16 encoded (it starts with a UTF-16 byte order mark): save it as UTF-8'],
    ['a binary file', binary, 'runway.yaml looks like a binary file (a NUL byte at offset 0), not YAML text: pass the config file with --config <file>, saved as UTF-8'],
    ['Latin-1 text', Buffer.from(`${HEAD}vars: { A: "caf\xe9" }\n`, 'latin1'), 'runway.yaml is not valid UTF-8 (at byte offset 103): save it as UTF-8'],
  ])('%s', async (_, bytes, expected) => {
    expect(await messageOf(bytes)).toBe(expected);
  });

  it('loads UTF-8 with a BOM', async () => {
    writeFileSync(path.join(dir, 'runway.yaml'), `\ufeff${HEAD}`);
    expect((await loadConfig({ dir })).config.project).toBe('shop');
  });

  it('caps an excerpt of a long multi-line value at one line of 120 characters', () => {
    const long = `${'y'.repeat(300)}\n${'z'.repeat(300)}`;
    const [issue] = issuesOf(`${HEAD}    onFailure: |\n      ${long.split('\n').join('\n      ')}\n`);
    expect(issue).toContain(`got string "${'y'.repeat(119)}…" (first line)`);
    expect(issue!.length).toBeLessThan(300);
  });
});
