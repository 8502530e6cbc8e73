#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// A reader that goes away (`runway schema | head`) is not an error: stop quietly, as cat does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

// `runway --version` alone prints package.json's version without loading the CLI (it runs in scripts and probes).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // The CLI bundle (scripts/build.js): a few files to load instead of a hundred.
  const bundle = new URL('../dist/bundle/main.js', import.meta.url);
  import(bundle.href).then((m) => m.main(process.argv)).catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && err.url === bundle.href) {
      process.stderr.write('runway: the build output is missing; run `npm run build` in the runway checkout first\n');
      process.exit(2);
    }
    throw err;
  });
}
