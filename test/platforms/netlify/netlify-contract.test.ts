/**
 * The shared target contract for Netlify: the real netlify CLI (netlify-cli 26) against the loopback stand-in of
 * the Netlify API. `serving` reads the stand-in's published deploy's uploaded index.html, not the target.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { targetContract } from '../../../src/targets/contract.case.js';
import { netlifyTargetSchema } from '../../../src/targets/netlify/schema.js';
import { createNetlifyTarget } from '../../../src/targets/netlify/index.js';
import type { TargetContext } from '../../../src/targets/target.js';
import type { Release } from '../../../src/types.js';
import { startNetlifyApi } from './netlify-api.js';
import { requireNetlifyCli, standInTools } from './netlify-cli.js';

const TOKEN = 'nfp_contract-made-up-4242';
const missing = requireNetlifyCli();

describe.skipIf(missing)('netlify (real CLI, stand-in API)', () => {
  targetContract('netlify', async () => {
    const api = await startNetlifyApi();
    api.addSite('site-contract', 'runway-contract');
    api.addSite('site-empty', 'runway-empty');
    const root = mkdtempSync(join(tmpdir(), 'runway-netlify-contract-'));
    const tools = standInTools(api.url);
    let n = 0;
    const release = (label: string): Release => {
      const id = `${label}-${++n}-${Date.now().toString(36)}`;
      const dir = join(root, id);
      mkdirSync(join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'index.html'), `<main data-release="${id}">Runway SPA</main>`);
      return { id, sha: 'abc1234', artifactDigest: `sha256:${id}`, configDigest: 'sha256:c', dirty: false, dir, createdAt: new Date().toISOString() };
    };
    const context = (environment: string, signal?: AbortSignal): TargetContext => ({
      projectDir: root, stateDir: join(root, '.runway'), environment, signal, tools, log: () => undefined,
      config: { target: { netlify: netlifyTargetSchema.parse({ site: environment === 'contract-empty' ? 'site-empty' : 'site-contract', prod: true, timeout: '60s' }) } } as never,
      env: { NETLIFY_AUTH_TOKEN: TOKEN },
    });
    return {
      target: createNetlifyTarget(),
      context,
      release,
      secrets: [TOKEN],
      async serving(ctx) {
        const site = ctx.environment === 'contract-empty' ? 'site-empty' : 'site-contract';
        const live = api.published(site);
        const html = live ? api.file(live.id, 'index.html')?.toString('utf8') : undefined;
        return html ? /data-release="([^"]+)"/.exec(html)?.[1] : undefined;
      },
      faults: {
        fail: async () => {
          api.standIn.fault('PUT', '/api/v1/deploys/:deploy/files/*', { kind: 'status', status: 422, json: { code: 422, message: 'file rejected by the stand-in' } });
          return release('rejected');
        },
        hang: async () => {
          api.hold(true);
          return release('hanging');
        },
        'bad-output': async () => {
          api.hold(false);
          // The deploy's ready answer lacks its URLs, so `netlify deploy --json` prints no deploy_url.
          api.standIn.fault('GET', '/api/v1/sites/:site/deploys/:deploy', { kind: 'status', status: 200, json: { id: 'ffff0000', state: 'ready' } });
          return release('garbled');
        },
      },
      async cleanup() {
        await api.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
  });
});
