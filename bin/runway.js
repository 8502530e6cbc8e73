#!/usr/bin/env node
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('runway: the build output is missing; run `npm run build` in the runway checkout first\n');
    process.exit(2);
  }
  throw err;
});
