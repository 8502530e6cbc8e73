// The peer's side of the zero-downtime benchmark: the same app under pm2 in cluster mode (2 instances, its own
// PM2_HOME in a temp dir). pm2 has no second release directory to switch to: like `git pull && pm2 reload`, each
// cycle rebuilds the app's version in place (2.0.0, then back to 1.0.0) and runs `pm2 reload`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, setBuiltVersion, waitFor200 } from './app.js';
import { bodyVersion } from './probe.js';
import { runScenario } from './scenario.js';

const NAME = 'shop-dashboard';
const pm2Bin = fileURLToPath(new URL('../node_modules/.bin/pm2', import.meta.url));

/** Runs the scenario against `pm2 reload` (cluster mode, 2 instances); returns the scenario's raw records. */
export async function runPm2(options) {
  const tmp = mkdtempSync(join(tmpdir(), 'runway-bench-pm2-'));
  const home = join(tmp, 'pm2-home');
  process.env.PM2_HOME = home; // read by pm2 when it loads
  const { default: pm2Module } = await import('pm2');
  const pm2 = new pm2Module.custom({ pm2_home: home });
  const call = (method, ...args) => new Promise((resolve, reject) =>
    pm2[method](...args, (err, value) => (err ? reject(err) : resolve(value))));
  const onSignal = () => void kill(pm2, home).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const dir = buildApp(join(tmp, 'app'), '1.0.0');
    const port = await freePort();
    await call('connect');
    await call('start', {
      name: NAME, script: 'server.js', cwd: dir, exec_mode: 'cluster', instances: 2, env: { PORT: String(port) },
      output: join(tmp, 'out.log'), error: join(tmp, 'err.log'),
    });
    const origin = `http://127.0.0.1:${port}`;
    await waitFor200(`${origin}/health`);
    // One operation: the app's version is rebuilt in place, then every instance reloaded.
    const reload = async (version) => {
      setBuiltVersion(dir, version);
      await call('reload', NAME);
      return { target: version };
    };
    const driver = {
      url: `${origin}/api/orders`,
      origin,
      versionOf: bodyVersion,
      freshProbe: true,
      forward: () => reload('2.0.0'),
      back: () => reload('1.0.0'),
    };
    return await runScenario(driver, options);
  } finally {
    process.off('SIGINT', onSignal);
    await kill(pm2, home);
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Stops every pm2 process: the API's killDaemon, then `pm2 kill` and the daemon's pid if anything is left.
async function kill(pm2, home) {
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    pm2.killDaemon(() => (clearTimeout(timer), resolve()));
  });
  pm2.disconnect();
  const pid = daemonPid(home);
  if (pid && alive(pid)) {
    spawnSync(pm2Bin, ['kill'], { env: { ...process.env, PM2_HOME: home }, stdio: 'ignore', timeout: 15_000 });
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

// Pid of the pm2 daemon of `home`, if it wrote one.
function daemonPid(home) {
  try {
    return Number(readFileSync(join(home, 'pm2.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

// True while a process exists.
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A free TCP port on loopback.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
