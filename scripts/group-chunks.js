/**
 * The second stage of `npm run build` (scripts/build.js): rolldown groups the chunks esbuild split the CLI into, so
 * that a command's start loads a few files instead of dozens.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { rolldown } from 'rolldown';

/**
 * Node's ES module loader costs about a millisecond per file on these machines, whatever its size, and esbuild
 * makes one chunk per set of lazy entry points that share code: a rollback loaded about 70 of them before its
 * switch, 100 ms of a 400 ms rollback. So rolldown regroups esbuild's chunks into dist/bundle/ by the paths that
 * matter for start-up: each path below is the static closure of its entry sources, and the chunks on these paths
 * are grouped by which of the paths load them. A path then loads exactly the code it loaded before, only in a few
 * files (a chunk that every one of its paths loads goes with the others that the same paths load). Chunks on none
 * of these paths (the database, the monitor, the hosted targets, the code of most check and step kinds, the MCP
 * server, …) stay as esbuild split them, loaded when first used.
 */
const PATHS = {
  // every command: the CLI, its command registry and commander
  main: ['src/cli/main.ts'],
  validate: ['src/cli/validate.ts'],
  // the config parser (yaml, zod and every schema), loaded when the parsed-config cache has no entry
  parse: ['src/config/parse.ts'],
  // deploy and promote up to the lock claim, which refuses a locked environment early
  deploy: ['src/cli/deploy.ts'],
  promote: ['src/cli/promote.ts'],
  status: ['src/cli/status.ts'],
  history: ['src/cli/history.ts'],
  rollback: ['src/cli/rollback.ts'],
  // a project opened: config, secrets, store, the targets' definitions
  project: ['src/engine/context.ts'],
  // a run up to its first step and after it, the steps a deploy and a rollback run, the local target's client
  run: ['src/engine/deploy.ts', 'src/engine/release.ts', 'src/store/releases.ts', 'src/governance/gate.ts', 'src/governance/policy-gate.ts',
    'src/evidence/bundle.ts', 'src/notify/run-events.ts', 'src/engine/apply.ts', 'src/evidence/anchor.ts', 'src/governance/release-log.ts',
    'src/steps/rollback.ts', 'src/steps/deploy.ts', 'src/steps/checks.ts', 'src/targets/local/index.ts'],
};

/**
 * Groups esbuild's chunks (in `chunkdir`, with their source maps) into `outdir` with rolldown; returns a metafile of
 * esbuild's shape for the result: each output file with the sources and packages it holds, its imports and its
 * entry point. `root` is the checkout (the metafile's paths are relative to it).
 */
export async function groupChunks(metafile, { root, chunkdir, outdir }) {
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js')));
  const entryOutput = new Map(Object.entries(outputs).filter(([, o]) => o.entryPoint).map(([file, o]) => [o.entryPoint, file]));
  const closure = (start) => {
    const seen = new Set([start]);
    for (const file of seen) for (const i of outputs[file].imports) if (i.kind === 'import-statement' && outputs[i.path]) seen.add(i.path);
    return seen;
  };
  // the paths that load each chunk; the two entry scripts stay files of their own (the agent's runs the agent)
  const pathsOf = new Map();
  for (const [path, entries] of Object.entries(PATHS)) {
    for (const entry of entries) {
      const file = entryOutput.get(entry);
      if (!file) throw new Error(`scripts/build.js: ${entry} (path ${path}) is not loaded lazily any more: review PATHS`);
      for (const chunk of closure(file)) pathsOf.set(chunk, new Set([...(pathsOf.get(chunk) ?? []), path]));
    }
  }
  for (const entry of ['main.js', 'agent-main.js']) pathsOf.delete(relative(root, join(chunkdir, entry)));
  const groupOf = new Map([...pathsOf].map(([chunk, paths]) => [chunk, [...paths].join('.')]));
  const fromRoot = (id) => relative(root, id);
  const bundle = await rolldown({
    input: { main: join(chunkdir, 'main.js'), 'agent-main': join(chunkdir, 'agent-main.js') },
    // what esbuild left external stays so; oxc's helpers (below) are bundled
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@oxc-project/runtime/'),
    platform: 'node',
    // esbuild's output is already what Node 20 runs: nothing to lower. A tagged template that holds `</script` (the
    // dashboard's page layout) is still rewritten, with the same strings, through oxc's taggedTemplateLiteral helper
    transform: { target: 'node20' },
    // the entries' exports stay as they are; a group may add some (what another group imports from it)
    preserveEntrySignatures: 'allow-extension',
    // esbuild's source maps, so that the output's maps lead back to src/
    plugins: [{ name: 'esbuild-chunks', load: (id) => (id.startsWith(chunkdir) ? { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') } : null) }],
    onLog(level, log, handler) {
      // hdr-histogram-js's eval('require("zlib")…'), which esbuild bundled as it is
      if (log.code !== 'EVAL') handler(level, log);
    },
  });
  // the chunks of earlier builds go (their names carry a content hash)
  rmSync(outdir, { recursive: true, force: true });
  const { output } = await bundle.write({
    dir: outdir, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true,
    minify: { compress: false, mangle: false },
    // a group holds its own chunks only: what they import is on at least the same paths, so in a group of its own
    // (groups cannot import each other in a circle, as a chunk's paths include its importer's)
    codeSplitting: { groups: [{ debugName: 'paths', name: (id) => groupOf.get(fromRoot(id)) ?? null, test: (id) => groupOf.has(fromRoot(id)),
      includeDependenciesRecursively: false }] },
  });
  await bundle.close();
  const grouped = { inputs: metafile.inputs, outputs: {} };
  for (const chunk of output.filter((o) => o.type === 'chunk')) {
    const inputs = {};
    for (const id of chunk.moduleIds) Object.assign(inputs, outputs[fromRoot(id)]?.inputs);
    grouped.outputs[relative(root, join(outdir, chunk.fileName))] = {
      bytes: Buffer.byteLength(chunk.code), inputs,
      imports: [...chunk.imports.map((f) => ({ path: relative(root, join(outdir, f)), kind: 'import-statement' })),
        ...chunk.dynamicImports.map((f) => ({ path: relative(root, join(outdir, f)), kind: 'dynamic-import' }))],
      ...(chunk.isEntry ? { entryPoint: outputs[fromRoot(chunk.facadeModuleId)]?.entryPoint } : {}),
    };
  }
  return grouped;
}
