#!/usr/bin/env node
// A reader that goes away (`runway schema | head`) is not an error: stop quietly, as cat does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('runway: the build output is missing; run `npm run build` in the runway checkout first\n');
    process.exit(2);
  }
  throw err;
});
