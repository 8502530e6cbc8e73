// Runway's side of the zero-downtime benchmark: a temp project whose agent serves the example app; each cycle
// deploys a new release (a fresh process next to the live one, then a switch) and rolls back to the previous
// release while it is still warm (a pointer switch).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAgent, stopAgent } from '../dist/targets/local/index.js';
import { buildApp } from './app.js';
import { releaseHeader } from './probe.js';
import { runScenario } from './scenario.js';

const ENV = 'production';

/** Runs the scenario through Runway's local target; returns the scenario's raw records. */
export async function runRunway(options) {
  const tmp = mkdtempSync(join(tmpdir(), 'runway-bench-'));
  const projectDir = join(tmp, 'project');
  const stateDir = join(projectDir, '.runway');
  mkdirSync(projectDir, { recursive: true });
  const onSignal = () => void stopAgent(stateDir).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const v1 = buildApp(join(tmp, 'releases', 'v1'), '1.0.0');
    const v2 = buildApp(join(tmp, 'releases', 'v2'), '2.0.0');
    // The previous release stays warm long enough for the rollback of its cycle, then stops.
    const config = { start: 'node server.js', health: '/health', port: 0, env: {}, startTimeout: '30s', drainTimeout: '30s',
      hold: '10s' };
    const client = await ensureAgent(stateDir, projectDir);
    const quiet = () => undefined;
    const deploy = (id, dir) => client.deploy(ENV, { release: { id, dir }, config, env: {} }, quiet);
    const first = await deploy('v1', v1);
    const driver = {
      url: `${first.url}/api/orders`,
      origin: first.url,
      versionOf: releaseHeader,
      async forward(i) {
        const id = `v2-${String(i).padStart(2, '0')}`;
        const result = await deploy(id, v2);
        return { target: id, healthyAt: Date.parse(result.healthyAt), switchedAt: Date.parse(result.switchedAt) };
      },
      async back() {
        const result = await client.switchTo(ENV, 'v1');
        if (!result.switched) throw new Error(`rollback to v1 was not a pointer switch: ${result.reason}`);
        return { target: 'v1', switchMs: result.durationMs };
      },
    };
    const records = await runScenario(driver, options);
    records.agentPid = client.info.pid;
    return records;
  } finally {
    process.off('SIGINT', onSignal);
    await stopAgent(stateDir);
    rmSync(tmp, { recursive: true, force: true });
  }
}
