/**
 * The agent's HTTP API on 127.0.0.1 (JSON; progress as NDJSON). Every request must carry the token from
 * agent.json in `x-runway-token`. Mutating calls stream `{"type":"log"}` lines, then one `{"type":"result"}` or
 * `{"type":"error"}` line. A deploy whose client disconnects before traffic moved is aborted cleanly.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { localTargetSchema } from './schema.js';
import type { Agent } from './agent.js';
import { TOKEN_HEADER } from './agent-state.js';
import type { DeployRequest } from './environment.js';
import type { MaintenanceMode } from './maintenance.js';

/** One line of a streamed answer. */
export type StreamLine =
  | { type: 'log'; line: string; at: string }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string; badInput?: boolean };

const ENV_NAME = /^[a-z][a-z0-9_-]*$/;
const REQUEST_BATCH_MS = 20;
const MAX_BODY = 1_000_000;

/** Creates (does not start) the API server of `agent`. */
export function createApiServer(agent: Agent, token: string): Server {
  const expected = Buffer.from(token);
  return createServer((req, res) => {
    const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(res, 401, { error: 'bad token' });
    route(agent, req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, { error: err.message });
      else res.end();
    });
  });
}

// Dispatches one API request.
async function route(agent: Agent, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  const parts = url.pathname.split('/').filter(Boolean);
  const method = req.method ?? 'GET';
  if (parts[0] !== 'v1') return send(res, 404, { error: 'not found' });
  if (parts[1] === 'ping') return send(res, 200, { pid: process.pid, startedAt: agent.startedAt, restoring: agent.restoring });
  if (parts[1] === 'status' && method === 'GET') {
    const environments = await Promise.all(agent.list().map((env) => env.status()));
    return send(res, 200, { pid: process.pid, startedAt: agent.startedAt, restoring: agent.restoring, environments });
  }
  if (parts[1] === 'events' && method === 'GET') return follow(res, (write) => agent.onEvent((e) => write(e)));
  if (parts[1] === 'shutdown' && method === 'POST') {
    send(res, 200, { pid: process.pid });
    res.on('finish', () => void agent.shutdown());
    return;
  }
  if (parts[1] !== 'environments' || !parts[2] || !ENV_NAME.test(parts[2])) return send(res, 404, { error: 'not found' });
  const name = parts[2];
  const known = agent.find(name);
  const action = `${method} ${parts[3] ?? ''}`;
  switch (action) {
    case 'GET ':
    case 'GET status':
      return send(res, 200, known ? await known.status() : { environment: name, versions: [], restarts: 0 });
    case 'GET releases':
      return send(res, 200, known ? known.releases() : []);
    case 'GET requests':
      // Request records are batched (at most 20 ms late): one write per batch, not one per proxied request.
      return follow(res, (write) => agent.environment(name).proxy.onRequest(write), REQUEST_BATCH_MS);
  }
  if (agent.closingDown) return send(res, 503, { error: 'the runway agent is shutting down' });
  switch (action) {
    case 'POST deploy': {
      const body = parseDeploy(await readJson(req));
      if (typeof body === 'string') return send(res, 400, { error: body });
      const before = known?.current?.releaseId;
      const asked = Date.now();
      return stream(res, agent, async (log, signal) => {
        const result = await agent.environment(name).deploy(body, log, signal);
        if (result.releaseId !== before) agent.metrics.observeSwitch(name, Math.max(0, Date.parse(result.switchedAt) - asked) / 1000);
        return result;
      });
    }
    case 'POST switch': {
      const body = (await readJson(req)) as { releaseId?: unknown };
      if (typeof body?.releaseId !== 'string') return send(res, 400, { error: 'releaseId is required' });
      const releaseId = body.releaseId;
      return stream(res, agent, async (log) => {
        if (!known) return { switched: false, reason: `release ${releaseId} is not running in ${name}` };
        const before = known.current?.releaseId;
        const result = await known.switchTo(releaseId, log);
        if (result.switched && before !== releaseId) agent.metrics.observeRollback(name, (result.durationMs ?? 0) / 1000);
        return result;
      });
    }
    case 'POST maintenance': {
      const mode = parseMaintenance(await readJson(req));
      if (typeof mode === 'string') return send(res, 400, { error: mode });
      const env = agent.environment(name);
      env.proxy.maintenance = mode ?? undefined;
      agent.emit(mode ? `maintenance on (retry after ${mode.retryAfter} s)` : 'maintenance off', name);
      await agent.persist();
      return send(res, 200, { environment: name, maintenance: mode ?? null });
    }
    case 'POST stop':
      return stream(res, agent, async (log) => (await known?.stop(log), { stopped: true }));
    default:
      return send(res, 404, { error: `unknown call ${action.trim()}` });
  }
}

// Streams a mutating call's progress lines, then its outcome, as NDJSON; the signal aborts when the client goes
// away. state.json is written before the outcome (or the error), so what the client was told is what an agent
// started after a crash brings back.
async function stream(res: ServerResponse, agent: Agent, work: (log: (line: string) => void, signal: AbortSignal) => Promise<unknown>):
  Promise<void> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client disconnected'));
  });
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  const write = (line: StreamLine) => {
    if (!res.destroyed && !res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
  };
  const log = (line: string) => write({ type: 'log', line, at: new Date().toISOString() });
  const persisted = () => agent.persist().catch((err: Error) => log(`cannot write state.json: ${err.message}`));
  try {
    const result = await work(log, controller.signal);
    await persisted();
    write({ type: 'result', result });
  } catch (err) {
    await persisted();
    write({ type: 'error', message: (err as Error).message });
  }
  res.end();
}

// Keeps an NDJSON response open and writes every item `subscribe` delivers, until the client leaves. With `batchMs`,
// items are gathered and written together at most that long after the first of a batch.
function follow<T>(res: ServerResponse, subscribe: (write: (item: T) => void) => () => void, batchMs = 0): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.flushHeaders();
  const open = () => !res.destroyed && !res.writableEnded;
  let batch = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (batch && open()) res.write(batch);
    batch = '';
  };
  const unsubscribe = subscribe((item) => {
    if (!open()) return;
    if (batchMs <= 0) return void res.write(`${JSON.stringify(item)}\n`);
    batch += `${JSON.stringify(item)}\n`;
    timer ??= setTimeout(flush, batchMs);
  });
  res.on('close', () => {
    clearTimeout(timer);
    unsubscribe();
  });
}

// Validates a deploy body; returns an error message for bad input.
function parseDeploy(body: unknown): DeployRequest | string {
  const b = body as { release?: { id?: unknown; dir?: unknown }; config?: unknown; env?: unknown };
  if (typeof b?.release?.id !== 'string' || !b.release.id) return 'release.id is required';
  if (typeof b.release.dir !== 'string' || !isAbsolute(b.release.dir)) return 'release.dir must be an absolute path';
  if (!existsSync(b.release.dir)) return `release directory ${b.release.dir} does not exist (build the release first)`;
  const config = localTargetSchema.safeParse(b.config);
  if (!config.success) return `target config: ${config.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  const env = (b.env ?? {}) as Record<string, unknown>;
  if (typeof env !== 'object' || Object.values(env).some((v) => typeof v !== 'string')) return 'env must map names to strings';
  return { release: { id: b.release.id, dir: b.release.dir }, config: config.data, env: env as Record<string, string> };
}

// Validates a maintenance body: `{ on: false }`, or `{ on: true, retryAfter, message?, by? }`; an error message for bad input.
function parseMaintenance(body: unknown): MaintenanceMode | null | string {
  const b = body as { on?: unknown; message?: unknown; retryAfter?: unknown; by?: unknown } | undefined;
  if (typeof b?.on !== 'boolean') return 'on (true or false) is required';
  if (!b.on) return null;
  if (!Number.isInteger(b.retryAfter) || (b.retryAfter as number) < 0) return 'retryAfter must be a whole number of seconds';
  if (b.message !== undefined && typeof b.message !== 'string') return 'message must be a string';
  const mode: MaintenanceMode = { retryAfter: b.retryAfter as number, since: new Date().toISOString() };
  if (b.message) mode.message = b.message;
  if (typeof b.by === 'string') mode.by = b.by;
  return mode;
}

// Reads a JSON request body (bounded).
async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk);
  }
  try {
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  } catch {
    return undefined;
  }
}

// Sends a JSON answer.
function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
