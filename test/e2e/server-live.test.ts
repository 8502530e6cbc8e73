/**
 * A run started by another process (the built CLI in a terminal of its own), followed by `runway serve`'s event
 * stream in-process: the stream sends the run, its steps as they start, its step log's lines as they are written
 * — before the run ends —
 * then the end; the secret the step prints arrives redacted.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProject, type RunProject } from '../../src/engine/run-project.case.js';
import { createApp } from '../../src/server/app.js';
import { openServerState, type ServerState } from '../../src/server/state.js';
import { createToken } from '../../src/store/tokens.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(join(root, 'dist', 'bundle', 'main.js'));
if (!built && process.env.CI === 'true') throw new Error('the live run test needs the build: run npm run build first');
if (!built) console.warn('skipping the live run test: dist/bundle is missing (npm run build)');

const SECRET = 'pk_live_Zq81mVx0Rt7LwP3nB5cY';
const CONFIG = `project: live
secrets:
  from: [env, { dotenv: "vault/*.env" }]
  required: [LIVE_KEY]
environments:
  staging:
    target: { local: { start: node server.js } }
pipeline:
  - run: node slow.js
`;
// Prints a line every 400 ms for about 4 s, the secret among them.
const SLOW = `let i = 0;
const t = setInterval(() => {
  console.log('tick ' + (++i) + (i === 3 ? ' key ' + process.env.LIVE_KEY : ''));
  if (i === 10) { clearInterval(t); }
}, 400);
`;

describe.skipIf(!built)('following a run another process started', { timeout: 120_000 }, () => {
  let p: RunProject;
  let state: ServerState;
  let token = '';
  beforeAll(async () => {
    p = runProject({ 'runway.yaml': CONFIG, 'slow.js': SLOW, 'server.js': '', 'vault/app.env': `LIVE_KEY=${SECRET}\n` });
    state = await openServerState({ dir: p.dir, config: 'runway.yaml', pollMs: 200 });
    token = (await state.store.use((db) => createToken(db, { name: 'r', owner: 'r@acme.test', actorKind: 'human', scopes: ['read'], createdBy: 't' }))).secret;
  });
  afterAll(async () => {
    await state?.store.close();
    p?.cleanup();
  });

  it('streams the step log while the run runs, then the end', async () => {
    const app = createApp(state);
    const child = spawn(process.execPath, [join(root, 'bin', 'runway.js'), '-C', p.dir, 'deploy', 'staging'], {
      env: { ...process.env, RUNWAY_ACTOR: 'terminal@acme.test', NO_COLOR: '1' }, stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // the run as the store shows it while it runs
    let runId: string | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      const res = await app.request('/api/runs?outcome=running', { headers: { authorization: `Bearer ${token}` } });
      runId = ((await res.json()) as { runs: Array<{ id: string }> }).runs[0]?.id;
      if (!runId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runId).toBeDefined();
    const res = await app.request(`/api/runs/${runId}/events`, { headers: { authorization: `Bearer ${token}` } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let logBeforeEnd = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
      if (!text.includes('event: end') && /event: log\ndata: .*tick \d/.test(text)) logBeforeEnd = true;
    }
    expect(await exited).toBe(0);
    expect(logBeforeEnd).toBe(true);
    expect(text).toMatch(/event: run\ndata: \{"id":"[^"]+","kind":"deploy","environment":"staging".*"actor":"terminal@acme.test","outcome":"running"/);
    expect(text).toContain('event: step\ndata: {"index":1,"name":"run","log":"steps/01-run.log"}');
    expect(text).toContain('tick 10');
    expect(text).toContain('key [REDACTED:LIVE_KEY]');
    expect(text).not.toContain(SECRET);
    expect(text.trimEnd()).toMatch(/event: end\ndata: \{"runId":"[^"]+"\}$/);
  });
});
