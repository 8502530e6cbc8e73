import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  ACTOR_KINDS,
  EFFECT_CLASSES,
  changedFilesArgv,
  decide,
  detectActorKind,
  mayApprove,
  parseChangedFiles,
  protectedChanges,
} from './policy.js';
import { policySchema } from './policy-schema.js';

const policy = (input: unknown) => policySchema.parse(input);

describe('decide: the default policy, every effect class against every actor kind', () => {
  const expected: Record<string, Record<string, string>> = {
    human: { read: 'allow', local: 'allow', remote: 'allow' },
    ci: { read: 'allow', local: 'allow', remote: 'allow' },
    agent: { read: 'allow', local: 'allow', remote: 'needs-approval' },
  };
  const table = ACTOR_KINDS.flatMap((kind) => EFFECT_CLASSES.map((effect) => [kind, effect, expected[kind]![effect]!] as const));
  it.each(table)('%s running %s → %s', (kind, effect, decision) => {
    expect(decide(undefined, kind, effect).decision).toBe(decision);
    expect(decide(policy({}), kind, effect).decision).toBe(decision);
  });

  it('says why, naming where the rule comes from', () => {
    expect(decide(undefined, 'agent', 'remote').reason).toBe('remote steps run by an agent need an approval (the default policy for agent)');
    expect(decide(undefined, 'agent', 'local').reason).toBe('an agent may run local steps unattended (the default policy for agent)');
  });
});

describe('decide: a configured policy', () => {
  const strict = policy({
    agent: { unattended: ['read'], refuse: ['remote'] },
    ci: { unattended: ['read', 'local'], approval: ['remote'] },
    human: { unattended: ['read', 'local'] },
  });
  it.each([
    ['agent', 'read', 'allow', 'an agent may run read steps unattended (policy.agent.unattended)'],
    ['agent', 'local', 'needs-approval', 'local steps run by an agent need an approval (policy.agent.approval)'],
    ['agent', 'remote', 'refuse', 'an agent may not run remote steps (policy.agent.refuse)'],
    ['ci', 'read', 'allow', 'CI may run read steps unattended (policy.ci.unattended)'],
    ['ci', 'local', 'allow', 'CI may run local steps unattended (policy.ci.unattended)'],
    ['ci', 'remote', 'needs-approval', 'remote steps run by CI need an approval (policy.ci.approval)'],
    ['human', 'read', 'allow', 'a person may run read steps unattended (policy.human.unattended)'],
    ['human', 'local', 'allow', 'a person may run local steps unattended (policy.human.unattended)'],
    ['human', 'remote', 'needs-approval', 'remote steps run by a person need an approval (policy.human.approval)'],
  ] as const)('%s running %s → %s', (kind, effect, decision, reason) => {
    expect(decide(strict, kind, effect)).toEqual({ decision, reason });
  });

  it('an effect class left out of an explicit approval list is refused', () => {
    const only = policy({ agent: { unattended: ['read'], approval: ['local'] } });
    expect(decide(only, 'agent', 'remote')).toEqual({
      decision: 'refuse',
      reason: 'an agent may not run remote steps (policy.agent: not in unattended or approval)',
    });
  });

  it.each([
    [{ agent: { unattended: ['read', 'remote'], approval: ['remote'] } }, 'agent.approval: remote is in both unattended and approval: put it in one'],
    [{ agent: { unattended: ['write'] } }, 'agent.unattended.0: Invalid option'],
    [{ robots: {} }, 'Unrecognized key: "robots"'],
    [{ protected: ['/etc/passwd'] }, 'protected.0: use a path relative to the repository root'],
    [{ protected: ['docs/../secrets/**'] }, 'protected.0: use a path relative to the repository root'],
  ])('refuses %o', (input, message) => {
    const result = policySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.success ? '' : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toContain(message);
  });
});

describe('mayApprove', () => {
  it.each([
    ['human', true],
    ['ci', true],
    ['agent', false],
  ] as const)('%s → %s', (kind, may) => {
    expect(mayApprove(kind)).toBe(may);
  });
});

describe('detectActorKind', () => {
  it.each([
    [{}, true, { kind: 'human', from: 'a terminal' }],
    [{}, false, { kind: 'agent', from: 'no terminal and no CI variable' }],
    [{ CI: 'true' }, false, { kind: 'ci', from: 'CI' }],
    [{ CI: '1' }, true, { kind: 'ci', from: 'CI' }],
    [{ CI: 'false' }, true, { kind: 'human', from: 'a terminal' }],
    [{ CI: '0' }, false, { kind: 'agent', from: 'no terminal and no CI variable' }],
    [{ CI: '' }, false, { kind: 'agent', from: 'no terminal and no CI variable' }],
    [{ GITHUB_ACTIONS: 'true', CI: 'true' }, false, { kind: 'ci', from: 'GITHUB_ACTIONS' }],
    [{ GITLAB_CI: 'true' }, false, { kind: 'ci', from: 'GITLAB_CI' }],
    [{ JENKINS_URL: 'https://jenkins.example/' }, false, { kind: 'ci', from: 'JENKINS_URL' }],
    [{ RUNWAY_ACTOR_KIND: 'agent', CI: 'true' }, true, { kind: 'agent', from: 'RUNWAY_ACTOR_KIND' }],
    [{ RUNWAY_ACTOR_KIND: 'Human' }, false, { kind: 'human', from: 'RUNWAY_ACTOR_KIND' }],
    [{ RUNWAY_ACTOR_KIND: ' ' }, false, { kind: 'agent', from: 'no terminal and no CI variable' }],
  ])('%o, tty %s → %o', (env, tty, detected) => {
    expect(detectActorKind(env, tty)).toEqual(detected);
  });

  it('refuses an unknown RUNWAY_ACTOR_KIND as bad input (exit 2), naming the values', () => {
    const attempt = () => detectActorKind({ RUNWAY_ACTOR_KIND: 'robot' }, true);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('RUNWAY_ACTOR_KIND="robot" is not an actor kind: set it to human, ci or agent, or unset it');
  });
});

describe('protectedChanges', () => {
  const patterns = ['docs/directions/**', '.runway/allowed_signers', 'deploy/*.{yml,yaml}'];
  it.each([
    [['src/app.ts', 'README.md'], []],
    [['docs/directions/roadmap.md'], [{ path: 'docs/directions/roadmap.md', pattern: 'docs/directions/**' }]],
    [['docs/directions/2026/q1/plan.md'], [{ path: 'docs/directions/2026/q1/plan.md', pattern: 'docs/directions/**' }]],
    [['docs/directions/.hidden'], [{ path: 'docs/directions/.hidden', pattern: 'docs/directions/**' }]],
    [['./docs//directions/x.md'], [{ path: 'docs/directions/x.md', pattern: 'docs/directions/**' }]],
    [['docs/directions-old/x.md', 'docs/direction.md', 'xdocs/directions/a'], []],
    [['.runway/allowed_signers'], [{ path: '.runway/allowed_signers', pattern: '.runway/allowed_signers' }]],
    [['deploy/prod.yaml', 'deploy/prod.json', 'deploy/sub/prod.yml'], [{ path: 'deploy/prod.yaml', pattern: 'deploy/*.{yml,yaml}' }]],
    [['docs/directions/a.md', 'docs/directions/a.md'], [{ path: 'docs/directions/a.md', pattern: 'docs/directions/**' }]],
  ])('%o → %o', (changed, hits) => {
    expect(protectedChanges(patterns, changed)).toEqual(hits);
  });

  it('no patterns protect nothing', () => {
    expect(protectedChanges([], ['docs/directions/a.md'])).toEqual([]);
  });
});

describe('the changed files between known-good and the release', () => {
  it('is one git diff, both sides of a rename listed', () => {
    expect(changedFilesArgv('a1b2c3d', 'e4f5a6b7')).toEqual(['diff', '--name-only', '--no-renames', '-z', 'a1b2c3d', 'e4f5a6b7', '--']);
  });

  it.each(['--output=/tmp/x', 'HEAD~1', 'main', ''])('refuses %o as a commit id', (commit) => {
    expect(() => changedFilesArgv(commit, 'abcdef1')).toThrow(`not a commit id: "${commit}"`);
  });

  it('parses NUL-separated names, including names with spaces and newlines', () => {
    expect(parseChangedFiles('docs/directions/a b.md\0odd\nname.txt\0')).toEqual(['docs/directions/a b.md', 'odd\nname.txt']);
    expect(parseChangedFiles('')).toEqual([]);
  });
});
