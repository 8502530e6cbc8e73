import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse.js';
import { reviewDays } from './runbook.js';
import { issuesOf } from './issues.case.js';

const HEAD = 'project: shop\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\n';

describe('runbook: in runway.yaml', () => {
  it('is required by the runbook gate, which names the fix at the gate', () => {
    const gated = `${HEAD}    gates: [runbook]\n`;
    expect(issuesOf(gated)).toEqual(['runway.yaml:5:13 environments.staging.gates[0]: the runbook gate checks the runbook of the top-level ' +
      'runbook:, and there is none: add runbook: { owner: <person or team> } (see docs/governance.md#runbook)']);
    expect(parseConfig(`${gated}runbook: { owner: ops@shop.test }\n`, 'runway.yaml').environments.staging!.gates).toHaveLength(1);
  });

  it('has defaults for everything but the owner', () => {
    const config = parseConfig(`${HEAD}runbook: { owner: ops@shop.test }\n`, 'runway.yaml');
    expect(config.runbook).toEqual({ owner: 'ops@shop.test', reviewEvery: '90d', path: 'RUNBOOK.md', onStale: 'refuse' });
    expect(reviewDays(config.runbook!)).toBe(90);
    expect(parseConfig(HEAD, 'runway.yaml').runbook).toBeUndefined();
    expect(reviewDays(parseConfig(`${HEAD}runbook: { owner: x, reviewEvery: 2d12h12h }\n`, 'runway.yaml').runbook!)).toBe(3);
  });

  const bad: Array<[string, string, string]> = [
    ['no owner', 'runbook: { path: RUNBOOK.md }', 'runway.yaml:5:1 runbook: missing required key "owner"'],
    ['an empty owner', 'runbook: { owner: "  " }', 'runway.yaml:5:19 runbook.owner: must not be empty'],
    ['hours', 'runbook: { owner: x, reviewEvery: 36h }', 'runway.yaml:5:35 runbook.reviewEvery: expected whole days, at least one, e.g. 90d'],
    ['no duration', 'runbook: { owner: x, reviewEvery: quarterly }', 'runway.yaml:5:35 runbook.reviewEvery: expected a duration such as 300ms, 5s, 10m or 1h'],
    ['an absolute path', 'runbook: { owner: x, path: /etc/RUNBOOK.md }', 'runway.yaml:5:28 runbook.path: expected a path inside the project, relative and without "..", e.g. RUNBOOK.md'],
    ['a path outside', 'runbook: { owner: x, path: ../RUNBOOK.md }', 'runway.yaml:5:28 runbook.path: expected a path inside the project'],
    ['another onStale', 'runbook: { owner: x, onStale: ignore }', 'runway.yaml:5:31 runbook.onStale: expected one of refuse, warn, got string "ignore"'],
    ['an unknown key', 'runbook: { owner: x, review_every: 90d }', 'runway.yaml:5:22 runbook: unknown key "review_every"'],
  ];
  it.each(bad)('refuses %s with its position', (_what, line, expected) => {
    const issues = issuesOf(`${HEAD}${line}\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.slice(0, expected.length)).toBe(expected);
  });
});
