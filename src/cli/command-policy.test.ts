/**
 * The policy for automated actors on commands that are not runs: every command has an effect class, subcommands
 * and options class a command line, and `runCli` refuses (exit 3) what the policy does not let the actor kind run
 * unattended — before the command does anything — while a project without `policy:` is not judged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { COMMAND_EFFECTS, commandEffect } from './command-effects.js';
import { COMMANDS } from './commands.js';
import { runFullCli } from './cli-harness.case.js';

describe('command effect classes', () => {
  it('has one for every command of the registry', () => {
    expect(Object.keys(COMMAND_EFFECTS).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it.each([
    [['status', '--json'], 'read'],
    [['deploy', 'staging'], 'run'],
    [['secrets', 'sync', 'staging', '--dry-run'], 'remote'],
    [['secrets', 'list', 'staging'], 'read'],
    [['secrets', '--help'], 'read'],
    [['state', 'import', 'state.json'], 'state'],
    [['state', 'export', '--out', 'x.json'], 'local'],
    [['state', 'info'], 'read'],
    [['runbook', '--out', 'RUNBOOK.md'], 'local'],
    [['runbook', '--out=RUNBOOK.md'], 'local'],
    [['runbook', 'production'], 'read'],
    [['maintenance', 'staging', 'on', '--message', 'back soon'], 'remote'],
    [['maintenance', 'staging', '--json'], 'read'],
    [['freeze', 'staging', '--until', '2h', '--reason', 'x'], 'state'],
    [['up', '-d'], 'local'],
    [['nosuch'], undefined],
  ])('%j is %s', (args, effect) => {
    expect(commandEffect(args)).toBe(effect);
  });
});

describe('runCli under a policy', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runway-command-policy-'));
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['RUNWAY_ACTOR_KIND', 'RUNWAY_STATE_URL', 'RUNWAY_ACTOR']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const project = (policy: string) => writeFileSync(join(dir, 'runway.yaml'),
    `project: shop\n${policy}environments:\n  staging:\n    target: { local: { start: node server.js } }\npipeline:\n  - deploy\n`);
  const run = async (args: string[], kind: string, stateUrl?: string) => {
    process.env.RUNWAY_ACTOR_KIND = kind;
    process.env.RUNWAY_ACTOR = 'someone@acme.test';
    if (stateUrl) process.env.RUNWAY_STATE_URL = stateUrl;
    else delete process.env.RUNWAY_STATE_URL;
    return runFullCli(['-C', dir, ...args]);
  };
  // a server nobody listens on: a command the policy lets through fails on it (exit 4), one it refuses never gets there
  const NOBODY = 'postgres://runway@127.0.0.1:1/runway';
  const freeze = ['freeze', 'staging', '--until', '2h', '--reason', 'load test'];

  it('refuses an agent a remote command before it runs, naming the class, the rule and the fix', async () => {
    project('policy: {}\n');
    const r = await run(['secrets', 'sync', 'staging'], 'agent');
    expect(r).toMatchObject({ code: 3, out: '' });
    expect(r.err).toBe('refused: runway secrets sync staging is a remote command and remote commands run by an agent need an approval ' +
      '(the default policy for agent): a person or CI runs it, or policy.agent.unattended lists remote\n');
  });

  it('classes a state-store command by the store: local on the embedded one, remote on a shared one', async () => {
    project('policy: {}\n');
    expect(await run(freeze, 'agent')).toMatchObject({ code: 0 });
    const shared = await run(freeze, 'agent', NOBODY);
    expect(shared.code).toBe(3);
    expect(shared.err).toContain('refused: runway freeze staging is a remote (it writes the shared state store) command');
    expect((await run(freeze, 'human', NOBODY)).code).toBe(4);
  });

  it('follows the policy written: a refuse list, an unattended list', async () => {
    project('policy:\n  agent: { unattended: [read, local, remote] }\n  ci: { refuse: [local] }\n');
    expect((await run(freeze, 'agent', NOBODY)).code).toBe(4);
    const ci = await run(freeze, 'ci');
    expect(ci.code).toBe(3);
    expect(ci.err).toContain('refused: runway freeze staging is a local (it writes the embedded state store) command and CI may not run local commands (policy.ci.refuse)');
  });

  it('judges nothing without a policy: key, and never a read command', async () => {
    project('');
    expect((await run(freeze, 'agent', NOBODY)).code).toBe(4);
    project('policy:\n  agent: { refuse: [read] }\n');
    expect((await run(['freezes', 'staging'], 'agent')).code).toBe(0);
  });
});
