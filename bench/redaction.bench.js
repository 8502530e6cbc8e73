// Redaction throughput: a 1 GiB stream of log-like text (with secrets in it now and then) piped through Runway's
// byte redactor (redactingTransform) holding 100 secrets in all their encoded forms, against a plain pass-through
// (a PassThrough transform) of the same generated stream into the same sink, in the same run — once into
// /dev/null and once into a log file, as step output is written. Build first (`npm run bench`).
// RUNWAY_BENCH_MB changes the stream size (default 1024).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Redactor } from '../dist/secrets/redact.js';
import { redactingTransform } from '../dist/secrets/redacting-streams.js';
import { mdTable, writeResult } from './result.js';

const MB = 1024 * 1024;
const TOTAL_MB = Number(process.env.RUNWAY_BENCH_MB ?? 1024);
const CHUNK = 64 * 1024;
const SECRETS = 100;
const ROUNDS = 3;
const log = (line) => process.stdout.write(`${line}\n`);

/** 100 made-up secrets shaped like real ones: tokens, keys with symbols, DSN passwords, a few multi-line keys. */
function makeSecrets() {
  const secrets = [];
  for (let i = 0; i < SECRETS; i++) {
    const token = randomBytes(24).toString('base64url');
    const value =
      i % 10 === 0 ? `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----`
        : i % 4 === 0 ? `p@ss:${token.slice(0, 12)}/+=!${i}`
          : i % 3 === 0 ? `sk_live_${token}`
            : `made-up-${token}`;
    secrets.push({ name: `SECRET_${String(i).padStart(3, '0')}`, value });
  }
  return secrets;
}

/** 8 MiB of log lines; one line in 500 carries a secret in one of its forms (raw, base64, URL, JSON). */
function makePool(secrets) {
  const lines = [];
  let size = 0;
  let n = 0;
  while (size < 8 * MB) {
    n++;
    let line = `2024-05-02T10:11:${String(n % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}Z info request id=${n.toString(36)} ` +
      `GET /api/orders?page=${n % 97} status=200 duration=${n % 300}ms user=u${n % 5000} region=fra`;
    if (n % 500 === 0) {
      const s = secrets[n % secrets.length].value;
      const forms = [s, Buffer.from(`svc:${s}`).toString('base64'), encodeURIComponent(s), JSON.stringify({ s })];
      line += ` leaked=${forms[(n / 500) % forms.length]}`;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The generated stream: TOTAL_MB of 64 KiB slices of the pool, read in a cycle (no copies). */
function source(pool) {
  const total = TOTAL_MB * MB;
  let sent = 0;
  let offset = 0;
  return new Readable({
    highWaterMark: CHUNK * 4,
    read() {
      while (sent < total) {
        const size = Math.min(CHUNK, total - sent, pool.length - offset);
        const chunk = pool.subarray(offset, offset + size);
        offset = (offset + size) % pool.length;
        sent += size;
        if (!this.push(chunk)) return;
      }
      this.push(null);
    },
  });
}

/** Pipes the generated stream through `transform` into `path`; MB/s and bytes written. */
async function measure(pool, transform, path) {
  const sink = createWriteStream(path, { highWaterMark: CHUNK * 4 });
  const started = performance.now();
  await pipeline(source(pool), transform, sink);
  const seconds = (performance.now() - started) / 1000;
  return { mbPerSecond: TOTAL_MB / seconds, seconds, bytesOut: sink.bytesWritten };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const secrets = makeSecrets();
const redactor = new Redactor(secrets);
const forms = redactor.table('bytes');
const pool = makePool(secrets);
const sample = redactor.redact(pool.subarray(0, 2 * MB).toString());
if (!sample.includes('[REDACTED:') || secrets.some((s) => sample.includes(s.value))) throw new Error('redaction check failed on the sample');
log(`${SECRETS} secrets → ${forms.maxLen ? 'compiled' : 'no'} forms, longest ${forms.maxLen} bytes; stream ${TOTAL_MB} MiB in ${CHUNK / 1024} KiB chunks`);

const dir = mkdtempSync(join(tmpdir(), 'runway-bench-redaction-'));
const sinks = [['/dev/null', '/dev/null'], ['a log file', join(dir, 'step.log')]];
const measured = [];
let bytesOut = 0;
try {
  for (const [label, path] of sinks) {
    const pass = [];
    const red = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const p = await measure(pool, new PassThrough({ highWaterMark: CHUNK * 4 }), path);
      const r = await measure(pool, redactingTransform(redactor, { idleFlushMs: 0 }), path);
      pass.push(p.mbPerSecond);
      red.push(r.mbPerSecond);
      bytesOut = r.bytesOut;
      log(`${label}, round ${round}: pass-through ${p.mbPerSecond.toFixed(0)} MB/s (${p.seconds.toFixed(2)} s), redaction ${r.mbPerSecond.toFixed(0)} MB/s (${r.seconds.toFixed(2)} s)`);
    }
    measured.push({ sink: label, passThroughMBps: Math.round(median(pass)), redactionMBps: Math.round(median(red)), ratio: Number((median(red) / median(pass)).toFixed(3)) });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const results = {
  streamMiB: TOTAL_MB, chunkKiB: CHUNK / 1024, secrets: SECRETS, longestFormBytes: forms.maxLen, rounds: ROUNDS, goal: 0.5,
  sinks: measured.map((m) => ({ ...m, meetsGoal: m.ratio >= 0.5 })), redactedBytesOut: bytesOut, inputBytes: TOTAL_MB * MB,
  load: loadavg().map((l) => Number(l.toFixed(2))),
};
const pct = (r) => `${(r * 100).toFixed(0)} %`;
const markdown = [
  `A ${TOTAL_MB} MiB generated log stream (64 KiB chunks; one line in 500 carries a secret in raw, base64, URL or JSON form), piped`,
  `once through a plain \`PassThrough\` and once through \`redactingTransform\` holding ${SECRETS} secrets in all their encoded forms`,
  `(raw, per line, base64/base64url at every offset, percent, JSON, shell), into /dev/null and into a log file. Median of ${ROUNDS}`,
  'alternating rounds per sink.',
  '',
  mdTable(['sink', 'pass-through MB/s', `redaction MB/s (${SECRETS} secrets)`, 'redaction / pass-through', 'goal ≥ 50 %'],
    measured.map((m) => [m.sink, String(m.passThroughMBps), String(m.redactionMBps), pct(m.ratio), m.ratio >= 0.5 ? 'met' : 'not met'])),
  '',
  'Into /dev/null the pass-through only hands buffers along (no copy, no real write), so it measures the pipeline\'s own',
  'ceiling; into a file both pipelines pay for the write, as step logs do. Redacted output:',
  `${bytesOut} bytes of ${TOTAL_MB * MB}; load average during the run: ${results.load.join(', ')} (the numbers move with it).`,
].join('\n');
writeResult('redaction', 'Redaction throughput', results, markdown);
