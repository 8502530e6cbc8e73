/**
 * Preloaded into the netlify CLI under test (NODE_OPTIONS=--import): its fetch reaches loopback only. Requests
 * to Netlify's extension API (https://api.netlifysdk.com, which @netlify/config asks for a site's extensions)
 * go to the stand-in named by RUNWAY_NETLIFY_EXTENSIONS_URL; any other host is refused, so a test can never
 * reach a real platform.
 */
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);
const extensions = process.env.RUNWAY_NETLIFY_EXTENSIONS_URL;
const realFetch = globalThis.fetch;

globalThis.fetch = async function loopbackFetch(input, init) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
  if (loopback.has(url.hostname)) return realFetch(input, init);
  if (url.hostname === 'api.netlifysdk.com' && extensions) {
    return realFetch(`${extensions}/__extensions${url.pathname}${url.search}`, init);
  }
  throw new TypeError(`fetch to ${url.origin} refused: the netlify CLI under test may reach loopback only`);
};
