import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors.js';
import type { ConfigCache } from './cache.js';
import { loadConfig } from './load.js';
import { parseConfig } from './parse.js';
import { readRawConfig } from './raw.js';

const CONFIG = `project: shop
x-check: &health { http: { path: /health } }
secrets:
  names: [SESSION_KEY]
environments:
  staging: { target: { local: { start: node app.js } }, checks: [*health] }
pipeline: [deploy, checks]
`;

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project with `text` as runway.yaml, its state directory made unless `state` is false, and a cache on it. */
function project(text = CONFIG, state = true): { dir: string; cache: ConfigCache; entry: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runway-config-cache-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'runway.yaml'), text);
  if (state) mkdirSync(join(dir, '.runway'));
  const stateDir = join(dir, '.runway');
  return { dir, cache: { stateDir, build: 'build-1' }, entry: join(stateDir, 'cache', 'config', 'runway.yaml.json') };
}

const entryOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('the parsed-config cache', () => {
  it('keeps a parsed config with its text and build, and gives the same config back from it', async () => {
    const { dir, cache, entry } = project();
    const first = await loadConfig({ dir, cache });
    expect(entryOf(entry)).toMatchObject({ build: 'build-1', label: 'runway.yaml', text: CONFIG, config: first.config });
    const second = await loadConfig({ dir, cache });
    expect(second.config).toStrictEqual(first.config);
    expect(second.digest).toBe(first.digest);
    // what a parse without any cache gives, as plain data
    expect(first.config).toStrictEqual(JSON.parse(JSON.stringify(parseConfig(CONFIG, 'runway.yaml'))));
  });

  it('answers from the entry when build and text match, and parses again when either differs', async () => {
    const { dir, cache, entry } = project();
    await loadConfig({ dir, cache });
    // an entry made to differ from what the text parses to shows which of the two a load used
    const forged = entryOf(entry);
    (forged.config as Record<string, unknown>).project = 'from-the-cache';
    writeFileSync(entry, JSON.stringify(forged));
    expect((await loadConfig({ dir, cache })).config.project).toBe('from-the-cache');
    expect((await loadConfig({ dir, cache: { ...cache, build: 'build-2' } })).config.project).toBe('shop');
    // the other build's parse replaced the entry
    expect(entryOf(entry).build).toBe('build-2');
    writeFileSync(entry, JSON.stringify({ ...forged, build: 'build-1' }));
    writeFileSync(join(dir, 'runway.yaml'), CONFIG.replace('project: shop', 'project: shop2'));
    expect((await loadConfig({ dir, cache })).config.project).toBe('shop2');
    expect(entryOf(entry).text).toContain('project: shop2');
  });

  it('an unreadable entry is a miss and is replaced', async () => {
    const { dir, cache, entry } = project();
    mkdirSync(join(cache.stateDir, 'cache', 'config'), { recursive: true });
    writeFileSync(entry, '{"build": "build-1", "text": ');
    expect((await loadConfig({ dir, cache })).config.project).toBe('shop');
    expect(entryOf(entry).build).toBe('build-1');
  });

  it('writes nothing for a config with problems, and makes no state directory', async () => {
    const bad = project(CONFIG.replace('pipeline: [deploy, checks]', 'pipeline: [deploy, chekcs]'));
    await expect(loadConfig({ dir: bad.dir, cache: bad.cache })).rejects.toBeInstanceOf(ConfigError);
    expect(existsSync(bad.entry)).toBe(false);
    const fresh = project(CONFIG, false);
    await loadConfig({ dir: fresh.dir, cache: fresh.cache });
    expect(existsSync(fresh.cache.stateDir)).toBe(false);
    // no temporary file is left beside an entry
    const ok = project();
    await loadConfig({ dir: ok.dir, cache: ok.cache });
    expect(readdirSync(join(ok.cache.stateDir, 'cache', 'config'))).toEqual(['runway.yaml.json']);
  });

  it('a secret-name list holding a secret of this environment is refused on a hit as on a parse', async () => {
    const text = CONFIG.replace('names: [SESSION_KEY]', 'names: [SESSION_KEY, Tr0ub4dorXyzzy]');
    const { dir, cache, entry } = project(text);
    expect((await loadConfig({ dir, cache })).config.secrets.names).toContain('Tr0ub4dorXyzzy');
    expect(existsSync(entry)).toBe(true);
    vi.stubEnv('SESSION_SECRET', 'Tr0ub4dorXyzzy');
    const error = await loadConfig({ dir, cache }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/secrets\.names\[1\]: expected the name of an environment variable.*got the value of secret SESSION_SECRET/);
    expect(String(error)).not.toContain('Tr0ub4dorXyzzy');
  });

  it('gives the raw reader the YAML data of a config it holds', async () => {
    const { dir, cache, entry } = project();
    await loadConfig({ dir, cache });
    const forged = entryOf(entry);
    writeFileSync(entry, JSON.stringify({ ...forged, data: { ...(forged.data as object), project: 'raw-from-cache' } }));
    expect((await readRawConfig({ dir, cache }))?.data.project).toBe('raw-from-cache');
    expect((await readRawConfig({ dir, cache: false }))?.data.project).toBe('shop');
  });

  it('is off without a build id (Runway run from its sources), and with cache: false', async () => {
    const { dir, cache, entry } = project();
    await loadConfig({ dir });
    await loadConfig({ dir, cache: false });
    expect(existsSync(entry)).toBe(false);
    await loadConfig({ dir, cache });
    expect(existsSync(entry)).toBe(true);
  });
});
