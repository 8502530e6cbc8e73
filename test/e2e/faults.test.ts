/**
 * End to end: what goes wrong around a run — a second deploy at the same time, `kill -9` of runway mid-deploy,
 * Ctrl-C/SIGTERM, secrets in step output, bad config.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, makeProject, statusOf, type TestProject } from './project.js';

const projects: TestProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.cleanup()));
});

/** A project whose pipeline starts with `first` (a run step) before deploying. */
function withPipeline(steps: string): TestProject {
  const p = makeProject({ config: (yaml) => yaml.replace(/pipeline:[\s\S]*$/, `pipeline:\n${steps}`) });
  projects.push(p);
  return p;
}

/** Waits until `text` appears in the child's stderr. */
async function waitFor(child: { stderr: NodeJS.ReadableStream | null }, text: string, timeoutMs = 60_000): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; saw:\n${seen}`)), timeoutMs);
    child.stderr!.on('data', (d) => {
      seen += d;
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Lists every file below a directory. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('faults around a run', { timeout: 240_000 }, () => {
  it('runs exactly one of two concurrent deploys; the other is refused with the lock holder (exit 3)', async () => {
    // the first run holds the lock in a step that waits for a file the test writes once the second was refused
    const p = withPipeline('  - run: while [ ! -f go ]; do sleep 0.1; done\n  - deploy\n  - checks\n');
    p.write('.gitignore', `${p.read('.gitignore')}go\n`);
    p.commit('ignore the go file');
    const first = p.spawnRunway(['deploy', 'staging']);
    await waitFor(first, 'run: while');
    const second = await p.runway(['deploy', 'staging']);
    p.write('go', '');
    const done = await first.result;
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/staging is locked by run \d{8}T\d{6}Z-\w{4} \(started .* by e2e@runway\.test/);
    expect(done.code).toBe(0);
  });

  it('kill -9 of runway mid-deploy leaves the old or the new release serving, and the next deploy succeeds', async () => {
    const p = withPipeline('  - deploy\n  - checks\n');
    expect((await p.runway(['deploy', 'staging'])).code).toBe(0);
    const v1 = (await statusOf(p)).staging!.release;
    // v2 takes a while to become healthy, so the kill lands inside the deploy step
    p.edit('runway.yaml', 'start: node server.js, health: /health }', 'start: sleep 2 && node server.js, health: /health }');
    p.edit('package.json', '"version": "1.0.0"', '"version": "2.0.0"');
    p.commit('v2, slow to start');
    const child = p.spawnRunway(['deploy', 'staging']);
    await waitFor(child, 'deploy');
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGKILL');
    await child.result;
    const url = (await statusOf(p)).staging!.url!;
    const served = await get(`${url}/health`);
    expect(served.status).toBe(200);
    expect(served.release).toBeTruthy();
    const again = await p.runway(['deploy', 'staging']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/took over the stale lock of run .* \(runway pid \d+ is gone\)/);
    const s = await statusOf(p);
    expect(s.staging!.release).not.toBe(v1);
    expect((await get(`${url}/health`)).body).toContain('2.0.0');
    const history = JSON.parse((await p.runway(['history', 'staging', '--json'])).stdout) as Array<{ outcome: string }>;
    expect(history.map((r) => r.outcome)).toEqual(['successful', 'abandoned', 'successful']);
  });

  it('SIGTERM stops the running step and its process group, records the run as cancelled and frees the lock', async () => {
    const p = withPipeline('  - run: sleep 37.5\n  - deploy\n');
    const child = p.spawnRunway(['deploy', 'staging']);
    await waitFor(child, 'run: sleep 37.5');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const r = await child.result;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cancelled · deploy staging/);
    const leftovers = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('sleep 37.5'));
    expect(leftovers).toEqual([]);
    const s = await statusOf(p);
    expect(s.staging!.lock).toBeNull();
    expect(s.staging!.lastRun?.outcome).toBe('cancelled');
  });

  it('never prints a secret: not on the terminal, in step logs, evidence, state or the journal', async () => {
    const secret = 'made-up/s3cret+value!@#:42';
    const p = withPipeline([
      '  - run: echo "key is $SHOP_API_KEY"',
      '  - run: printf %s "$SHOP_API_KEY" | base64',
      `  - run: 'node -e "console.log(encodeURIComponent(process.env.SHOP_API_KEY)); console.log(JSON.stringify({k: process.env.SHOP_API_KEY}))"'`,
      '  - deploy',
      '',
    ].join('\n'));
    const r = await p.runway(['deploy', 'staging'], { env: { SHOP_API_KEY: secret } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('key is [REDACTED:SHOP_API_KEY]');
    const forms = [secret, Buffer.from(secret).toString('base64').replace(/=+$/, ''), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
    // everything Runway wrote: evidence, the embedded database files, agent state and logs, releases, journal
    const texts = [...p.outputs, ...walk(join(p.dir, '.runway')).map((f) => readFileSync(f, 'latin1')), p.read('deploy/journal.md')];
    for (const form of forms) for (const text of texts) expect(text.includes(form), `leaked form ${form.slice(0, 4)}…`).toBe(false);
  });

  it('retries a failing step, then escalates with its logs; nothing was deployed so the run is failed', async () => {
    const p = withPipeline('  - run: echo "attempting smoke"; exit 3\n  - deploy\n');
    const r = await p.runway(['deploy', 'staging']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('retrying (attempt 2 of 2)');
    expect(r.stderr).toMatch(/failed · deploy staging/);
    expect(r.stderr).toMatch(/escalated: run: echo "attempting smoke"; exit 3 failed after 2 attempt\(s\); logs: \.runway\/evidence\/staging\/[^/]+\/steps\/01-run\.log/);
    const log = readFileSync(join(p.dir, /logs: (\S+)/.exec(r.stderr)![1]!), 'utf8');
    expect(log.match(/^attempting smoke$/gm)).toHaveLength(2);
    expect(log).toContain('exit code 3');
    expect((await statusOf(p)).staging!.release).toBeNull();
  });

  it('refuses a dirty tree unless --allow-dirty, which is recorded in the run', async () => {
    const p = withPipeline('  - deploy\n');
    p.write('notes.txt', 'uncommitted');
    const refused = await p.runway(['deploy', 'staging']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('refused: the working tree has uncommitted changes (1 files: notes.txt)');
    const allowed = await p.runway(['deploy', 'staging', '--allow-dirty', '--json']);
    expect(allowed.code).toBe(0);
    const run = JSON.parse(allowed.stdout) as { allowDirty: boolean; release: { dirty: boolean } };
    expect(run).toMatchObject({ allowDirty: true, release: { dirty: true } });
  });

  it('reports every config error at once with positions, exit 2 and no stack trace', async () => {
    const p = makeProject();
    projects.push(p);
    p.write('runway.yaml', [
      'project: shop',
      'environments:',
      '  staging:',
      '    target: { local: { start: node server.js } }',
      '    chekcs: []',
      '  production:',
      '    requires: [stagin]',
      '    target: { local: { start: node server.js, port: "abc" } }',
      '',
    ].join('\n'));
    const r = await p.runway(['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('runway.yaml:5:5 environments.staging: unknown key "chekcs" (did you mean "checks"?)');
    expect(r.stderr).toMatch(/runway\.yaml:7:\d+ environments\.production\.requires\[0\]: unknown environment "stagin" \(did you mean "staging"\?\)/);
    expect(r.stderr).toMatch(/runway\.yaml:8:\d+ environments\.production\.target\.local\.port: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const deploy = await p.runway(['deploy', 'staging', '--allow-dirty']);
    expect(deploy.code).toBe(2);
  });
});
