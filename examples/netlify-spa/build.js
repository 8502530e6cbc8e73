// Builds the SPA into dist/: the page and the runtime config the smoke checks read.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

mkdirSync('dist/api', { recursive: true });
writeFileSync('dist/index.html', readFileSync('src/index.html', 'utf8'));
writeFileSync('dist/api/runtime-config', JSON.stringify({ app: 'netlify-spa', builtAt: new Date().toISOString() }));
