import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../errors.js';
import { canonicalJson, loadConfig, MAX_CONFIG_BYTES } from './load.js';
import { parseConfig } from './parse.js';
import { CHECK_KINDS, STEP_KINDS, STRING_STEP_KINDS, TARGET_KINDS } from './schema.js';
const STRING_STEPS = STRING_STEP_KINDS.join(', ');
const FLOW_HINT = ': quote values that contain [ ] { } , : or #, e.g. "$.results[0]", and close every [ and {';


const BASE = `project: shop
vars:
  GREETING: hello
environments:
  staging:
    target:
      local:
        start: node server.js
    checks:
      - http: { path: /health }
  production:
    requires: [staging]
    target:
      local:
        start: node server.js
pipeline:
  - run: npm test
  - deploy
  - checks
`;

/** Replaces `from` in the base config (which must occur exactly once) with `to`. */
function edit(from: string, to: string, text = BASE): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

/** Every issue of a failing parse, as `line:col path: message`. */
function issuesOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'runway.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((issue) => formatIssue(issue).replace(/^runway\.yaml:?/, ''));
  }
  throw new Error('expected a ConfigError');
}

/** Asserts that parsing `yaml` fails with exactly these issues. */
function expectError(expected: string | string[], yaml: string): void {
  expect(issuesOf(yaml)).toEqual([expected].flat());
}

describe('parseConfig errors', () => {
  const table: Array<[string, string | string[], string]> = [
    ['malformed YAML', `2:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]${FLOW_HINT}`, 'project: [shop\n'],
    ['tabs as indentation', '2:1 invalid YAML: Tabs are not allowed as indentation: indent with spaces', 'project: shop\n\tenvironments: {}\n'],
    ['empty file', ' is empty: add at least project and environments (see docs/config.md)', '\n# nothing yet\n'],
    ['a list at the top', '1:1 expected a mapping of keys (project, environments, …), got a list', '- staging\n- production\n'],
    ['several documents', '2:1 several YAML documents in one file ("---"): keep one', 'project: a\n---\nproject: b\n'],
    ['duplicate environment', ['11:3 environments: duplicate environment "staging"', '12:16 environments.staging.requires[0]: environment "staging" requires itself'], edit('  production:\n', '  staging:\n')],
    ['duplicate key', '2:1 duplicate key "project"', edit('vars:\n', 'project: other\nvars:\n')],
    ['unknown key with suggestion', '9:5 environments.staging: unknown key "chekcs" (did you mean "checks"?)', edit('    checks:\n', '    chekcs:\n')],
    ['unknown top-level key', '1:1 unknown key "projcet" (did you mean "project"?)', edit('project: shop', 'projcet: shop\nproject: shop')],
    ['unknown key without suggestion', '20:1 unknown key "owner"', `${BASE}owner: me\n`],
    ['wrong type', '9:15 environments.staging.target.local.port: expected number, got string "abc"', edit('        start: node server.js\n    checks', '        start: node server.js\n        port: abc\n    checks')],
    ['integer expected', '17:31 pipeline[0].retries: expected integer, got number 1.5', edit('  - run: npm test', '  - { run: npm test, retries: 1.5 }')],
    ['number out of range', '10:50 environments.staging.checks[0].http.expect.status: expected a number ≥ 100, got number 99', edit('{ path: /health }', '{ path: /health, expect: { status: 99 } }')],
    ['empty command', '17:10 pipeline[0].run: must not be empty', edit('  - run: npm test', '  - run: ""')],
    ['list expected', '12:15 environments.production.requires: expected list, got string "staging"', edit('requires: [staging]', 'requires: staging')],
    ['bad enum with suggestion', '10:40 environments.staging.checks[0].http.method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got string "GTE" (did you mean "GET"?)', edit('{ path: /health }', '{ path: /health, method: GTE }')],
    ['bad onFailure', '12:16 environments.production.onFailure: expected one of rollback, stop, got string "retry"', edit('  production:\n', '  production:\n    onFailure: retry\n')],
    ['bad duration', '10:39 environments.staging.checks[0].http.under: expected a duration such as 300ms, 5s, 10m or 1h, got string "5 minutes"', edit('{ path: /health }', '{ path: /health, under: 5 minutes }')],
    ['duration of the wrong type', '10:41 environments.staging.checks[0].http.timeout: expected a duration such as 300ms, 5s, 10m or 1h, got boolean true', edit('{ path: /health }', '{ path: /health, timeout: true }')],
    ['unknown step name', `18:5 pipeline[1]: expected one of ${STRING_STEPS}, got string "deplyo" (did you mean "deploy"?)`, edit('  - deploy\n', '  - deplyo\n')],
    ['step of the wrong type', `18:5 pipeline[1]: expected one of ${STRING_STEPS} or mapping, got number 42`, edit('  - deploy\n', '  - 42\n')],
    ['unknown key in a step', '17:5 pipeline[0]: unknown key "runn" (did you mean "run"?)', edit('  - run: npm test', '  - runn: npm test')],
    ['bad project name', '1:10 project: "Shop" is not valid: use lower-case letters, digits, "-" and "_", starting with a letter', edit('project: shop', 'project: Shop')],
    ['bad environment name', '5:3 environments: invalid environment name "Staging": use lower-case letters, digits, "-" and "_", starting with a letter', edit('  staging:\n    target', '  Staging:\n    target').replace('[staging]', '[Staging]')],
    ['bad URL', '12:10 environments.production.url: expected a full URL such as https://example.com, got string "shop.example.com"', edit('  production:\n', '  production:\n    url: shop.example.com\n')],
    ['missing project', '1:1 missing required key "project": name the project, e.g. project: shop', edit('project: shop\n', '')],
    ['missing target', '11:3 environments.production: missing required key "target": say where the environment runs, e.g. target: { local: { start: "node server.js" } }', edit('    target:\n      local:\n        start: node server.js\npipeline', 'pipeline')],
    ['missing start', '7:7 environments.staging.target.local: missing required key "start": the command that starts one instance of the app', edit('      local:\n        start: node server.js\n    checks', '      local:\n        port: 3000\n    checks')],
    ['empty target value', '6:5 environments.staging.target: expected mapping, got empty value', edit('    target:\n      local:\n        start: node server.js\n    checks', '    target:\n    checks')],
    ['missing environments', '1:1 missing required key "environments": add at least one environment (see docs/config.md#environments)', 'project: shop\n'],
    ['no environments', '2:15 environments: no environments: add at least one, e.g. staging (see docs/config.md#environments)', 'project: shop\nenvironments: {}\n'],
    ['check without provider', `10:9 environments.staging.checks[0]: check has no provider: add one of ${CHECK_KINDS.join(', ')}`, edit('- http: { path: /health }', '- name: health')],
    ['check with two providers', '10:9 environments.staging.checks[0]: check has several providers (http, command): use one per check', edit('- http: { path: /health }', '- { http: { path: /health }, command: { run: "true" } }')],
    ['gate without provider', `12:13 environments.production.gates[0]: check has no provider: add one of ${CHECK_KINDS.join(', ')}`, edit('  production:\n', '  production:\n    gates: [{}]\n')],
    ['step without kind', `17:5 pipeline[0]: step has no kind: add one of ${STEP_KINDS.join(', ')}`, edit('  - run: npm test', '  - { name: tests }')],
    ['step with two kinds', '17:5 pipeline[0]: step has several kinds (run, deploy): split it into one step per kind', edit('  - run: npm test', '  - { run: npm test, deploy: }')],
    ['target without kind', `6:13 environments.staging.target: target has no kind: add one of ${TARGET_KINDS.join(', ')}`, edit('    target:\n      local:\n        start: node server.js\n    checks', '    target: {}\n    checks')],
    ['unknown target kind', '6:15 environments.staging.target: unknown key "mainframe"', edit('    target:\n      local:\n        start: node server.js\n    checks', '    target: { mainframe: {} }\n    checks')],
    ['requires unknown environment', '12:16 environments.production.requires[0]: unknown environment "stagin" (did you mean "staging"?)', edit('[staging]', '[stagin]')],
    ['requires, far from any name', '12:16 environments.production.requires[0]: unknown environment "qa": the environments are staging, production', edit('[staging]', '[qa]')],
    ['requires itself', '12:25 environments.production.requires[1]: environment "production" requires itself', edit('[staging]', '[staging, production]')],
    ['requires a later environment', '6:16 environments.staging.requires[0]: "production" is listed after "staging": promotion order is the order of environments in the file, so move "production" above "staging"', edit('  staging:\n', '  staging:\n    requires: [production]\n', edit('    requires: [staging]\n', ''))],
    ['requires cycle', '6:16 environments.staging.requires[0]: requires cycle: staging → production → staging', edit('  staging:\n', '  staging:\n    requires: [production]\n')],
    ['when.env unknown', '17:35 pipeline[0].when.env: unknown environment "prod" (did you mean "production"?)', edit('  - run: npm test', '  - { run: npm test, when: { env: prod } }')],
    ['when.env list entry unknown', '17:48 pipeline[0].when.env[1]: unknown environment "stagign" (did you mean "staging"?)', edit('  - run: npm test', '  - { run: npm test, when: { env: [production, stagign] } }')],
    ['unknown variable', '17:10 pipeline[0].run: unknown variable "vars.GREETNG" (did you mean "vars.GREETING"?)', edit('  - run: npm test', '  - run: echo ${{ vars.GREETNG }}')],
    ['unknown built-in', '8:16 environments.staging.target.local.start: unknown built-in "runway.sah" (did you mean "runway.sha"?)', edit('        start: node server.js\n    checks', '        start: node server.js --sha ${{ runway.sah }}\n    checks')],
    ['unknown namespace', '10:23 environments.staging.checks[0].http.path: unknown reference "${{ foo.bar }}": use ${{ vars.NAME }} or one of runway.env, runway.project, runway.release, runway.sha, runway.url', edit('{ path: /health }', '{ path: "${{ foo.bar }}" }')],
    ['secret reference', '17:10 pipeline[0].run: "${{ secrets.TOKEN }}" is not a Runway reference: environment variables and secrets reach commands as $TOKEN', edit('  - run: npm test', '  - run: deploy ${{ secrets.TOKEN }}')],
    ['unclosed reference', '17:10 pipeline[0].run: unclosed "${{": end the reference with "}}"', edit('  - run: npm test', '  - run: echo ${{ vars.GREETING')],
    ['variable referencing a variable', '3:13 vars.GREETING: variables cannot reference other variables ("vars.OTHER"): repeat the value or use a runway.* built-in', edit('GREETING: hello', 'GREETING: ${{ vars.OTHER }}')],
    ['variable of one environment in the shared pipeline', '18:10 pipeline[0].run: unknown variable "vars.DB" in environment "production": define it under vars or environments.production.vars', edit('  - run: npm test', '  - run: migrate ${{ vars.DB }}', edit('  staging:\n', '  staging:\n    vars: { DB: db }\n'))],
    ['header reference checked in its environment', '10:58 environments.staging.checks[0].http.headers.Authorization: unknown variable "vars.TOKEN": define it under vars (or the environment\'s vars)', edit('{ path: /health }', '{ path: /health, headers: { Authorization: "Bearer ${{ vars.TOKEN }}" } }')],
    [
      'every problem at once, in file order',
      [
        '1:10 project: "Shop" is not valid: use lower-case letters, digits, "-" and "_", starting with a letter',
        '9:5 environments.staging: unknown key "chekcs" (did you mean "checks"?)',
        '12:16 environments.production.requires[0]: unknown environment "stagin" (did you mean "staging"?)',
        `18:5 pipeline[1]: expected one of ${STRING_STEPS}, got string "deplyo" (did you mean "deploy"?)`,
      ],
      edit('project: shop', 'project: Shop', edit('checks:\n      -', 'chekcs:\n      -', edit('[staging]', '[stagin]', edit('  - deploy\n', '  - deplyo\n')))),
    ],
  ];
  it.each(table)('%s', (_name, expected, yaml) => expectError(expected, yaml));

  it('refuses YAML alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      const prev = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    expectError(' too many YAML alias expansions (over 100): this looks like an alias bomb; use fewer anchors (&) and aliases (*)', `${lines.join('\n')}\n`);
  });

  it('reports without a stack trace', () => {
    try {
      parseConfig('project: [', 'runway.yaml');
    } catch (err) {
      expect((err as Error).message).not.toMatch(/\n\s+at /);
      return;
    }
    throw new Error('expected a ConfigError');
  });
});

describe('parseConfig on valid files', () => {
  it('applies defaults', () => {
    const config = parseConfig(BASE, 'runway.yaml');
    expect(config.environments.staging!.target.local).toMatchObject({ health: '/health', port: 0, startTimeout: '60s' });
    expect(config.environments.staging!.checks[0]!.http).toMatchObject({ method: 'GET', expect: { status: 200 }, timeout: '10s' });
    expect(config.defaults).toEqual({ timeout: '10m', retries: 1 });
    expect(config.pipeline).toEqual([{ run: 'npm test', continueOnError: false }, 'deploy', 'checks']);
    expect(Object.keys(config.environments)).toEqual(['staging', 'production']);
  });

  it('keeps references for plan time, also in URL fields', () => {
    const yaml = edit('  production:\n', '  production:\n    url: https://${{ vars.HOST }}/app\n    vars: { HOST: shop.example.com }\n');
    const config = parseConfig(edit('  - run: npm test', '  - run: echo ${{ vars.GREETING }} ${HOME} $PORT', yaml), 'runway.yaml');
    expect(config.environments.production!.url).toBe('https://${{ vars.HOST }}/app');
    expect(config.pipeline[0]).toMatchObject({ run: 'echo ${{ vars.GREETING }} ${HOME} $PORT' });
  });

  it('accepts a shared-pipeline variable where every environment running the step defines it', () => {
    const yaml = edit('  staging:\n', '  staging:\n    vars: { DB: db }\n');
    expect(() => parseConfig(edit('  - run: npm test', '  - { run: "migrate ${{ vars.DB }}", when: { env: staging } }', yaml), 'x')).not.toThrow();
  });

  it('follows anchors and merge keys', () => {
    const yaml = `project: shop
environments:
  staging:
    target:
      local: &local { start: node server.js, port: 4000 }
  production:
    target:
      local:
        <<: *local
        port: 4001
`;
    const config = parseConfig(yaml, 'runway.yaml');
    expect(config.environments.production!.target.local).toMatchObject({ start: 'node server.js', port: 4001 });
    expect(issuesOf(yaml.replace('port: 4001', 'port: "4001"'))).toEqual([
      '10:15 environments.production.target.local.port: expected number, got string "4001"',
    ]);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runway-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Loads and returns the formatted issues of the failure. */
  async function loadIssues(opts: { dir: string; file?: string }): Promise<string[]> {
    const err = await loadConfig(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatIssue);
  }

  it('loads runway.yaml with its label, text and digest', async () => {
    writeFileSync(path.join(dir, 'runway.yaml'), BASE);
    const loaded = await loadConfig({ dir });
    expect(loaded).toMatchObject({ file: path.join(dir, 'runway.yaml'), label: 'runway.yaml', projectDir: dir, text: BASE });
    expect(loaded.digest).toMatch(/^[0-9a-f]{64}$/);
    const reordered = BASE.replace('project: shop\nvars:\n  GREETING: hello\n', 'vars:\n  GREETING: hello\nproject: shop\n');
    expect(parseConfig(reordered, 'x')).toEqual(loaded.config);
    writeFileSync(path.join(dir, 'reordered.yaml'), reordered);
    expect((await loadConfig({ dir, file: 'reordered.yaml' })).digest).toBe(loaded.digest);
  });

  it('names a file in a subdirectory relative to the project', async () => {
    mkdirSync(path.join(dir, 'deploy'), { recursive: true });
    writeFileSync(path.join(dir, 'deploy', 'runway.yaml'), 'project: shop\nenvironments: {}\n');
    expect(await loadIssues({ dir, file: 'deploy/runway.yaml' })).toEqual([
      'deploy/runway.yaml:2:15 environments: no environments: add at least one, e.g. staging (see docs/config.md#environments)',
    ]);
  });

  it('says how to fix a missing file', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(await loadIssues({ dir: empty })).toEqual([
      `runway.yaml not found in ${empty}: create one (see docs/config.md) or pass --config <file>`,
    ]);
  });

  it('refuses a directory and a file over 1 MiB', async () => {
    expect(await loadIssues({ dir, file: 'deploy' })).toEqual(['deploy is a directory: pass the config file with --config <file>']);
    writeFileSync(path.join(dir, 'big.yaml'), `project: shop\n${'#'.repeat(MAX_CONFIG_BYTES)}\n`);
    expect(await loadIssues({ dir, file: 'big.yaml' })).toEqual([
      `big.yaml is ${MAX_CONFIG_BYTES + 15} bytes, over the 1 MiB limit for a config file: keep data out of runway.yaml`,
    ]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
