import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryReporter } from '../engine/reporter.js';
import { openProject, type ProjectContext } from '../engine/context.js';
import { executeRun } from '../engine/deploy.js';
import { promote } from '../engine/promote.js';
import { GateError } from '../errors.js';
import { saveRelease } from '../store/releases.js';
import type { NotificationRecord, Release } from '../types.js';
import { closedUrl, startReceiver, type Receiver } from './receiver.case.js';
import { undeliveredWarning } from './run-events.js';

let dir: string;
let rx: Receiver;
let down: string;

// runway.yaml: the only webhook URL is kept in the vault (a dotenv file), not in the shell.
function config(extra = ''): string {
  return `project: refusal-notify
secrets:
  from: [env, { dotenv: "vault/*.env" }]
  names: [VAULT_HOOK_URL]
notify:
  - name: vault-hook
    webhook: { url: "\${VAULT_HOOK_URL}" }
environments:
  staging:
    target: { local: { start: "node server.js" } }
    url: http://127.0.0.1:9
${extra}
  production:
    requires: [staging]
    target: { local: { start: "node server.js" } }
pipeline:
  - run: "true"
`;
}

// Opens the project with a config and a saved release; the shell does not have VAULT_HOOK_URL.
async function open(yaml: string): Promise<{ ctx: ProjectContext; release: Release; lines: string[] }> {
  writeFileSync(join(dir, 'runway.yaml'), yaml);
  const reporter = memoryReporter();
  const env = { ...process.env };
  delete env.VAULT_HOOK_URL;
  const ctx = await openProject({ dir, env, reporter });
  const id = '1234567-abcdef01';
  const release: Release = {
    id, sha: id.slice(0, 7).padEnd(40, '0'), artifactDigest: 'sha256:a', configDigest: 'sha256:c', dirty: false,
    dir, createdAt: new Date().toISOString(),
  };
  await ctx.store.use((db) => saveRelease(db, release, `test:${release.id}`));
  return { ctx, release, lines: reporter.lines };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runway-refusal-notify-'));
  rx = await startReceiver();
  down = await closedUrl();
  mkdirSync(join(dir, 'vault'));
  writeFileSync(join(dir, 'vault', 'hooks.env'), `VAULT_HOOK_URL=${rx.url}/vault-hook\n`);
});
afterAll(async () => {
  await rx.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('notifications of refusals', () => {
  it('a refused promotion reaches a webhook whose URL is kept in the vault', async () => {
    rx.received.length = 0;
    const { ctx, lines } = await open(config());
    try {
      await expect(promote(ctx, 'staging', 'production', { command: 'runway promote staging production' })).rejects.toThrow(GateError);
      expect(rx.at('/vault-hook').map((r) => [r.json.type, r.json.environment])).toEqual([['gate.refused', 'production']]);
      expect(lines.join('\n')).not.toMatch(/not set|not delivered/);
    } finally {
      await ctx.store.close();
    }
  });

  it('a deploy refused for a missing required secret sends gate.refused naming the missing name', async () => {
    rx.received.length = 0;
    const { ctx, release } = await open(config('    secrets: { required: [NOT_IN_ANY_SOURCE] }'));
    try {
      await expect(executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' }))
        .rejects.toThrow(/missing 1 required secret: NOT_IN_ANY_SOURCE/);
      const sent = rx.at('/vault-hook').map((r) => r.json);
      expect(sent).toEqual([expect.objectContaining({
        type: 'gate.refused', environment: 'staging',
        summary: 'deploy of 1234567-abcdef01 to staging refused: staging is missing 1 required secret: NOT_IN_ANY_SOURCE',
      })]);
    } finally {
      await ctx.store.close();
    }
  });

  it('a run whose four webhooks are down warns of four and names all four', async () => {
    const dead = [1, 2, 3, 4].map((n) => `  - name: dead-${n}\n    webhook: { url: "${down}/x${n}" }\n    retries: 0\n    on: [run.finished]`).join('\n');
    const { ctx, release, lines } = await open(config().replace('environments:', `${dead}\nenvironments:`));
    try {
      const run = await executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' });
      const warning = lines.find((l) => /not delivered/.test(l))!;
      expect(warning).toMatch(/^warn 4 notification\(s\) not delivered/);
      for (const n of [1, 2, 3, 4]) expect(warning).toContain(`dead-${n} run.finished: `);
      expect(run.notifications!.filter((r) => r.status === 'failed')).toHaveLength(4);
    } finally {
      await ctx.store.close();
    }
  });

  it('a long list of failures is bounded and counts the rest', () => {
    const failed = Array.from({ length: 8 }, (_, i): NotificationRecord => ({
      target: `t${i}`, event: 'run.finished', status: 'failed', attempts: 1, error: 'connection refused',
    } as NotificationRecord));
    const text = undeliveredWarning(failed);
    expect(text).toMatch(/^8 notification\(s\) not delivered/);
    expect(text).toContain('t4 run.finished: connection refused');
    expect(text).not.toContain('t5 ');
    expect(text).toMatch(/; and 3 more$/);
  });
});
