// The governance part of Runway's demo: production requires a signed approval and a rehearsed rollback.
//
// Called by scripts/demo.js with its `runway(args, expectedCode, env)` helper and the demo project directory, after
// the monitor has rolled v3 back (production serves v1). Production gets `approvals:` (one person, signed with an
// SSH key; a checklist item Runway verifies — rollback-rehearsed — and one a person signs off), the
// `rollback-rehearsed` gate and a freeze override list. v4 fixes v3's orders query and passes staging; its promotion
// is refused until the rollback from v4 to production's v1 is rehearsed on staging and a second person approves with
// a signature (the release's own starter is refused, even signed). An ad-hoc freeze then refuses it; an allowed
// override promotes it under traffic, and its evidence names the verified signer, whose signature verifies again
// from the bundle alone. Returns the number of unexpected results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentStatus, runAsync, startTraffic } from './demo-monitor.js';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const LEAD = 'lead@shop-dashboard.test';
const OPS = 'ops@shop-dashboard.test';
const STARTER = 'demo@runway.local';
const ITEM = 'communication plan ready';
const say = (text) => process.stdout.write(`\n${bold(`━━ ${text}`)}\n`);
const human = (actor) => ({ RUNWAY_ACTOR: actor, RUNWAY_ACTOR_KIND: 'human' });

/** Runs the governance demo in `dir`; `runway(args, expectedCode, env)` runs the CLI there synchronously. */
export async function demoGovernance(runway, dir) {
  const git = (...args) => spawnSync('git', args, { cwd: dir, stdio: 'ignore' });
  const edit = (file, change) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
  const signing = spawnSync('ssh-keygen', ['-Y', 'sign'], { stdio: 'ignore' }).error === undefined;

  say('production requires a signed approval and a rollback rehearsed on staging');
  const governance = '    approvals:\n      required: 1\n' +
    `      signatures: ${signing ? 'required           # SSH keys of .runway/allowed_signers' : 'optional           # ssh-keygen is not installed here'}\n` +
    '      checklist:\n        - { item: rollback rehearsed on staging, verify: rollback-rehearsed }   # Runway checks it\n' +
    `        - ${ITEM}                                  # a person signs it off\n` +
    `    freeze: { override: [${STARTER}] }                # who may promote inside a freeze, with a reason\n`;
  edit('runway.yaml', (yaml) => yaml.replace(/^( {2}production:\n)/m, `$1${governance}`)
    .replace('    gates: [secrets-present, parity]\n', '    gates: [secrets-present, parity, rollback-rehearsed]\n'));
  process.stdout.write(`${governance}    gates: [secrets-present, parity, rollback-rehearsed]\n`);
  const keys = mkdtempSync(join(tmpdir(), 'runway-demo-keys-'));
  if (signing) makeSigners(dir, keys);
  else process.stdout.write('(approvals are not signed here: ssh-keygen not found; apt-get install openssh-client)\n');

  say('v4: the orders query fixed; it passes staging, but production refuses it (not approved, rollback not rehearsed)');
  edit('package.json', (text) => {
    const { fault: _fault, ...pkg } = JSON.parse(text);
    return `${JSON.stringify({ ...pkg, version: '4.0.0' }, null, 2)}\n`;
  });
  if (signing) git('add', '-f', '.runway/allowed_signers');
  git('commit', '-q', '-am', 'shop-dashboard v4: orders query fixed; production approvals and rollback rehearsal');
  runway(['deploy', 'staging']);
  runway(['promote', 'staging', 'production'], 3);

  const y = environmentStatus(dir, 'production')?.release;
  say(`rehearse the rollback on staging: deploy v4, roll back to ${y} (what production serves) and check it, v4 again`);
  runway(['rehearse', 'staging', '--to', y]);

  say(`the release's starter cannot approve it${signing ? ', even with a valid signature' : ''}`);
  const sign = (name) => (signing ? ['--sign', join(keys, name)] : []);
  runway(['approve', 'production', ...sign('demo')], 3, human(STARTER));

  say(`a second person approves${signing ? ', signed with their SSH key' : ''}`);
  runway(['approve', 'production', '--item', ITEM, '--comment', 'status page and support briefed', ...sign('lead')], 0, human(LEAD));
  for (const name of ['lead', 'demo']) rmSync(join(keys, name), { force: true }); // the private keys are done with
  runway(['approvals', 'production']);

  say('an incident review freezes production: the promotion is refused again');
  runway(['freeze', 'production', '--until', '15m', '--reason', 'checkout incident review'], 0, human(OPS));
  runway(['promote', 'staging', 'production'], 3);

  say(`promote v4 inside the freeze (${STARTER} may override it, with a reason), watched by the monitor on live traffic`);
  const { run, failures } = await promoteUnderTraffic(dir, ['--override-freeze', '--reason', 'fix for the failing orders query']);
  const shown = run ? showEvidence(dir, run, keys, signing) : true;
  rmSync(keys, { recursive: true, force: true });
  return failures + (shown ? 0 : 1);
}

// Two people's SSH keys in `keys` (made-up ones, for this demo only), their public halves in .runway/allowed_signers.
function makeSigners(dir, keys) {
  const signers = [];
  for (const [name, actor] of [['lead', LEAD], ['demo', STARTER]]) {
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', actor, '-f', join(keys, name)], { stdio: 'ignore' });
    signers.push(`${actor} namespaces="runway-approval" ${readFileSync(join(keys, `${name}.pub`), 'utf8').trim()}`);
  }
  writeFileSync(join(dir, '.runway', 'allowed_signers'), `${signers.join('\n')}\n`);
  process.stdout.write(`SSH keys of ${LEAD} and ${STARTER} made in ${keys}; their public keys in .runway/allowed_signers\n`);
}

// `runway promote staging production <extra>` while 50 requests per second reach production; its run record.
async function promoteUnderTraffic(dir, extra) {
  const traffic = startTraffic(`${environmentStatus(dir, 'production').url}/api/orders`, 50);
  const shown = ['promote', 'staging', 'production', ...extra].map((a) => (a.includes(' ') ? `"${a}"` : a));
  process.stdout.write(`${bold('$')} runway ${shown.join(' ')}   # while traffic flows\n`);
  const promoted = await runAsync(dir, ['promote', 'staging', 'production', ...extra, '--json']);
  const seen = await traffic.stop();
  let failures = 0;
  if (promoted.code !== 0) {
    failures++;
    process.stdout.write(`demo: expected exit code 0, got ${promoted.code}\n`);
  }
  process.stdout.write(`traffic during the promotion: ${Object.entries(seen).map(([k, n]) => `${n} × ${k}`).join(', ')}\n`);
  try {
    return { run: JSON.parse(promoted.stdout), failures };
  } catch {
    process.stdout.write('demo: the promotion printed no run record\n');
    return { failures: failures + 1 };
  }
}

// The report's Approvals and Freeze Override sections, and the signature checked again from the bundle alone.
function showEvidence(dir, run, keys, signing) {
  const report = readFileSync(join(dir, run.evidence, 'report.md'), 'utf8');
  const sections = ['Approvals', 'Freeze Override'].map((name) => reportSection(report, name));
  say(`the evidence: who approved${signing ? ' (the verified signer)' : ''} and who overrode the freeze — ${join(run.evidence, 'report.md')}`);
  process.stdout.write(`${sections.map((s) => s.trim()).filter(Boolean).join('\n\n')}\n`);
  const counted = run.governance?.approvals?.counted ?? [];
  let ok = sections.every(Boolean) && counted.some((c) => c.who === LEAD && c.signed === signing);
  if (signing) {
    const approval = JSON.parse(readFileSync(join(dir, run.evidence, 'approvals.json'), 'utf8')).approvals.find((a) => a.approver === LEAD);
    writeFileSync(join(keys, 'approval.sig'), approval.signature);
    process.stdout.write(`${bold('$')} ssh-keygen -Y verify -f .runway/allowed_signers -I ${LEAD} -n runway-approval -s approval.sig` +
      '   # payload and signature from approvals.json\n');
    const verified = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(dir, '.runway', 'allowed_signers'), '-I', LEAD, '-n', 'runway-approval',
      '-s', join(keys, 'approval.sig')], { input: approval.payload, encoding: 'utf8' });
    process.stdout.write(verified.stdout + verified.stderr);
    ok &&= verified.status === 0;
  }
  return ok;
}

// The `## <name>` section of a report.md, up to the next section; empty when there is none.
function reportSection(report, name) {
  const start = report.indexOf(`## ${name}\n`);
  if (start < 0) return '';
  const end = report.indexOf('\n## ', start + 3);
  return report.slice(start, end < 0 ? undefined : end);
}
