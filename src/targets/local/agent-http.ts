/**
 * The local agent's HTTP transport on the client side: one node:http request per call on loopback (no connection
 * kept, nothing to load before a rollback's switch), the answer as a stream or JSON, NDJSON lines, API errors.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { ConfigError, StepError } from '../../errors.js';
import { TOKEN_HEADER, type AgentInfo } from './agent-state.js';

/** One call: method, path, JSON body, how long the answer's head may take, and a signal that cancels it. */
export interface AgentCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Sends one request to the agent; resolves when the answer's head arrived. */
export function agentCall(info: AgentInfo, call: AgentCall): Promise<AgentResponse> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1', port: info.port, path: call.path, method: call.method, agent: false, signal: call.signal,
      headers: { [TOKEN_HEADER]: info.token, 'content-type': 'application/json', connection: 'close',
        ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }) },
    }, (res) => {
      clearTimeout(timer);
      resolve({ statusCode: res.statusCode ?? 0, body: Object.assign(res, { json: () => readJson(res) }) });
    });
    // until the answer's head arrives; a streamed body may then take as long as it takes
    const timer = setTimeout(() => req.destroy(new Error(`the runway agent did not answer within ${call.timeoutMs} ms`)), call.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(call.signal?.aborted ? new StepError('cancelled: the call to the runway agent was stopped before it answered') : err);
    });
    req.end(payload);
  });
}

/** An answer of the agent: its status and its body, readable as a stream or as JSON. */
export interface AgentResponse {
  statusCode: number;
  body: IncomingMessage & { json(): Promise<unknown> };
}

// Reads a whole body as JSON.
async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Maps an API error status to a Runway error. */
export function failure(status: number, message: string): Error {
  if (status === 400) return new ConfigError(message);
  if (status === 401) return new StepError('the runway agent rejected this client (agent.json changed); run the command again');
  return new StepError(`runway agent: ${message}`);
}

/** Calls `onItem` for every JSON line of a stream. */
export async function readLines<T>(body: AsyncIterable<Buffer>, onItem: (item: T) => void): Promise<void> {
  let buffer = '';
  for await (const chunk of body) {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onItem(JSON.parse(line) as T);
    }
  }
}

