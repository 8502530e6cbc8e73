// The example app for the benchmarks: examples/shop-dashboard copied into release directories and built with a
// version of its own, so the answers of two releases differ.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../examples/shop-dashboard/', import.meta.url));

/** Copies the example app to `dir`, sets its package.json version and runs its `node build.js`. */
export function buildApp(dir, version) {
  cpSync(source, dir, { recursive: true, filter: (path) => !['dist', 'node_modules', '.runway'].includes(basename(path)) });
  const pkgFile = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  writeFileSync(pkgFile, `${JSON.stringify({ ...pkg, version }, null, 2)}\n`);
  execFileSync(process.execPath, ['build.js'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** Rewrites the version an already built app reports (what `git pull && npm run build` would do in place). */
export function setBuiltVersion(dir, version) {
  writeFileSync(join(dir, 'dist', 'build.json'), JSON.stringify({ version }));
}

/** Waits until `url` answers 200 (polling every 50 ms), or throws after `timeoutMs`. */
export async function waitFor200(url, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
