// A probe loop for the benchmarks: one request at a time (the next one `gapMs` after the previous answer),
// recording which version answered each request and when it was sent. That is what tells when 100 % of the
// traffic has moved to a version. By default it keeps one connection alive; `fresh` opens a new connection per
// request (needed where the server, not the request, picks the instance: pm2's cluster mode pins a connection to
// one worker, so a single kept-alive connection would only ever see that worker).
import { Client } from 'undici';

/** Epoch milliseconds with sub-millisecond precision (comparable across processes of this machine). */
export const now = () => performance.timeOrigin + performance.now();

/**
 * Starts probing `origin + path`. `versionOf(headers, body)` names the version that answered; a request that fails
 * (non-2xx, socket error, no answer within `timeoutMs`) is a sample whose version is null.
 * `stop()` resolves with { samples: { sent, received, version }, failures: [{ at, detail }] }.
 */
export function startProbe({ origin, path = '/api/orders', versionOf, gapMs = 1, fresh = false, timeoutMs = 2000 }) {
  const client = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs });
  const samples = { sent: [], received: [], version: [] };
  const failures = [];
  let running = true;

  // Sends requests one after the other until stopped.
  const loop = (async () => {
    while (running) {
      const sent = now();
      let version = null;
      try {
        const res = await client.request({ path, method: 'GET', reset: fresh });
        const body = await res.body.text();
        if (res.statusCode >= 200 && res.statusCode <= 299) version = versionOf(res.headers, body);
        else failures.push({ at: now(), detail: `status ${res.statusCode}` });
      } catch (err) {
        failures.push({ at: now(), detail: err.code ?? err.message });
      }
      samples.sent.push(sent);
      samples.received.push(now());
      samples.version.push(version);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      await client.close();
      return { samples, failures };
    },
  };
}

/** Version from Runway's proxy header. */
export const releaseHeader = (headers) => String(headers['x-runway-release']);

/** Version from the example app's JSON body (what the app itself says it is). */
export const bodyVersion = (_headers, body) => JSON.parse(body).version;

/**
 * When traffic settled on `version` after `from` (and before `to`): the send time of the first answer from it
 * (`first`) and of the first request from which every request up to `to` was answered by it (`all`: a failed
 * request counts against it too); undefined if never.
 */
export function settledOn(samples, version, from, to) {
  let first;
  let all;
  for (let i = 0; i < samples.sent.length; i++) {
    const sent = samples.sent[i];
    if (sent < from || sent >= to) continue;
    if (samples.version[i] === version) {
      first ??= sent;
      all ??= sent;
    } else {
      all = undefined;
    }
  }
  return { first, all };
}
