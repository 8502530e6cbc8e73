/**
 * The shared target contract for `command`, with small shell scripts as the team's commands over a state file in
 * a temp dir (a stand-in of a hosting platform with deploy ids, a live pointer and a deploy history).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../config/schema.js';
import { execTools } from '../../exec/tool.js';
import type { Release } from '../../types.js';
import { armedFaults, targetContract } from '../contract.case.js';
import type { TargetContext } from '../target.js';
import { createCommandTarget } from './index.js';

const TOKEN = 'rnd_madeUpDeployToken_4b5c6d7e';

// The "platform": deploy.sh appends a deploy and moves the live pointer; faults come from the file `fault`.
const DEPLOY = `#!/bin/sh
set -e
cd "$(dirname "$0")"
[ -n "$PLATFORM_TOKEN" ] || { echo "no token" >&2; exit 3; }
fault=$(cat fault 2>/dev/null || true); rm -f fault
n=$(( $(cat count 2>/dev/null || echo 0) + 1 )); echo $n > count
case "$fault" in
  fail) echo "build dep-$n failed: npm ERR! missing script: build" >&2; exit 1 ;;
  hang) echo "waiting for dep-$n"; sleep 600 ;;
  bad-output) echo "<html>502 Bad Gateway</html>"; exit 0 ;;
esac
echo "dep-$n $RUNWAY_ENVIRONMENT $1" >> deploys
echo "dep-$n $1" > "live-$RUNWAY_ENVIRONMENT"
printf '{"deploy":{"id":"dep-%s","url":"https://%s.example.test"},"release":"%s"}\\n' $n "$RUNWAY_ENVIRONMENT" "$1"
`;
const STATUS = `#!/bin/sh
cd "$(dirname "$0")"
[ -f "live-$1" ] || exit 0
set -- $(cat "live-$1")
echo "live: $2 (deployment $1)"
`;
const HISTORY = `#!/bin/sh
cd "$(dirname "$0")"
printf '['; sep=''
tac deploys 2>/dev/null | while read id env release; do [ "$env" = "$1" ] && printf '%s{"id":"%s","release":"%s"}' "$sep" "$id" "$release" && sep=','; done
printf ']\\n'
`;
const ROLLBACK = `#!/bin/sh
cd "$(dirname "$0")"
grep -q "^$RUNWAY_HANDLE_ID $RUNWAY_ENVIRONMENT $RUNWAY_ROLLBACK_RELEASE$" deploys || { echo "unknown deployment $RUNWAY_HANDLE_ID" >&2; exit 1; }
echo "$RUNWAY_HANDLE_ID $RUNWAY_ROLLBACK_RELEASE" > "live-$RUNWAY_ENVIRONMENT"
echo "restored $RUNWAY_HANDLE_ID"
`;

// A temp platform with the four scripts; `block` is the target.command config.
function platform(block: (dir: string) => Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'runway-command-'));
  for (const [name, text] of Object.entries({ 'deploy.sh': DEPLOY, 'status.sh': STATUS, 'history.sh': HISTORY, 'rollback.sh': ROLLBACK })) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  const lines: string[] = [];
  const context = (environment: string, signal?: AbortSignal): TargetContext => ({
    tools: execTools, projectDir: dir, stateDir: join(dir, '.runway'), environment,
    config: environmentSchema.parse({ target: { command: { ...block(dir), timeout: '20s' } } }),
    log: (line) => lines.push(line), env: { PLATFORM_TOKEN: TOKEN }, ...(signal ? { signal } : {}),
  });
  let n = 0;
  const release = (label: string): Release => ({
    id: `${label}${++n}-${Math.random().toString(16).slice(2, 8)}`, sha: 'b'.repeat(40), artifactDigest: 'sha256:0', configDigest: 'sha256:0', dirty: false, dir, createdAt: new Date().toISOString(),
  });
  const serving = (ctx: TargetContext) => {
    const file = join(dir, `live-${ctx.environment}`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split(' ')[1] : undefined;
  };
  const arm = (fault: string) => writeFileSync(join(dir, 'fault'), fault);
  return { dir, lines, context, release, serving, arm, target: createCommandTarget() };
}

// The full config: JSON path for the deploy, regex for the status, a history and a rollback command.
const full = (dir: string) => ({
  deploy: { run: `${dir}/deploy.sh "$RUNWAY_RELEASE"`, id: { json: '$.deploy.id' }, url: { json: '$.deploy.url' } },
  status: { run: `${dir}/status.sh "$RUNWAY_ENVIRONMENT"`, release: { regex: 'live: (\\S+)' }, id: { regex: 'deployment (dep-\\d+)' } },
  history: { run: `${dir}/history.sh "$RUNWAY_ENVIRONMENT"`, id: '$.id', release: '$.release' },
  rollback: { run: `${dir}/rollback.sh`, id: { regex: 'restored (\\S+)' } },
  url: 'https://fallback.example.test',
});

for (const [name, block] of [
  ['command (deploy/status/history/rollback scripts)', full],
  ['command (deploy script only: redeploy rollbacks, remembered history)', (dir: string) => ({ deploy: full(dir).deploy })],
] as const) {
  targetContract(name, () => {
    const p = platform(block);
    return {
      target: p.target, context: p.context, release: p.release, serving: async (ctx) => p.serving(ctx), secrets: [TOKEN],
      faults: armedFaults(p.arm, p.release),
      cleanup: async () => {
        expect(p.lines.join('\n')).not.toContain(TOKEN);
        rmSync(p.dir, { recursive: true, force: true });
      },
    };
  });
}

describe('command target', () => {
  it('rollback passes the handle id and release in RUNWAY_HANDLE_ID / RUNWAY_ROLLBACK_RELEASE', async () => {
    const p = platform(full);
    const ctx = p.context('staging');
    const a = p.release('a');
    const first = await p.target.deploy(ctx, a);
    expect(first).toMatchObject({ url: 'https://staging.example.test', handle: { id: 'dep-1' } });
    await p.target.deploy(ctx, p.release('b'));
    const back = await p.target.rollback(ctx, { release: a, handle: first.handle });
    expect(back).toMatchObject({ method: 'history', handle: { id: 'dep-1' } });
    await expect(p.target.rollback(ctx, { release: a, handle: { target: 'command', id: 'dep-99' } })).rejects.toThrow(/rollback command: .* exited with code 1: unknown deployment dep-99/);
    rmSync(p.dir, { recursive: true, force: true });
  }, 30_000);
});
