#!/usr/bin/env node
/**
 * `npm run build`: tsc, then the CLI bundle. tsc writes dist/: the library (dist/index.js and its .d.ts) and what
 * library users spawn. It writes it even when it reports type errors, so the bundle is written then too (the CLI
 * never runs older code than dist/ holds), and the build still fails with tsc's exit code.
 *
 * The bundle: esbuild bundles src/cli/main.ts, and the local agent's entry that the CLI spawns, into dist/.chunks/
 * — ESM for Node 20, one chunk per lazily imported part, so a command still loads only what it imports — and
 * rolldown groups those chunks into dist/bundle/ (see PATHS), so that a command's start loads a few files instead of
 * dozens. bin/runway.js runs it. Whitespace and syntax are minified (names are kept, and the source maps beside each
 * file map back to src/): a command parses less before it starts.
 *
 * dist/bundle/ sits two folders below the checkout, like src/cli/ and dist/cli/, so every module-relative lookup
 * (package.json for the version, src/store/migrations/, agent-main.js beside the agent client) resolves the same
 * from src (tests), from tsc's dist and from the bundle. dist/bundle/meta.json, in the shape of esbuild's
 * metafile, says which sources and packages each file holds (the lazy-load test reads it). The bundle carries a
 * build id (a digest of the sources, the lock file and the build's scripts): the parsed-config cache uses an entry
 * only from the same build.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { groupChunks } from './group-chunks.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist', 'bundle');
// esbuild's chunks, before they are grouped into dist/bundle/
const chunkdir = join(root, 'dist', '.chunks');

const tsc = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' });
if (tsc.error) throw tsc.error;

// Loaded from node_modules at run time: native addons and WASM (their files sit beside their code), playwright-core
// (large, and only the browser check uses it), and pg's optional drivers, which it requires only when asked for.
const EXTERNAL = ['better-sqlite3', '@electric-sql/pglite', 'playwright-core', 'pg-native', 'pg-cloudflare'];

// Bundled CommonJS packages (commander, pg) call require(): an ESM chunk has none, so each chunk makes its own.
const banner = "import { createRequire as __runwayCreateRequire } from 'node:module';\n" +
  'const require = __runwayCreateRequire(import.meta.url);';

// zod's namespace re-exports every locale (360 kB of the 1.4 MB that `runway validate` loads, all parsed at start);
// Runway's messages are English (zod's default), so the bundle's `z.locales` holds English alone.
const englishZodLocales = {
  name: 'english-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/node_modules\/zod\/v4\/(classic|core)$/.test(args.resolveDir)) return undefined;
      return { path: relative(root, join(args.resolveDir, '../locales/index.js')), namespace: 'zod-en' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) =>
      ({ contents: 'export { default as en } from "./en.js";\n', resolveDir: join(root, dirname(args.path)), loader: 'js' }));
  },
};

// `await import('undici')` of a bundled CommonJS package: esbuild's lazy chunk exports only `default` (it cannot
// know module.exports' keys), where Node gives named exports too. This wraps such imports in a module that names
// each key, read from the package itself at build time.
const namedCommonJsExports = {
  name: 'named-commonjs-exports',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:') || isExternal(args.path)) return undefined;
      const resolved = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
      if (resolved.errors.length > 0 || !isCommonJs(resolved.path)) return undefined;
      return { path: relative(root, resolved.path), namespace: 'cjs-named' };
    });
    b.onLoad({ filter: /.*/, namespace: 'cjs-named' }, (args) => {
      const file = join(root, args.path);
      const names = Object.keys(createRequire(file)(file)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      return {
        contents: `import m from ${JSON.stringify(`./${basename(file)}`)};\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`,
        resolveDir: dirname(file), loader: 'js',
      };
    });
  },
};

// pg's stream.js asks whether it runs on Cloudflare Workers by constructing a `Response`, which makes Node load its
// own bundled fetch implementation (about 13 ms of CPU) in every process that connects to a shared store. The CLI
// runs on Node only (pg-cloudflare is not bundled), so the bundle answers that question with false.
const pgOnNode = {
  name: 'pg-on-node',
  setup(b) {
    b.onLoad({ filter: /node_modules\/pg\/lib\/stream\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const patched = text.replace('function isCloudflareRuntime() {', 'function isCloudflareRuntime() {\n  return false');
      if (patched === text) throw new Error(`scripts/build.js: ${args.path} no longer has isCloudflareRuntime(): review the pg-on-node plug-in`);
      return { contents: patched, loader: 'js' };
    });
  },
};

// commander requires node:child_process at load only to spawn stand-alone subcommand executables, which Runway has
// none of. Loading it brings net, dgram and the stream internals into every command (several ms of CPU before
// anything runs); the bundle's commander requires it when it would first spawn.
const commanderLazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /node_modules\/commander\/lib\/command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`scripts/build.js: ${args.path} no longer requires node:child_process as it did: review the commander-lazy-child-process plug-in`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

// The build's id, which the parsed-config cache keys its entries on (src/config/cache.ts): a digest of every source
// file, the locked dependencies and the build's scripts, so a change to any of them makes earlier entries misses.
function buildId() {
  const hash = createHash('sha256');
  const files = readdirSync(join(root, 'src'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).sort()
    .map((f) => join('src', f));
  for (const file of ['package.json', 'package-lock.json', 'scripts/build.js', 'scripts/group-chunks.js', ...files]) {
    hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

rmSync(chunkdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts', 'agent-main': 'src/targets/local/agent-main.ts' },
  outdir: chunkdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  banner: { js: banner },
  define: { __RUNWAY_BUILD__: JSON.stringify(buildId()) },
  plugins: [englishZodLocales, namedCommonJsExports, pgOnNode, commanderLazyChildProcess],
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
});

const bundledNative = nativePackages(result.metafile);
if (bundledNative.length > 0) {
  throw new Error(`scripts/build.js: ${bundledNative.join(', ')} ship .node or .wasm files, which a bundle cannot ` +
    'carry: add them to EXTERNAL');
}
const grouped = await groupChunks(result.metafile, { root, chunkdir, outdir });
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(grouped));
rmSync(chunkdir, { recursive: true, force: true });
process.exitCode = tsc.status ?? 1;

// True when a specifier names an EXTERNAL package or a file inside one.
function isExternal(specifier) {
  return EXTERNAL.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

// True when Node loads a file as CommonJS: .cjs, or .js under a package.json without "type": "module".
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type !== 'module';
  }
  return true;
}

// Packages bundled into a chunk that ship a native addon or a WASM file (expected: none).
function nativePackages(metafile) {
  // An input's key is its path from the checkout, after a plug-in's namespace if any (`zod-en:node_modules/…`).
  const packages = new Set(Object.keys(metafile.inputs).map((key) => key.replace(/^[\w-]+:/, '')).flatMap((input) =>
    [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => input.slice(0, m.index + m[0].length))));
  return [...packages].filter((dir) => hasNativeFile(join(root, dir))).map((dir) => relative(root, dir));
}

// True when a folder holds a .node or .wasm file at any depth.
function hasNativeFile(dir) {
  return readdirSync(dir, { recursive: true }).some((f) => /\.(node|wasm)$/.test(String(f)));
}
