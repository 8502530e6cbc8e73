import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../types.js';
import type { ProjectContext } from '../engine/context.js';
import { judgeRehearsal, type RehearsalQuestion } from './rehearsal.js';
import { checklistRule } from './rehearsal-state.js';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const HOUR = 3_600_000;

// A run of `kind` on `environment`, finished `hoursAgo` before NOW.
function run(id: string, over: Partial<RunRecord> & { hoursAgo?: number; to?: string } = {}): RunRecord {
  const at = new Date(NOW.getTime() - (over.hoursAgo ?? 1) * HOUR).toISOString();
  return {
    id, kind: 'rehearsal', environment: 'staging', release: { id: 'x', sha: 'a', dir: '/x', dirty: false, createdAt: at } as RunRecord['release'],
    actor: 'a', command: 'runway rehearse staging', startedAt: at, finishedAt: at, outcome: 'successful', steps: [],
    rehearsal: { release: 'x', rollbackTo: over.to ?? 'y', summary: 'left on x' }, ...over,
  };
}

const ask = (runs: RunRecord[], over: Partial<RehearsalQuestion> = {}): ReturnType<typeof judgeRehearsal> =>
  judgeRehearsal({ release: 'x', on: ['staging'], within: '24h', servedNow: 'y', runs, now: NOW, ...over });

describe('the rollback-rehearsed rule', () => {
  const cases: Array<[string, RunRecord[], Partial<RehearsalQuestion>, boolean, RegExp]> = [
    ['a successful rehearsal back to the release served, 1 h ago', [run('r1')], {}, true, /x rehearsed on staging back to y by run r1/],
    ['no rehearsal at all', [], {}, false, /^no successful rehearsal of x on staging back to y within 24h: run: runway rehearse staging --release x --to y$/],
    ['older than the window', [run('r1', { hoursAgo: 25 })], {}, false, /newest: r1 finished 2026-12-01T11:00:00\.000Z, more than 24h ago/],
    ['just inside the window', [run('r1', { hoursAgo: 23.99 })], {}, true, /by run r1/],
    ['a shorter window', [run('r1', { hoursAgo: 3 })], { within: '2h' }, false, /more than 2h ago/],
    ['rolled back to another release', [run('r1', { to: 'w' })], {}, false, /r1 rolled back to w, not to y/],
    ['any target when nothing is served yet', [run('r1', { to: 'w' })], { servedNow: undefined }, true, /x rehearsed on staging by run r1/],
    ['a failed rehearsal', [run('r1', { outcome: 'failed' })], {}, false, /r1 ended failed \(left on x\)/],
    ['another release rehearsed', [run('r1', { release: { id: 'z' } as RunRecord['release'] })], {}, false, /no successful rehearsal of x/],
    ['a deploy is no rehearsal', [run('r1', { kind: 'deploy' })], {}, false, /no successful rehearsal/],
    ['on another environment', [run('r1', { environment: 'dev' })], {}, false, /no successful rehearsal of x on staging/],
    ['one of several environments', [run('r1', { environment: 'qa' })], { on: ['staging', 'qa'] }, true, /rehearsed on qa/],
    ['dated far in the future', [run('r1', { hoursAgo: -1 })], {}, false, /in the future/],
    ['no environment to look on', [run('r1')], { on: [] }, false, /no environment to look for a rehearsal on/],
    ['a newer failed one does not hide an older good one', [run('r2', { outcome: 'failed', hoursAgo: 1 }), run('r1', { hoursAgo: 2 })], {}, true, /by run r1/],
  ];
  it.each(cases)('%s', (_what, runs, over, ok, detail) => {
    const verdict = ask(runs, over);
    expect(verdict.ok).toBe(ok);
    expect(verdict.detail).toMatch(detail);
  });
});

describe('the rule a checklist fact uses', () => {
  const ctxWith = (gates: unknown[]) => ({ loaded: { config: { environments: { production: { requires: ['staging'], gates } } } } }) as unknown as ProjectContext;
  it("is the environment's rollback-rehearsed gate when it has one, else the environments it requires within expires", () => {
    expect(checklistRule(ctxWith([{ name: 'x', builtin: 'rollback-rehearsed', on: 'qa', within: '2h' }]), 'production', '24h')).toEqual({ on: 'qa', within: '2h' });
    expect(checklistRule(ctxWith([{ name: 'parity', builtin: 'parity' }]), 'production', '12h')).toEqual({ within: '12h' });
  });
});
