/**
 * What the built CLI loads: `runway --version` and `--help` load no dependency that a command needs, `validate`
 * none that deploys need, and the read commands none of the deploy-only ones. Each run is the real CLI (the bundle
 * in dist/bundle/) in a child process with a preload that records every file it loads (ESM through a loader hook,
 * CommonJS through require.cache). A bundle file counts as every source and package it holds, from the build's
 * metafile (dist/bundle/meta.json); the assertions are on those lists, never on timings.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { BIN } from './project.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./module-log.mjs', import.meta.url));

/** Needed by some commands only: none may load for --version or --help. */
const COMMAND_DEPENDENCIES = ['@modelcontextprotocol/sdk', 'hono', '@hono/node-server', 'playwright-core', '@electric-sql/pglite', 'better-sqlite3', 'pg', 'undici', 'execa',
  'hdr-histogram-js', '@prometheus-io/lezer-promql', 'zod', 'yaml'];
/** Needed by deploys, checks, monitors and the state store: none may load for validate. */
const RUN_DEPENDENCIES = ['@modelcontextprotocol/sdk', 'hono', '@hono/node-server', 'playwright-core', '@electric-sql/pglite', 'better-sqlite3', 'pg', 'undici', 'execa', 'hdr-histogram-js'];
/** Needed by runs and checks only: none may load for a read command (the store's driver is the store's choice). */
const READ_FORBIDDEN = ['@modelcontextprotocol/sdk', 'hono', '@hono/node-server', 'playwright-core', 'execa', 'hdr-histogram-js', '@prometheus-io/lezer-promql'];

/** The code of the check and step kinds, which loads when a check or step of the kind first runs. */
const IMPLEMENTATIONS = [
  ...['http', 'http-series', 'command', 'sql', 'tables', 'rls', 'connect', 'prometheus', 'json', 'browser'].map((k) => `checks/${k}.js`),
  ...['run', 'deploy', 'checks', 'rollback', 'migrate', 'backup', 'monitor'].map((k) => `steps/${k}.js`),
  'exec/runner.js',
];

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Packages with at least one loaded file or bundled module, nested ones included (`a/node_modules/b` → a and b). */
  packages: Set<string>;
  /** Runway's own modules loaded, by their path in tsc's dist/ (`cli/main.js` for src/cli/main.ts). */
  own: string[];
  /** Files of tsc's dist/ loaded directly (expected: none, the CLI runs from the bundle). */
  unbundled: string[];
  /** Node's own modules the process loaded (`child_process`, `internal/crypto/hash`, …). */
  builtins: Set<string>;
}

/** The build's metafile: for each output file, the inputs (paths from the checkout) it holds and their bytes. */
interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

let work: string;
let meta: Metafile;

// Packages named by a path (`node_modules/a/node_modules/@b/c/x.js` → a, @b/c).
function packagesOf(path: string): string[] {
  return [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]!);
}

// The modules a loaded file stands for: a bundle file, the inputs whose code it holds; any other, itself.
function modulesOf(file: string): string[] {
  const key = relative(root, file);
  if (!key.startsWith('dist/bundle/')) return [file];
  const output = meta.outputs[key];
  if (!output) throw new Error(`${key} is not in dist/bundle/meta.json: run \`npm run build\` again`);
  return Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0)
    .map(([input]) => join(root, input.replace(/^[\w-]+:/, '')));
}

// Runs the built CLI with the module-recording preload.
function runLogged(args: string[], cwd: string): Loaded {
  const log = join(work, `modules-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], {
    cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', RUNWAY_MODULE_LOG: log, RUNWAY_ACTOR: 'lazy@runway.test' },
  });
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const builtins = new Set(lines.filter((l) => l.startsWith('builtin:')).map((l) => l.slice('builtin:'.length)));
  const files = lines.filter((l) => !l.startsWith('builtin:')).map((l) => (l.startsWith('file:') ? fileURLToPath(l) : l));
  const modules = files.flatMap(modulesOf);
  const src = join(root, 'src') + '/';
  const dist = join(root, 'dist') + '/';
  return {
    code: r.status, stdout: r.stdout, stderr: r.stderr,
    packages: new Set(modules.flatMap(packagesOf)),
    own: modules.filter((m) => m.startsWith(src)).map((m) => m.slice(src.length).replace(/\.ts$/, '.js')),
    unbundled: files.filter((f) => f.startsWith(dist) && !f.startsWith(`${dist}bundle/`)),
    builtins,
  };
}

// The forbidden packages a run loaded (expected: none).
function loadedOf(run: Loaded, forbidden: string[]): string[] {
  return forbidden.filter((p) => run.packages.has(p));
}

beforeAll(() => {
  const metafile = join(root, 'dist', 'bundle', 'meta.json');
  if (!existsSync(metafile)) throw new Error('dist/bundle/ is missing: run `npm run build` first (npm test does)');
  meta = JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
  work = mkdtempSync(join(tmpdir(), 'runway-lazy-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('runway --version and --help', () => {
  it('--version prints package.json\'s version and loads nothing of the CLI', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = runLogged([flag], work);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
      expect(run.own).toEqual([]);
      expect([...run.packages]).toEqual([]);
    }
  });

  it('--help lists every command and loads none of their modules or dependencies', () => {
    for (const args of [['--help'], ['help'], []]) {
      const run = runLogged(args, work);
      expect(run.code, args.join(' ')).toBe(0);
      const help = run.stdout + run.stderr;
      for (const c of COMMANDS) expect(help, c.name).toMatch(new RegExp(`^  ${c.name}\\b`, 'm'));
      expect(loadedOf(run, COMMAND_DEPENDENCIES), args.join(' ')).toEqual([]);
      const commandModules = run.own.filter((f) => f.startsWith('cli/') && !['cli/main.js', 'cli/commands.js', 'cli/command-effects.js', 'cli/io.js', 'cli/version.js'].includes(f));
      expect(commandModules, args.join(' ')).toEqual([]);
    }
  });

  it('a command\'s --help loads its own module only', () => {
    const run = runLogged(['deploy', '--help'], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: runway deploy [options] [env]');
    expect(run.own).toContain('cli/deploy.js');
    // from the bundle: the chunks of main and deploy, not tsc's dist/cli/*.js
    expect(run.unbundled).toEqual([]);
    expect(run.own.filter((f) => /^cli\/(validate|status|rollback|state|up)\.js$/.test(f))).toEqual([]);
  });

  it('runway mcp --help loads neither the MCP SDK nor the server', () => {
    const run = runLogged(['mcp', '--help'], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: runway mcp [options]');
    expect(run.own).toContain('cli/mcp.js');
    expect(run.own.filter((f) => f.startsWith('mcp/'))).toEqual([]);
    expect(loadedOf(run, ['@modelcontextprotocol/sdk'])).toEqual([]);
  });
});

describe('runway validate', () => {
  it('checks a good and a bad config without loading what deploys need', () => {
    const good = runLogged(['validate', join(root, 'examples', 'shop-dashboard', 'runway.yaml')], work);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain('ok (2 environments');
    expect(loadedOf(good, RUN_DEPENDENCIES)).toEqual([]);
    // zod and yaml do load here: the assertion above is not vacuous
    expect(good.packages.has('zod') && good.packages.has('yaml')).toBe(true);
    expect(good.unbundled).toEqual([]);
    // nor Node's process spawning or crypto: a config is read and checked, nothing is run or hashed
    expect(good.builtins.has('fs'), 'the built-in list was recorded').toBe(true);
    expect(['child_process', 'crypto'].filter((m) => good.builtins.has(m))).toEqual([]);
    // the check and step kinds' definitions and schemas load, the code that measures and runs them does not
    expect(good.own).toEqual(expect.arrayContaining(['checks/kinds.js', 'steps/kinds.js', 'checks/http-schema.js']));
    expect(good.own.filter((f) => IMPLEMENTATIONS.includes(f))).toEqual([]);

    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'project: x\nenvironments:\n  staging:\n    target: { local: { start: node s.js } }\n    requires: [stagin]\n');
    const refused = runLogged(['validate', bad], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('unknown environment "stagin"');
    expect(loadedOf(refused, RUN_DEPENDENCIES)).toEqual([]);
  });
});

describe('read commands', () => {
  it('status --json and history --json on a new project load none of the run-only dependencies', () => {
    const project = mkdtempSync(join(work, 'project-'));
    cpSync(join(root, 'examples', 'shop-dashboard', 'runway.yaml'), join(project, 'runway.yaml'));
    const status = runLogged(['status', '--json'], project);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { environments: unknown[] }).environments).toHaveLength(2);
    // no agent runs here, so not even the HTTP client loads (it loads on the first call to an agent)
    expect(loadedOf(status, [...READ_FORBIDDEN, 'undici'])).toEqual([]);
    const history = runLogged(['history', '--json'], project);
    expect(history.code, history.stderr).toBe(0);
    // history asks no target, so not even the HTTP client loads
    expect(loadedOf(history, [...READ_FORBIDDEN, 'undici'])).toEqual([]);
  });
});

describe('the parsed-config cache', () => {
  it('a command on a config this build parsed before loads neither the YAML parser nor the config schema', () => {
    const project = mkdtempSync(join(work, 'cached-'));
    cpSync(join(root, 'examples', 'shop-dashboard', 'runway.yaml'), join(project, 'runway.yaml'));
    mkdirSync(join(project, '.runway'));
    const parser = (run: Loaded) => run.own.filter((f) => /^config\/(parse|schema|rules|issues|positions)\.js$/.test(f));
    const first = runLogged(['status', '--json'], project);
    expect(first.code, first.stderr).toBe(0);
    expect(first.packages.has('yaml')).toBe(true);
    expect(parser(first)).toEqual(expect.arrayContaining(['config/parse.js', 'config/schema.js']));
    expect(existsSync(join(project, '.runway', 'cache', 'config', 'runway.yaml.json'))).toBe(true);
    const again = runLogged(['status', '--json'], project);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(again.packages.has('yaml')).toBe(false);
    expect(again.packages.has('zod')).toBe(false);
    expect(parser(again)).toEqual([]);
    // an edit to the file, even a comment, is parsed again
    writeFileSync(join(project, 'runway.yaml'), `# edited\n${readFileSync(join(project, 'runway.yaml'), 'utf8')}`);
    const edited = runLogged(['status', '--json'], project);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.packages.has('yaml')).toBe(true);
  });
});

describe('runs from the parsed-config cache', () => {
  it('a deploy and a rollback on the local target load neither zod nor any schema', { timeout: 120_000 }, () => {
    const project = mkdtempSync(join(work, 'runs-'));
    writeFileSync(join(project, 'runway.yaml'), `project: cached-runs
environments:
  staging:
    target:
      local: { start: node server.js, health: /, hold: 5m }
pipeline: [deploy]
`);
    writeFileSync(join(project, 'server.js'), "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');\n");
    writeFileSync(join(project, '.gitignore'), '.runway/\n');
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=t@runway.test', '-c', 'user.name=t', ...args], { cwd: project });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'v1');
    mkdirSync(join(project, '.runway'));
    const schemas = (run: Loaded) => run.own.filter((f) => /(^config\/(parse|schema)|-schema|\/schemas?)\.js$/.test(f));
    try {
      // the first deploy parses the config (and loads zod) and keeps it: the assertions below are not vacuous
      const first = runLogged(['deploy', 'staging'], project);
      expect(first.code, first.stderr).toBe(0);
      expect(first.packages.has('zod')).toBe(true);
      expect(schemas(first)).toEqual(expect.arrayContaining(['config/parse.js', 'targets/schema.js', 'checks/schemas.js', 'steps/schemas.js']));
      git('commit', '-q', '--allow-empty', '-m', 'v2');
      const second = runLogged(['deploy', 'staging'], project);
      expect(second.code, second.stderr).toBe(0);
      const rollback = runLogged(['rollback', 'staging', '--reason', 'lazy-load test'], project);
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(rollback.stderr).toContain('pointer switch');
      for (const run of [second, rollback]) {
        expect(loadedOf(run, ['zod', 'yaml']), run.stderr).toEqual([]);
        expect(schemas(run)).toEqual([]);
        // the run machinery did load: these runs ran
        expect(run.own).toEqual(expect.arrayContaining(['engine/deploy.js', 'evidence/bundle.js', 'targets/local/index.js']));
      }
    } finally {
      spawnSync(process.execPath, [BIN, 'down'], { cwd: project, stdio: 'ignore', timeout: 60_000 });
    }
  });
});

describe('a run refused because another run holds the lock', () => {
  it('reads the lock and exits 3 without the schema, the run machinery, targets or secrets', { timeout: 120_000 }, async () => {
    const project = mkdtempSync(join(work, 'locked-'));
    const go = join(project, 'go');
    writeFileSync(join(project, 'runway.yaml'), `project: locked
environments:
  staging:
    target:
      command:
        deploy: { run: "for i in $(seq 1200); do [ -f '${go}' ] && break; sleep 0.05; done" }
        url: http://127.0.0.1:9/
pipeline: [deploy]
`);
    writeFileSync(join(project, '.gitignore'), '.runway/\ngo\n');
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=t@runway.test', '-c', 'user.name=t', ...args], { cwd: project });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'v1');
    const env = { ...process.env, NO_COLOR: '1', RUNWAY_ACTOR: 'holder@runway.test' };
    const holder = spawn(process.execPath, [BIN, 'deploy', 'staging'], { cwd: project, env, stdio: 'ignore' });
    const exited = new Promise((resolve) => holder.on('close', resolve));
    try {
      // the holder's lock, as runway status shows it
      let runId: string | undefined;
      for (let i = 0; i < 600 && !runId; i++) {
        const status = spawnSync(process.execPath, [BIN, 'status', '--json'], { cwd: project, env, encoding: 'utf8' });
        const staging = status.status === 0
          ? (JSON.parse(status.stdout) as { environments: Array<{ environment: string; lock?: { runId: string } | null }> }).environments.find((e) => e.environment === 'staging')
          : undefined;
        runId = staging?.lock?.runId;
        if (!runId) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(runId, 'the holder took the lock').toBeDefined();
      const refused = runLogged(['deploy', 'staging'], project);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toMatch(new RegExp(`staging is locked by run ${runId} \\(started \\S+ by holder@runway\\.test on \\S+, pid ${holder.pid}: runway deploy staging\\)`));
      expect(loadedOf(refused, ['zod', 'undici', 'execa', 'pg', 'playwright-core'])).toEqual([]);
      expect(refused.packages.has('better-sqlite3')).toBe(true);
      // the config's data came from the parsed-config cache the holder's status reads wrote: no YAML parser either
      expect(refused.packages.has('yaml')).toBe(false);
      const machinery = refused.own.filter((f) => /^(config\/schema|engine\/(context|deploy|apply|plan|release)|secrets\/resolve|evidence\/|steps\/|checks\/|targets\/)/.test(f));
      expect(machinery).toEqual([]);
    } finally {
      writeFileSync(go, '');
      await exited;
    }
  });
});
