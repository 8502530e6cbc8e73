import { describe, expect, it } from 'vitest';
import { RecordingTools } from '../../exec/tool.js';
import type { TargetContext } from '../target.js';
import { commandTarget } from './definition.js';
import { commandTargetSchema } from './schema.js';
import { extract, shellCall } from './run.js';

const config = commandTargetSchema.parse({
  deploy: 'scripts/deploy/staging-deploy.sh "$RUNWAY_RELEASE"',
  rollback: { run: 'render deploys rollback "$RUNWAY_HANDLE_ID"' },
  env: { REGION: 'eu' },
  secrets: ['RENDER_API_KEY'],
});

describe('command target: commands and output', () => {
  it('runway plan prints each command as /bin/sh -c with the variables it gets', () => {
    expect(commandTarget.commands({ environment: 'staging', config, release: { id: 'r1', sha: 'abc' } })).toEqual([
      { label: 'deploy', argv: ['/bin/sh', '-c', 'scripts/deploy/staging-deploy.sh "$RUNWAY_RELEASE"'], env: ['RUNWAY_ENVIRONMENT', 'RUNWAY_RELEASE', 'RUNWAY_RELEASE_SHA', 'RUNWAY_RELEASE_DIR', 'RUNWAY_ARTIFACT'] },
      { label: 'rollback', argv: ['/bin/sh', '-c', 'render deploys rollback "$RUNWAY_HANDLE_ID"'], env: ['RUNWAY_ENVIRONMENT', 'RUNWAY_ROLLBACK_RELEASE', 'RUNWAY_HANDLE_ID'], when: 'only on rollback' },
    ]);
  });

  it('a call runs through the shell with only the named secrets in its environment, never in the command line', async () => {
    const tools = new RecordingTools();
    const ctx = { projectDir: '/p', environment: 'staging', env: { RENDER_API_KEY: 'rnd_madeUp123', OTHER_SECRET: 'nope' }, tools } as unknown as TargetContext;
    const call = shellCall(ctx, config, config.deploy.run, { RUNWAY_RELEASE: 'r1' });
    expect(call).toMatchObject({ file: 'scripts/deploy/staging-deploy.sh "$RUNWAY_RELEASE"', args: [], shell: true, cwd: '/p', timeoutMs: 900_000 });
    expect(call.env).toEqual({ RENDER_API_KEY: 'rnd_madeUp123', REGION: 'eu', RUNWAY_ENVIRONMENT: 'staging', RUNWAY_RELEASE: 'r1' });
    expect(call.file).not.toContain('rnd_madeUp123');
  });

  it.each([
    ['json path', '{"deploy":{"id":"dep-7"}}', { json: '$.deploy.id' }, 'dep-7'],
    ['json after progress lines', 'Deploying…\n{"id": 42}', { json: '$.id' }, '42'],
    ['regex group', 'Deployed to https://shop-staging.onrender.com (dep-cq1)', { regex: '(https://\\S+)' }, 'https://shop-staging.onrender.com'],
    ['regex without a group', 'release v12 is live', { regex: 'v\\d+' }, 'v12'],
    ['regex across lines', 'a\nid: dpl_9\n', { regex: '^id: (\\S+)$' }, 'dpl_9'],
  ])('extract: %s', (_name, stdout, spec, value) => expect(extract(stdout, spec, 'the deploy command')).toBe(value));

  it.each([
    ['not JSON', '<html>502</html>', { json: '$.id' }, /could not read the JSON output of the deploy command/],
    ['missing field', '{"x":1}', { json: '$.id' }, /could not read \$\.id from the output of the deploy command: no such field/],
    ['an object', '{"id":{"a":1}}', { json: '$.id' }, /not a single value/],
    ['no match', 'done', { regex: 'id=(\\w+)' }, /could not read \/id=\(\\w\+\)\/ from the output of the deploy command: "done"/],
    ['empty', '', { regex: 'x' }, /it printed nothing/],
  ])('extract fails clearly: %s', (_name, stdout, spec, message) => expect(() => extract(stdout, spec, 'the deploy command')).toThrow(message));

  it('the schema: string shorthand, one extractor kind, no unknown keys', () => {
    expect(commandTargetSchema.parse({ deploy: 'x' }).deploy).toEqual({ run: 'x' });
    expect(commandTargetSchema.safeParse({ deploy: { run: 'x', id: { json: '$.a', regex: 'b' } } }).success).toBe(false);
    expect(commandTargetSchema.safeParse({ deploy: 'x', token: 'y' }).success).toBe(false);
    expect(commandTargetSchema.safeParse({ deploy: { run: 'x', url: { regex: '(' } } }).success).toBe(false);
  });
});
