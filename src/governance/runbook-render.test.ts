import { describe, expect, it } from 'vitest';
import { argvText } from '../exec/argv-text.js';
import { parseConfig } from '../config/parse.js';
import { buildPlan } from '../engine/plan.js';
import { runbookBody, RUNBOOK_RELEASE } from './runbook.js';

// The runbook body of a small config (runbook section added), for one environment or all.
function body(yaml: string, environment?: string, runbook = '{ owner: ops@shop.test, reviewEvery: 30d }'): string {
  const config = parseConfig(`project: shop\nrunbook: ${runbook}\n${yaml}`, 'runway.yaml');
  return runbookBody(config, (env) => buildPlan(config, env, { release: RUNBOOK_RELEASE }), environment);
}

// The lines of one `### <title>` section of one environment's part.
function section(text: string, env: string, title: string): string[] {
  const part = text.split(/^## /m).find((p) => p.startsWith(`${env}\n`))!;
  const sub = part.split(/^### /m).find((p) => p.startsWith(`${title}\n`));
  if (!sub) throw new Error(`no section ${title} in ${env}`);
  return sub.split('\n').slice(1).filter(Boolean);
}

const LOCAL = `environments:
  staging:
    target: { local: { start: node server.js, hold: 5m } }
`;

describe('the runbook body', () => {
  it('has every section for every environment, in promotion order', () => {
    const text = body(`${LOCAL}  production:
    requires: [staging]
    target: { local: { start: node server.js } }
`);
    expect(text.match(/^#{1,3} .*$/gm)).toEqual([
      '# Runbook: shop', '## Release',
      '## staging', '### Preconditions', '### Command pack', '### Checks', '### Rollback checklist', '### Evidence checklist',
      '## production', '### Preconditions', '### Command pack', '### Checks', '### Rollback checklist', '### Evidence checklist',
    ]);
    expect(text).toContain('Owner: ops@shop.test · reviewed every 30 days');
    expect(text).toContain('| production | local | staging | 0 | 2 | rollback |');
    expect(section(text, 'production', 'Preconditions')[0]).toBe(
      '- [ ] The release passed staging: a successful run there, not rolled back since (otherwise refused, exit 3).');
    expect(text.endsWith('walks the chain.\n')).toBe(true);
  });

  it('covers one environment when asked', () => {
    const text = body(`${LOCAL}  production: { target: { local: { start: x } } }\n`, 'production');
    expect(text.startsWith('# Runbook: shop · production\n')).toBe(true);
    expect(text).not.toContain('## staging');
  });

  it('lists every step in order with its exact command, timeout and attempts', () => {
    const text = body(`vars: { greeting: hello }
defaults: { timeout: 5m, retries: 2 }
${LOCAL}  production: { target: { local: { start: x } } }
pipeline:
  - { run: "echo \${{ vars.greeting }} \${{ runway.release }} $HOME", retries: 0, timeout: 90s }
  - deploy
  - checks
  - name: tell ops
    run: ./notify.sh
    when: { env: production, status: always }
    continueOnError: true
`);
    expect(section(text, 'staging', 'Command pack')).toEqual([
      '1. **run: echo hello <release> $HOME** — timeout 1m 30s · 1 attempt',
      '   ```sh',
      '   echo hello <release> $HOME',
      '   ```',
      '2. **deploy** — timeout 5m · 3 attempts',
      '   the local target runs:',
      '   ```sh',
      '   # start (blue/green behind the proxy) · env: PORT',
      '   $ /bin/sh -c "node server.js"',
      '   ```',
      '3. **checks** — timeout 5m · 1 attempt',
      '   runs the checks: none',
      '4. **tell ops** (run) — timeout 5m · 3 attempts · continues on error · runs when: always · skipped here (only in production)',
      '   ```sh',
      '   ./notify.sh',
      '   ```',
    ]);
    expect(text).toContain('- Defaults: step timeout 5m; run and deploy steps retry 2 time(s) (3 attempts) unless they set `retries`.');
  });

  it("shows a hosted target's platform commands exactly as runway plan prints them, and its pre-flight gate", () => {
    const yaml = 'environments:\n  production:\n    target: { fly: { app: shop-app } }\n';
    const text = body(yaml);
    const config = parseConfig(`project: shop\n${yaml}`, 'runway.yaml');
    const commands = buildPlan(config, 'production', { release: RUNBOOK_RELEASE }).target.commands;
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(text).toContain(`   $ ${argvText(c.argv)}\n`);
    expect(text).toContain('<release>');
    expect(section(text, 'production', 'Preconditions')).toContainEqual(
      expect.stringMatching(/^\| 1 \| fly pre-flight \(fly CLI, credentials\) \| the fly CLI is installed and recent enough \(.+\), and the platform's credentials are present \|$/));
    expect(text).toContain("How fly rolls back, first that applies: the platform's own history");
  });

  it('says what each gate checks: built-in gates by name, checks by their block', () => {
    const text = body(`secrets: { required: [SESSION_SECRET] }
environments:
  production:
    target: { local: { start: x } }
    flags: { values: { BETA: false }, off: true, except: [LEGACY] }
    gates:
      - secrets-present
      - parity
      - runbook
      - name: no freeze file
        command: { run: "test ! -f FREEZE" }
`, undefined, '{ owner: ops@shop.test, onStale: warn }');
    expect(section(text, 'production', 'Preconditions').slice(-5)).toEqual([
      '|---|---|---|',
      '| 1 | secrets-present | every required secret resolves (names: SESSION_SECRET; looked up in order in: env); values are never shown |',
      '| 2 | parity | the feature flags follow their policy: every flag is false, except LEGACY; a flag on the platform that runway.yaml does not declare fails it |',
      '| 3 | runbook | this runbook (RUNBOOK.md) is current: its doc_hash matches runway.yaml and it has not expired (when not: warn and go on) |',
      '| 4 | no freeze file | command: `{ run: test ! -f FREEZE, expect: { exitCode: 0 }, timeout: 1m }` |',
    ]);
  });

  it('lists the checks with what they expect, escaping table cells', () => {
    const text = body(`environments:
  staging:
    target: { local: { start: x } }
    checks:
      - http: { path: /health, expect: { status: 200 }, under: 300ms }
      - name: "a | b"
        command: { run: "grep -q 'x|y' out.txt" }
`);
    expect(section(text, 'staging', 'Checks').slice(-2)).toEqual([
      '| http GET /health | http | `{ path: /health, method: GET, expect: { status: 200 }, under: 300ms, timeout: 10s }` |',
      "| a \\| b | command | `{ run: grep -q 'x\\|y' out.txt, expect: { exitCode: 0 }, timeout: 1m }` |",
    ]);
  });

  it('rollback and evidence checklists follow the database, monitor, notify and signing settings', () => {
    const text = body(`evidence: { sign: { key: RUNWAY_EVIDENCE_KEY, publicKey: deploy/evidence.pub.pem } }
notify: [ { webhook: { url: "https://hooks.example.test/x" } } ]
environments:
  staging:
    target: { local: { start: x } }
    database: { url: STAGING_DATABASE_URL, backup: { verify: restore } }
    rollback: { database: restore }
    onFailure: stop
    monitor: { for: 5m }
pipeline: [migrate, deploy, checks]
`);
    const rollback = section(text, 'staging', 'Rollback checklist');
    expect(rollback[0]).toBe('- [ ] Trigger: a step that fails after the deploy step stops the run and the release stays live (onFailure: stop): roll back by hand.');
    expect(rollback).toContain('- [ ] Database: rollback.database: restore — a rollback also restores the backup taken right before the migrations it undoes; ' +
      'a backup is taken before each migrate step applies anything and restore-tested into a scratch database.');
    expect(rollback).toContain('- [ ] How local rolls back, first that applies: a pointer switch to the previous version while it is still warm ' +
      "(kept for 15m after a deploy); else a new deploy of that release's build (the same artifact, not a rebuild).");
    const evidence = section(text, 'staging', 'Evidence checklist');
    expect(evidence).toEqual(expect.arrayContaining([
      '- [ ] steps/00-gates.log: the gates\' measurements',
      '- [ ] steps/01-migrate.log (migrate)',
      '- [ ] steps/04-monitor.log (monitor)',
      '- [ ] migrate-1.json: the migrations applied and pending, and the backup taken first',
      '- [ ] monitor.json and monitor.svg: every evaluation of the window and its chart',
      '- [ ] notifications.json: every notification sent and whether it was delivered',
      expect.stringContaining('manifest.sig: its Ed25519 signature (deploy/evidence.pub.pem)'),
    ]));
    expect(section(text, 'staging', 'Command pack')).toContainEqual(expect.stringMatching(/^ {3}monitors: 5m, every 1\.0s over 10\.0s: errorRate < 0\.1%, p95 < 3s, crashes == 0; onBreach/));
    expect(section(text, 'staging', 'Preconditions')).toContainEqual(expect.stringMatching(/^\| 1 \| .+ \| connect: /));
  });

  it('writes no absolute path and no date', () => {
    const text = body(LOCAL);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toContain(process.cwd());
    expect(text).toContain('`.runway/evidence/staging/<run-id>/`');
  });
});

describe('argvText', () => {
  it('leaves plain words bare and JSON-quotes anything a shell would read differently', () => {
    const cases: Array<[string[], string]> = [
      [['fly', 'deploy', '--image', 'registry.fly.io/app:<release>'], 'fly deploy --image registry.fly.io/app:<release>'],
      [['/bin/sh', '-c', 'node server.js && echo "ok"'], '/bin/sh -c "node server.js && echo \\"ok\\""'],
      [['kubectl', 'set', 'image', 'deploy/web', 'web=ghcr.io/x/y@sha256:abc'], 'kubectl set image deploy/web web=ghcr.io/x/y@sha256:abc'],
      [['echo', '', "it's", 'a\nb', '$HOME', '[x]'], 'echo "" "it\'s" "a\\nb" "$HOME" [x]'],
    ];
    for (const [argv, text] of cases) expect(argvText(argv)).toBe(text);
  });
});
