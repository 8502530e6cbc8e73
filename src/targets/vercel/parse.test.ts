import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StepError } from '../../errors.js';
import { parseDeploy, parseInspect, parseList } from './parse.js';

// Output recorded from vercel 58.10.0 run against the loopback stand-in of the Vercel API.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/vercel-58.10.0-${name}`, import.meta.url), 'utf8');

describe('vercel output readers', () => {
  it('reads deploy --json as --non-interactive prints it (wrapped in { status, deployment })', () => {
    const out = parseDeploy(fixture('deploy.json'));
    expect(out.id).toMatch(/^dpl_[0-9a-f]{24}$/);
    expect(out).toMatchObject({ readyState: 'READY', target: 'production' });
    expect(out.url).toMatch(/^https:\/\/web-[0-9a-f]{9}-runway\.vercel\.app$/);
  });

  it('reads deploy --json as a TTY-less interactive run prints it (the bare deployment)', () => {
    const out = parseDeploy(fixture('deploy-tty-less.json'));
    expect(out.id).toMatch(/^dpl_/);
    expect(out.readyState).toBe('READY');
    expect(out.inspectorUrl).toContain(out.id);
  });

  it('reads list --json newest first, with the release each deployment carries', () => {
    const list = parseList(fixture('list.json'));
    expect(list.map((d) => d.releaseId)).toEqual(['def5678-0002', 'abc1234-0001']);
    expect(list[0]!.createdAt).toBeGreaterThan(list[1]!.createdAt);
    expect(list.every((d) => d.url.startsWith('https://') && d.state === 'READY')).toBe(true);
    expect(parseList(fixture('list-tty-less.json'))[0]!.releaseId).toBe('abc1234-0003');
  });

  it('reads an empty list', () => {
    expect(parseList(fixture('list-empty.json'))).toEqual([]);
  });

  it('reads inspect --json of the production domain: the deployment it serves', () => {
    const out = parseInspect(fixture('inspect.json'));
    expect(out.aliases).toEqual(['web.vercel.app']);
    expect(out.id).toBe(parseList(fixture('list.json'))[0]!.id);
  });

  it.each([
    ['deploy', () => parseDeploy('Vercel CLI 58.10.0\n<html>502</html>'), /could not read the JSON output of vercel deploy --json/],
    ['deploy without id', () => parseDeploy('{"status":"ok","deployment":{"url":"x.vercel.app","readyState":"READY"}}'), /output of vercel deploy --json: id /],
    ['deploy with no URL', () => parseDeploy('{"id":"dpl_bad","url":"https://undefined","readyState":"READY"}'), /output of vercel deploy --json: url is not a deployment url/],
    ['list', () => parseList('{"deployments":{}}'), /output of vercel list --json: deployments /],
    ['inspect', () => parseInspect(''), /vercel inspect --json: it printed nothing/],
  ])('fails clearly on output it cannot read (%s)', (_name, read, message) => {
    expect(read).toThrow(StepError);
    expect(read).toThrow(message);
  });
});
