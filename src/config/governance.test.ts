import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse.js';
import { issuesOf } from './issues.case.js';

const HEAD = 'project: shop\nenvironments:\n  production:\n    target: { local: { start: node server.js } }\n';

describe('approvals: and freeze: of an environment', () => {
  it('parse with their defaults, and are absent unless written', () => {
    const config = parseConfig(`${HEAD}    approvals: { required: 2, checklist: [pre-flight done] }\n    freeze: { windows: [{ from: "Fri 16:00", to: "Mon 08:00" }] }\n`, 'runway.yaml');
    expect(config.environments.production!.approvals).toEqual({
      required: 2, from: [], groups: {}, checklist: [{ item: 'pre-flight done' }], expires: '24h', signatures: 'optional',
      allowedSigners: '.runway/allowed_signers',
    });
    expect(config.environments.production!.freeze).toEqual({
      timezone: 'UTC', windows: [{ from: 'Fri 16:00', to: 'Mon 08:00' }], override: [], groups: {},
    });
    const rehearsed = parseConfig(`${HEAD}    approvals: { checklist: [{ item: rollback tested, verify: rollback-rehearsed }] }\n`, 'runway.yaml');
    expect(rehearsed.environments.production!.approvals!.checklist).toEqual([{ item: 'rollback tested', verify: 'rollback-rehearsed' }]);
    const bare = parseConfig(HEAD, 'runway.yaml').environments.production!;
    expect([bare.approvals, bare.freeze]).toEqual([undefined, undefined]);
  });

  it('ci-green, as a gate and a checklist item, parses once ci: says where CI state comes from', () => {
    const config = parseConfig(`ci: { github: { repo: acme/shop, require: [build] } }\n${HEAD}    gates: [ci-green]\n` +
      '    approvals: { checklist: [{ item: CI green, verify: ci-green }] }\n', 'runway.yaml');
    expect(config.ci).toEqual({ github: { repo: 'acme/shop', source: 'runs', require: ['build'], allow: [] } });
    expect(config.environments.production!.gates).toEqual([{ name: 'ci-green', builtin: 'ci-green' }]);
    expect(config.environments.production!.approvals!.checklist).toEqual([{ item: 'CI green', verify: 'ci-green' }]);
  });

  const bad: Array<[string, string, string]> = [
    ['ci-green without ci:', '    approvals: { checklist: [{ item: CI green, verify: ci-green }] }',
      'runway.yaml:5:56 environments.production.approvals.checklist[0].verify: ci-green asks the CI of the top-level ci:, and there is none: add ci: { github: {} } or ci: { command: … } (see docs/governance.md#ci-green)'],
    ['a ci-green gate without ci:', '    gates: [ci-green]',
      'runway.yaml:5:13 environments.production.gates[0]: ci-green asks the CI of the top-level ci:, and there is none: add ci: { github: {} } or ci: { command: … } (see docs/governance.md#ci-green)'],
    ['effect: on a step that is not run', '    pipeline: [{ deploy: {}, effect: read }]',
      'runway.yaml:5:30 environments.production.pipeline[0].effect: only run steps set effect:; every other step kind declares its own (see docs/governance.md#policy)'],
    ['an unknown effect class', '    pipeline: [{ run: ./x.sh, effect: network }]',
      'runway.yaml:5:39 environments.production.pipeline[0].effect: expected one of read, local, remote, got string "network"'],
    ['an unknown group', '    approvals: { from: ["group:sre"] }',
      'runway.yaml:5:25 environments.production.approvals.from[0]: unknown group "sre" (define it under groups:)'],
    ['snake case', '    approvals: { allowed_signers: x }', 'runway.yaml:5:18 environments.production.approvals: unknown key "allowed_signers" (did you mean "allowedSigners"?)'],
    ['an unknown time zone', '    freeze: { timezone: Europe/Berln }',
      'runway.yaml:5:25 environments.production.freeze.timezone: unknown time zone: use an IANA name such as Europe/Berlin, America/New_York or UTC'],
    ['a window end that is no time', '    freeze: { windows: [{ from: "Fri 16:00", to: "Mon 8" }] }',
      'runway.yaml:5:50 environments.production.freeze.windows[0].to: "Mon 8": expected "Fri 16:00", "22:00", a date 2026-12-20 or a date and time "2026-12-20 18:00"'],
    ['an override group nobody defined', '    freeze: { override: ["group:ops"] }',
      'runway.yaml:5:26 environments.production.freeze.override[0]: unknown group "ops" (define it under groups:)'],
  ];
  it.each(bad)('refuses %s with its position', (_what, line, expected) => {
    expect(issuesOf(`${HEAD}${line}\n`)).toEqual([expected]);
  });
});

describe('the rollback-rehearsed gate', () => {
  it('is written bare (on: the environments required, within 24h) or with on and within', () => {
    const config = parseConfig(`${HEAD}    gates: [rollback-rehearsed, { rollback-rehearsed: { on: staging, within: 2h } }, { rollback-rehearsed: {} }]\n`, 'runway.yaml');
    expect(config.environments.production!.gates).toEqual([
      { name: 'rollback-rehearsed', builtin: 'rollback-rehearsed' },
      { name: 'rollback-rehearsed (staging, within 2h)', builtin: 'rollback-rehearsed', on: 'staging', within: '2h' },
      { name: 'rollback-rehearsed (requires, within 24h)', builtin: 'rollback-rehearsed', within: '24h' },
    ]);
  });

  it('refuses an unknown option and a bad duration', () => {
    expect(issuesOf(`${HEAD}    gates: [{ rollback-rehearsed: { on: staging, within: a day } }]\n`).join('\n')).toMatch(/within: expected a duration such as/);
    expect(issuesOf(`${HEAD}    gates: [{ rollback-rehearsed: { env: staging } }]\n`).join('\n')).toMatch(/unknown key "env"/);
  });
});
