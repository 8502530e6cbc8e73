/**
 * Server-Sent Events: `GET /api/runs/:id/events` follows a run (events `run`, `step`, `log`, `monitor`, then `end`) from
 * the store and its evidence folder, whoever started it; `GET /api/jobs/:id/events` follows an action started
 * here (events `line`, `run` once its run is known, then `end` with the exit code). Both poll at the server's
 * bounded interval and end when the client goes away. Every event's data passes the redactor.
 */
import type { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { getRun } from '../../store/runs.js';
import { requireScope, type AppEnv } from '../auth.js';
import { LiveRun } from '../live.js';
import type { ServerState } from '../state.js';
import { runOfJob } from './actions.js';

/** Registers the event streams. */
export function eventRoutes(app: Hono<AppEnv>, state: ServerState): void {
  const read = requireScope(state, 'read');
  const sender = (stream: SSEStreamingApi) => (event: string, value: unknown) =>
    stream.writeSSE({ event, data: state.redact(JSON.stringify(value)) });

  app.get('/api/runs/:id/events', read, async (c) => {
    const id = c.req.param('id');
    if (!(await state.store.use((db) => getRun(db, id)))) return c.json({ error: `unknown run "${id}"` }, 404);
    return streamSSE(c, async (stream) => {
      const send = sender(stream);
      let gone = false;
      stream.onAbort(() => void (gone = true));
      const live = new LiveRun(state, id);
      while (!gone) {
        const update = await live.poll();
        if (update.run) await send('run', update.run);
        for (const step of update.steps) await send('step', step);
        for (const log of update.logs) await send('log', log);
        if (update.monitor.length) await send('monitor', { points: update.monitor });
        if (update.ended) {
          await send('end', { runId: id });
          break;
        }
        await stream.sleep(state.pollMs);
      }
    });
  });

  app.get('/api/jobs/:id/events', read, async (c) => {
    const job = state.jobs.get(c.req.param('id'));
    if (!job) return c.json({ error: `unknown action "${c.req.param('id')}"` }, 404);
    return streamSSE(c, async (stream) => {
      const send = sender(stream);
      let gone = false;
      stream.onAbort(() => void (gone = true));
      let sent = 0;
      let runSent = false;
      while (!gone) {
        const ended = job.code !== undefined;
        while (sent < job.lines.length) await send('line', { line: job.lines[sent++] });
        if (!runSent && (await runOfJob(state, job))) {
          runSent = true;
          await send('run', { runId: job.runId });
        }
        if (ended) {
          await send('end', { code: job.code, runId: job.runId ?? null });
          break;
        }
        await Promise.race([job.done, stream.sleep(state.pollMs)]);
      }
    });
  });
}
