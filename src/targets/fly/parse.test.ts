import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageLabel, memoryMismatches, parseChecks, parseMachines, parseReleases, parseStatus } from './parse.js';

// Outputs written from flyctl's and fly-go's source (see fixtures/README.md), not recorded from Fly.
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', `flyctl-from-source-${name}.json`), 'utf8');

describe('flyctl JSON readers (fixtures derived from source)', () => {
  it('releases: Go field names, newest first, image tag = release label', () => {
    const releases = parseReleases(fixture('releases'));
    expect(releases.map((r) => [r.version, r.status, r.label])).toEqual([
      [7, 'complete', '3f2a9c1-8d0e4b7a'], [6, 'failed', '9b1d2e3-00aa11bb'], [5, 'complete', '1c0ffee-deadbeef'], [4, 'complete', 'deployment-01HX3ZK7Q2'],
    ]);
    expect(releases[0]).toMatchObject({ id: 'rel_3Lq9v0ZxW2', stable: true, strategy: 'rolling', imageRef: 'registry.fly.io/shop-app:3f2a9c1-8d0e4b7a' });
    expect(parseReleases(JSON.stringify([{ Version: 1 }, { Version: 3 }])).map((r) => r.version)).toEqual([3, 1]);
  });

  it('status: app fields, machines in snake_case with image tag, release version and checks', () => {
    const status = parseStatus(fixture('status'));
    expect(status).toMatchObject({ name: 'shop-app', deployed: true, version: 7, appUrl: 'https://shop-app.fly.dev', hostname: 'shop-app.fly.dev' });
    expect(status.machines.map((m) => [m.id, m.state, m.region, m.label, m.releaseVersion, m.memoryMb])).toEqual([
      ['148ed193b95389', 'started', 'ams', '3f2a9c1-8d0e4b7a', 7, 1024], ['0e286039f42e86', 'started', 'fra', '3f2a9c1-8d0e4b7a', 7, 1024],
    ]);
    expect(status.machines[1]!.checks).toEqual([{ name: 'servicecheck-00-http-3000', status: 'warning', ok: false, output: 'connect: connection refused' }]);
  });

  it('checks: one entry per machine and check; only passing is ok', () => {
    expect(parseChecks(fixture('checks'))).toEqual([
      { name: '148ed193b95389/servicecheck-00-http-3000', status: 'passing', ok: true, output: '200 OK' },
      { name: '0e286039f42e86/servicecheck-00-http-3000', status: 'critical', ok: false, output: 'GET /health: 503 Service Unavailable' },
    ]);
  });

  it('machines: guest memory, and the mismatches a memory setting finds', () => {
    const machines = parseMachines(fixture('machines'));
    expect(machines.map((m) => m.memoryMb)).toEqual([2048, 1024]);
    expect(memoryMismatches(machines, 2048)).toEqual(['0e286039f42e86 (fra): 1024 MB']);
    expect(memoryMismatches(machines, 1024)).toEqual(['148ed193b95389 (ams): 2048 MB']);
  });

  it.each([
    ['registry.fly.io/app:r1', 'r1'], ['registry.fly.io/app:r1@sha256:abc', 'r1'], ['registry.fly.io/app@sha256:abc', undefined],
    ['localhost:5000/app', undefined], [undefined, undefined],
  ])('imageLabel(%s) = %s', (ref, label) => expect(imageLabel(ref)).toBe(label));

  it.each([
    ['releases', () => parseReleases('Error: not logged in'), /could not read the JSON output of fly releases --json: "Error: not logged in"/],
    ['releases shape', () => parseReleases('{}'), /not a list of releases/],
    ['status shape', () => parseStatus('[]'), /without the app/],
    ['machines', () => parseMachines(''), /it printed nothing/],
    ['checks shape', () => parseChecks('[1]'), /not an object of machines/],
  ])('unreadable output: %s', (_name, read, message) => expect(read).toThrow(message));
});
