import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDeployOutput, parseDeploys, parseSite, readDeploy, releaseOfTitle } from './parse.js';

// Outputs recorded from netlify-cli 26.2.0 run against the loopback stand-in of the Netlify API.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/netlify-26.2.0-${name}.json`, import.meta.url), 'utf8');

describe('netlify output parsers (netlify-cli 26.2.0)', () => {
  it('deploy --json: deploy id, its URL and the production URL', () => {
    expect(parseDeployOutput(fixture('deploy'))).toEqual({
      siteId: 'site-cli', deployId: '00000003dddddddddddddddd', deployUrl: 'http://127.0.0.1:8999/__deploys/00000003dddddddddddddddd',
      url: 'http://127.0.0.1:8999/__sites/runway-cli', logs: 'undefined/deploys/00000003dddddddddddddddd',
    });
  });

  it('api listSiteDeploys: newest first, with the release from the title', () => {
    const deploys = parseDeploys(fixture('listSiteDeploys'));
    expect(deploys.map((d) => [releaseOfTitle(d.title), d.state, d.context])).toEqual([
      ['r-prod-3', 'ready', 'production'], ['r-draft-2', 'ready', 'deploy-preview'], ['r-prod-1', 'ready', 'production'],
    ]);
    expect(deploys[0]).toMatchObject({ id: '00000003dddddddddddddddd', siteId: 'site-cli', locked: false });
  });

  it('api getSite: the published deploy and the site URL', () => {
    const site = parseSite(fixture('getSite'));
    expect(site).toMatchObject({ id: 'site-cli', name: 'runway-cli', url: 'http://127.0.0.1:8999/__sites/runway-cli' });
    expect(site.published).toMatchObject({ id: '00000001dddddddddddddddd', state: 'ready', title: 'runway r-prod-1' });
  });

  it('api restoreSiteDeploy: the restored deploy', () => {
    expect(readDeploy(JSON.parse(fixture('restoreSiteDeploy')), 'restore')).toMatchObject({ id: '00000001dddddddddddddddd', state: 'ready' });
  });

  it('a site with nothing published has no published deploy', () => {
    expect(parseSite('{"id":"s1","published_deploy":null}')).toEqual({ id: 's1' });
  });

  it.each([
    ['garbage', 'not json at all', /could not read the JSON output of netlify deploy --json/],
    ['no deploy url', '{"deploy_id":"d1","logs":"x"}', /no deploy_id or deploy_url/],
    ['an array', '[]', /expected a JSON object/],
    ['nothing', '', /it printed nothing/],
  ])('deploy output: %s is a clear error', (_name, text, message) => {
    expect(() => parseDeployOutput(text)).toThrow(message);
  });

  it('listSiteDeploys output that is not an array is a clear error', () => {
    expect(() => parseDeploys('{"code":401,"message":"Unauthorized"}')).toThrow(/listSiteDeploys: expected a JSON array/);
  });

  it.each([['runway 3f2a9c1-8d0e4b7a', '3f2a9c1-8d0e4b7a'], ['Deploy from CLI', undefined], [undefined, undefined], ['runway a b', undefined]])(
    'release of title %s', (title, id) => expect(releaseOfTitle(title)).toBe(id));
});
