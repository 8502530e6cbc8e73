import { describe, expect, it } from 'vitest';
import { buildCall, checksCall, deployCall, goDuration, imageRef, machinesCall, readFlyVersion, releasesCall, secretsCall, statusCall } from './commands.js';
import { flyTarget } from './definition.js';
import { flyTargetSchema } from './schema.js';

const config = flyTargetSchema.parse({ app: 'shop-staging' });

describe('fly commands as exact argument arrays', () => {
  it.each([
    ['build', buildCall(config, '3f2a9c1-8d0e4b7a'), ['fly', 'deploy', '--build-only', '--push', '--image-label', '3f2a9c1-8d0e4b7a', '-a', 'shop-staging', '-c', 'fly.toml']],
    ['build into another app', buildCall({ ...config, buildApp: 'shop-builds' }, 'r1'), ['fly', 'deploy', '--build-only', '--push', '--image-label', 'r1', '-a', 'shop-builds', '-c', 'fly.toml']],
    ['deploy', deployCall(config, 'registry.fly.io/shop-staging:r1'),
      ['fly', 'deploy', '--image', 'registry.fly.io/shop-staging:r1', '-a', 'shop-staging', '-c', 'fly.toml', '--strategy', 'rolling', '--wait-timeout', '300s', '-y']],
    ['deploy bluegreen', deployCall(flyTargetSchema.parse({ app: 'p', config: 'deploy/fly.production.toml', strategy: 'bluegreen', waitTimeout: '90s' }), 'img', '/opt/fly'),
      ['/opt/fly', 'deploy', '--image', 'img', '-a', 'p', '-c', 'deploy/fly.production.toml', '--strategy', 'bluegreen', '--wait-timeout', '90s', '-y']],
    ['status', statusCall(config), ['fly', 'status', '--json', '-a', 'shop-staging']],
    ['checks', checksCall(config), ['fly', 'checks', 'list', '--json', '-a', 'shop-staging']],
    ['releases', releasesCall(config), ['fly', 'releases', '--json', '--image', '-a', 'shop-staging']],
    ['machines', machinesCall(config), ['fly', 'machines', 'list', '--json', '-a', 'shop-staging']],
    ['secrets', secretsCall(config), ['fly', 'secrets', 'list', '--json', '-a', 'shop-staging']],
  ])('%s', (_name, call, argv) => {
    expect(call.argv).toEqual(argv);
    // Credentials by name only: never a token flag in argv.
    expect(call.credentials).toEqual(['FLY_ACCESS_TOKEN', 'FLY_API_TOKEN']);
    expect(call.argv.join(' ')).not.toMatch(/--access-token|(^| )-t( |$)/);
  });

  it('image refs, Go durations and the version line', () => {
    expect(imageRef(config, 'r9')).toBe('registry.fly.io/shop-staging:r9');
    expect(imageRef({ app: 'shop-production', buildApp: 'shop-staging' }, 'r9')).toBe('registry.fly.io/shop-staging:r9');
    expect([goDuration('5m'), goDuration('1500ms'), goDuration(1)]).toEqual(['300s', '2s', '1s']);
    expect(readFlyVersion('fly v0.3.172 linux/amd64 Commit: 1a2b3c BuildDate: 2025-09-01T10:00:00Z')).toBe('0.3.172');
    expect(readFlyVersion('command not found')).toBeUndefined();
  });

  it('runway plan prints build, deploy, status and (with memory) the machines check', () => {
    const plan = flyTarget.commands({ environment: 'production', config: flyTargetSchema.parse({ app: 'p', buildApp: 's', memory: 2048 }), release: { id: 'r1', sha: 'abc' } });
    expect(plan.map((c) => [c.label, c.argv.join(' '), c.when ?? ''])).toEqual([
      ['build image', 'fly deploy --build-only --push --image-label r1 -a s -c fly.toml', 'once per release, unless the image is already built'],
      ['deploy', 'fly deploy --image registry.fly.io/s:r1 -a p -c fly.toml --strategy rolling --wait-timeout 300s -y', ''],
      ['status', 'fly status --json -a p', ''],
      ['machines', 'fly machines list --json -a p', 'memory is set: every machine must have 2048 MB'],
    ]);
    expect(plan[1]!.env).toEqual(['FLY_ACCESS_TOKEN', 'FLY_API_TOKEN']);
  });

  it('the schema refuses an unknown strategy and unknown keys', () => {
    expect(flyTargetSchema.safeParse({ app: 'a', strategy: 'recreate' }).success).toBe(false);
    expect(flyTargetSchema.safeParse({ app: 'a', token: 'x' }).success).toBe(false);
    expect(flyTargetSchema.parse({ app: 'a' })).toMatchObject({ config: 'fly.toml', strategy: 'rolling', waitTimeout: '5m', health: '/health' });
  });
});
