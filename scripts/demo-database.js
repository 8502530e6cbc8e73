// A throwaway PostgreSQL server for the demo (and the backup benchmark): the machine's own server binaries
// (`pg_config --bindir`), a temp data directory owned by the `postgres` user when running as root (initdb refuses
// root), a free loopback port, trust authentication on loopback only. No binaries: a reason to skip instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the server binaries are, or why there are none. */
export function postgresBinaries() {
  let bindir;
  try {
    bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return { reason: 'PostgreSQL is not installed (no pg_config; apt-get install postgresql)' };
  }
  for (const tool of ['initdb', 'pg_ctl', 'postgres', 'pg_dump', 'pg_restore', 'psql']) {
    if (!existsSync(join(bindir, tool))) return { reason: `${tool} not found in ${bindir} (apt-get install postgresql)` };
  }
  return { bindir };
}

// A free TCP port on 127.0.0.1.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Runs a server binary, as the postgres user when we are root.
function asPostgres(bin, args) {
  const root = process.getuid?.() === 0;
  const r = root
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args[0]} failed: ${(r.stderr || r.stdout).trim()}`);
}

/**
 * Starts a server and creates `database` and `extraDatabases`. Returns `{ available: true, url, urlFor(name), port,
 * bindir, stop() }`, where `url` is the app's DATABASE_URL (postgres://postgres@127.0.0.1:PORT/<database>), or
 * `{ available: false, reason }`. `settings` are extra server settings (e.g. { max_wal_size: '4GB' }).
 */
export async function startDemoDatabase({ database = 'shop', extraDatabases = [], settings = {} } = {}) {
  const { bindir, reason } = postgresBinaries();
  if (!bindir) return { available: false, reason };
  const base = mkdtempSync(join(tmpdir(), 'runway-demo-pg-'));
  const data = join(base, 'data');
  try {
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(base, uid, gid);
    }
    chmodSync(base, 0o700);
    asPostgres(join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    const all = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: base, ...settings };
    const options = Object.entries(all).map(([k, v]) => `-c ${k}=${v}`).join(' ');
    asPostgres(join(bindir, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(base, 'server.log'), '-w', '-t', '60', 'start']);
    const env = { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGDATABASE: 'postgres' };
    for (const name of [database, ...extraDatabases]) execFileSync(join(bindir, 'createdb'), [name], { env, stdio: 'ignore' });
    const urlFor = (name) => `postgres://postgres@127.0.0.1:${port}/${name}`;
    let stopped = false;
    return {
      available: true,
      url: urlFor(database),
      urlFor,
      port,
      bindir,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          asPostgres(join(bindir, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          rmSync(base, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    return { available: false, reason: `could not start PostgreSQL: ${err.message}` };
  }
}
