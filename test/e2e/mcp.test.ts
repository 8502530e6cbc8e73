/**
 * End to end: `runway mcp` from the built CLI (`node bin/runway.js mcp`) in a temp copy of the example app, driven
 * by the MCP SDK's own Client over StdioClientTransport. Tools and resources are listed; status, plan and history
 * answer as the CLI does; a deploy to staging on the local target sends progress notifications and runs as actor
 * kind agent; a promotion to production is refused until a person approves with an SSH-signed approval (real
 * ssh-keygen), then runs; a rollback rehearsal runs;
 * a made-up secret printed by a step is
 * in no result, notification or resource, and stdout carries nothing but protocol messages.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForms } from '../../src/secrets/encodings.js';
import { BIN, makeProject, type TestProject } from './project.js';

const SECRET = 'made-up/mcp+s3cret!@%=77q';
const PRODUCTION_APPROVALS = '    approvals: { required: 1, signatures: required, allowedSigners: ops/allowed_signers }\n';
// A step that prints the actor kind it runs under and a secret it was given.
const WHOAMI = "console.log('kind ' + process.env.RUNWAY_ACTOR_KIND + ' key ' + process.env.SHOP_API_KEY);\n";

const LONG = { timeout: 280_000, resetTimeoutOnProgress: true };

describe('runway mcp over stdio (shop-dashboard)', { timeout: 300_000 }, () => {
  let p: TestProject;
  let client: Client;
  let stderr = '';
  let keys = '';
  const seen: string[] = [];
  const protocolErrors: Error[] = [];

  // Calls a tool and keeps its texts for the secret search.
  const call = async (name: string, args: Record<string, unknown> = {}, onprogress?: (message: string) => void) => {
    const result = (await client.callTool({ name, arguments: args }, undefined, {
      ...LONG, ...(onprogress && { onprogress: (n: { message?: string }) => onprogress(n.message ?? '') }),
    })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    seen.push(text);
    return { text, isError: result.isError === true };
  };

  beforeAll(async () => {
    p = makeProject({
      env: { SHOP_API_KEY: SECRET },
      config: (yaml) => yaml
        .replace(/(\n  production:\n    requires: \[staging\]\n)/, `$1${PRODUCTION_APPROVALS}`)
        .replace(/\npipeline:\n/, '\npipeline:\n  - run: node whoami.cjs\n'),
    });
    p.write('whoami.cjs', WHOAMI);
    // the approver's SSH key, and the repository's allowed-signers file naming it
    keys = mkdtempSync(join(tmpdir(), 'runway-mcp-keys-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lead', '-f', join(keys, 'lead')]);
    mkdirSync(join(p.dir, 'ops'), { recursive: true });
    writeFileSync(join(p.dir, 'ops', 'allowed_signers'), `lead@acme.test namespaces="runway-approval" ${readFileSync(join(keys, 'lead.pub'), 'utf8').trim()}\n`);
    p.commit('a step that says who runs it; who may sign approvals');
    const transport = new StdioClientTransport({
      command: process.execPath, args: [BIN, 'mcp'], cwd: p.dir, stderr: 'pipe',
      // RUNWAY_ACTOR_KIND=human here: the server runs its tools as agent whatever the client's environment says
      env: { ...process.env, RUNWAY_ACTOR: 'agent@runway.test', RUNWAY_ACTOR_KIND: 'human', NO_COLOR: '1', SHOP_API_KEY: SECRET } as Record<string, string>,
    });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'runway-e2e', version: '1.0.0' });
    client.onerror = (err) => protocolErrors.push(err);
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    await p?.cleanup();
    if (keys) rmSync(keys, { recursive: true, force: true });
  });

  it('lists the tools (no approve tool) and the runbook and report resources', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['deploy', 'evidence_verify', 'history', 'monitor', 'plan', 'promote', 'rehearse', 'rollback', 'status']);
    expect(tools.find((t) => t.name === 'status')!.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'deploy')!.annotations?.readOnlyHint).toBe(false);
    expect(tools.find((t) => t.name === 'plan')!.inputSchema.required).toEqual(['env']);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['runway://runbook']);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['runway://reports/{env}/{run}', 'runway://runbook/{env}']);
  });

  it('status, plan and history answer with what the CLI prints; a bad environment is an error result with exit code 2', async () => {
    const status = await call('status');
    expect(status.isError).toBe(false);
    expect(status.text).toMatch(/^ENVIRONMENT +RELEASE/);
    expect(status.text).toMatch(/^staging +- /m);
    const plan = await call('plan', { env: 'staging' });
    const cli = await p.runway(['plan', 'staging']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(plan.isError).toBe(false);
    expect(plan.text).toContain(cli.stdout.trim());
    const json = await call('plan', { env: 'production', json: true });
    expect(JSON.parse(json.text)).toMatchObject({ environment: 'production' });
    const history = await call('history');
    expect(history.isError).toBe(false);
    const bad = await call('plan', { env: 'prod' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('unknown environment "prod": runway.yaml defines "staging", "production"');
    expect(bad.text).toContain('exit code 2 (bad input)');
    const option = await call('plan', { env: '--json' });
    expect(option.isError).toBe(true);
    expect(option.text).toMatch(/^MCP error -32602: Input validation error: Invalid arguments for tool plan: .*not starting with "-"/s);
  });

  it('deploys to staging as actor kind agent, with progress notifications for its steps', async () => {
    const progress: string[] = [];
    const deploy = await call('deploy', { env: 'staging' }, (m) => progress.push(m));
    seen.push(...progress);
    expect(deploy.isError, deploy.text).toBe(false);
    expect(deploy.text).toMatch(/successful · deploy staging · release \w{7}-\w{8}/);
    expect(deploy.text).toContain('kind agent key [REDACTED:SHOP_API_KEY]');
    expect(progress.some((m) => m.startsWith('▸ '))).toBe(true);
    expect(progress.some((m) => /^✓ .*deploy/.test(m))).toBe(true);
    expect(progress.every((m) => !m.includes('│'))).toBe(true);
    const history = await call('history', { env: 'staging', json: true });
    const runs = JSON.parse(history.text) as Array<{ outcome: string; kind: string; command: string }>;
    expect(runs[0]).toMatchObject({ outcome: 'successful', kind: 'deploy', command: 'runway deploy staging' });
  });

  it('serves the run report and the runbook as resources', async () => {
    const { resources } = await client.listResources();
    const reports = resources.filter((r) => r.uri.startsWith('runway://reports/staging/'));
    expect(reports).toHaveLength(1);
    const report = await client.readResource({ uri: reports[0]!.uri });
    const text = (report.contents[0] as { text: string }).text;
    seen.push(text);
    expect(text).toMatch(/^# staging · deploy · successful/);
    const runbook = await client.readResource({ uri: 'runway://runbook/production' });
    const runbookText = (runbook.contents[0] as { text: string }).text;
    seen.push(runbookText);
    const cli = await p.runway(['runbook', 'production']);
    expect(runbookText).toBe(cli.stdout);
    await expect(client.readResource({ uri: 'runway://reports/staging/no-such-run' })).rejects.toThrow(/no evidence bundle of run no-such-run in staging/);
  });

  it('a promotion to production is refused (exit code 3) until a person approves with a signed approval, then runs; evidence verifies', async () => {
    const refused = await call('promote', { from: 'staging', to: 'production' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/refused: release \w{7}-\w{8} is not approved for production: 1 more approval \(0 of 1\)/);
    expect(refused.text).toContain('exit code 3 (locked or refused)');
    const release = /refused: release (\w{7}-\w{8})/.exec(refused.text)![1]!;
    const person = { env: { RUNWAY_ACTOR: 'lead@acme.test', RUNWAY_ACTOR_KIND: 'human' } };
    const unsigned = await p.runway(['approve', 'production', '--release', release], person);
    expect(unsigned.code, unsigned.stderr).toBe(3);
    expect((await call('promote', { from: 'staging', to: 'production' })).isError).toBe(true);
    const approved = await p.runway(['approve', 'production', '--release', release, '--sign', join(keys, 'lead')], person);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('(signed by lead@acme.test, key ED25519 SHA256:');
    const promoted = await call('promote', { from: 'staging', to: 'production', json: true });
    expect(promoted.isError, promoted.text).toBe(false);
    expect(promoted.text).toContain(`successful · promote production · release ${release}`);
    // the run's evidence names the verified signer
    const run = JSON.parse(promoted.text.slice(promoted.text.indexOf('{'), promoted.text.lastIndexOf('}') + 1));
    expect(run.actor).toBe('agent@runway.test');
    expect(run.governance.approvals.counted).toEqual([expect.objectContaining({ who: 'lead@acme.test', signed: true, key: expect.stringMatching(/^ED25519 SHA256:/) })]);
    const verify = await call('evidence_verify');
    expect(verify.isError, verify.text).toBe(false);
    expect(verify.text).toMatch(/evidence: \d+ bundles? verified, 0 problems/);
  });

  it('rehearses a rollback on staging between two releases', async () => {
    p.edit('package.json', '"version": "1.0.0"', '"version": "2.0.0"');
    p.commit('v2');
    const v2 = await call('deploy', { env: 'staging' });
    expect(v2.isError, v2.text).toBe(false);
    const rehearsal = await call('rehearse', { env: 'staging' });
    expect(rehearsal.isError, rehearsal.text).toBe(false);
    expect(rehearsal.text).toMatch(/successful · rehearsal staging · release \w{7}-\w{8}/);
    expect(rehearsal.text).toMatch(/^rehearsal: /m);
  });

  it('leaves the secret in no answer and writes nothing but protocol messages to stdout', () => {
    expect(seen.length).toBeGreaterThan(5);
    const all = seen.join('\n');
    for (const form of secretForms(SECRET)) expect(all).not.toContain(form);
    expect(stderr).not.toContain(SECRET);
    expect(stderr).toContain('runway mcp: serving');
    expect(protocolErrors).toEqual([]);
  });
});
