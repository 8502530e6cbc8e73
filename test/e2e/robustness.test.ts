/**
 * The real CLI when its surroundings fail: a reader that goes away early, and a state store that cannot be
 * reached (its own exit code, the store named, never its password).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/postgres.js';
import { BIN, makeProject } from './project.js';

describe('runway with a closed stdout', () => {
  it('stops quietly with exit 0 when the reader closes after the first chunk of a long output', async () => {
    const child = spawn(process.execPath, [BIN, 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstChunk = 0;
    child.stderr.on('data', (d) => (stderr += d));
    // like `runway schema | head -1`: read one chunk, then go away while runway is still writing
    child.stdout.once('data', (d: Buffer) => {
      firstChunk = d.length;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(firstChunk).toBeGreaterThan(0);
    expect(firstChunk).toBeLessThan(180_000); // the whole schema did not fit: the rest met a closed pipe
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});

describe('runway with an unreachable state store', () => {
  it('exits 4 (not 1, a failed run) with one line naming the store and not its password', async () => {
    const project = makeProject();
    try {
      const port = await freePort();
      const url = `postgres://runway:pw-s3cret-77@127.0.0.1:${port}/runway`;
      const r = await project.runway(['status'], { env: { RUNWAY_STATE_URL: url } });
      expect(r.code).toBe(4);
      expect(r.stderr.trim()).toBe(`cannot reach the state store at postgres://runway@127.0.0.1:${port}/runway: connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(r.stdout + r.stderr).not.toContain('pw-s3cret-77');
    } finally {
      await project.cleanup();
    }
  }, 60_000);
});
