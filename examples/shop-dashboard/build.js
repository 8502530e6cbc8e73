// Build step of the example app: renders dist/index.html and dist/build.json from src/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const template = readFileSync(new URL('./src/index.html', import.meta.url), 'utf8');
mkdirSync(new URL('./dist/', import.meta.url), { recursive: true });
writeFileSync(new URL('./dist/index.html', import.meta.url), template.replaceAll('{{version}}', pkg.version));
// A "fault" in package.json is a build flag for Runway's monitoring demo (see fault.js); normal builds have none.
writeFileSync(new URL('./dist/build.json', import.meta.url), JSON.stringify({ version: pkg.version, ...(pkg.fault ? { fault: pkg.fault } : {}) }));
console.log(`built shop-dashboard ${pkg.version}`);
