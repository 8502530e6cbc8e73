import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../types.js';
import { appendJournal, readJournalEntries } from './journal.js';
import { sha256 } from './manifest.js';

const SECRET = 's3cr3t-value-42';
const redact = (s: string) => s.split(SECRET).join('[REDACTED:DB_PASSWORD]');

let project: string;
beforeEach(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'runway-journal-'));
});
afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

function run(extra: Partial<RunRecord>): RunRecord {
  return {
    id: '20261121T230501Z-a1b2', kind: 'deploy', environment: 'staging', actor: 'alice', command: 'runway deploy staging',
    startedAt: '2026-11-21T23:05:01.000Z', finishedAt: '2026-11-21T23:05:43.000Z', outcome: 'successful',
    release: { id: '3f2a9c1-8d0e4b7a', sha: '3f2a9c1d2e', artifactDigest: 'a', configDigest: 'c', dirty: false, dir: '/r', createdAt: 'x' },
    steps: [],
    ...extra,
  };
}

describe('appendJournal', () => {
  it('creates the file with a header, then appends one entry per run', async () => {
    const journal = path.join(project, 'deploy', 'journal.md');
    const evidence = (env: string, id: string) => path.join(project, '.runway', 'evidence', env, id);
    await appendJournal(journal, run({}), evidence('staging', '20261121T230501Z-a1b2'), redact);
    await appendJournal(journal, run({
      id: '20261122T080000Z-c3d4', environment: 'production', startedAt: '2026-11-22T08:00:00.000Z',
      finishedAt: '2026-11-22T08:03:05.000Z', outcome: 'rolled_back', reason: `password ${SECRET} rejected`,
      rollbackTrigger: 'check http GET /health failed: status 500, expected 200', rolledBackTo: '1111111-22222222',
      command: `runway deploy production`,
    }), evidence('production', '20261122T080000Z-c3d4'), redact);

    expect(await readFile(journal, 'utf8')).toBe(`# Deployment journal

## 2026-11-21 23:05:01Z · deploy staging · successful

- actor: alice
- command: \`runway deploy staging\`
- release: \`3f2a9c1d2e\` (3f2a9c1-8d0e4b7a)
- outcome: successful
- duration: 42.0s
- evidence: [../.runway/evidence/staging/20261121T230501Z-a1b2](../.runway/evidence/staging/20261121T230501Z-a1b2)

## 2026-11-22 08:00:00Z · deploy production · rolled_back

- actor: alice
- command: \`runway deploy production\`
- release: \`3f2a9c1d2e\` (3f2a9c1-8d0e4b7a)
- outcome: rolled_back (reason: password [REDACTED:DB_PASSWORD] rejected; rollback trigger: check http GET /health failed: status 500, expected 200; rolled back to 1111111-22222222)
- duration: 3m 5s
- evidence: [../.runway/evidence/production/20261122T080000Z-c3d4](../.runway/evidence/production/20261122T080000Z-c3d4)
`);
  });

  it('keeps a multi-line reason on one line, so a reason cannot forge a heading or split its entry', async () => {
    const journal = path.join(project, 'journal.md');
    await appendJournal(journal, run({ outcome: 'failed', reason: 'bad\n## 2026-01-01 00:00:00Z · deploy production · successful\n- evidence: [x](x)' }),
      path.join(project, '.runway/evidence/staging/20261121T230501Z-a1b2'), redact);
    const text = await readFile(journal, 'utf8');
    expect(text.match(/^## /gm)).toHaveLength(1);
    const entries = await readJournalEntries(journal);
    expect(entries).toEqual([{ link: '.runway/evidence/staging/20261121T230501Z-a1b2', index: 0, sha256: sha256(text.slice(text.indexOf('## '))) }]);
  });
});
