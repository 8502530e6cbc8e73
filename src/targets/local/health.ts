/** Health probes: one GET to an app instance on loopback, no connection reuse. */
import { request } from 'node:http';
import { LOOPBACK } from './ports.js';

/** Outcome of one probe. */
export interface ProbeResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** GETs `path` on 127.0.0.1:`port`; ok when it answers 200 within `timeoutMs`. Never throws. */
export function probeHealth(port: number, path: string, timeoutMs = 2000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request({ host: LOOPBACK, port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: res.statusCode === 200, status: res.statusCode }));
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
    req.end();
  });
}
