// A throwaway PostgreSQL server for the benchmarks, started the way the tests start one (test/support/postgres.ts):
// the machine's binaries from `pg_config --bindir`, a temp data directory owned by the `postgres` user when we
// run as root (initdb refuses root), a free loopback port, trust authentication. It is stopped at exit, also
// when the bench fails half-way or is interrupted.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atExit } from './cleanup.js';

// A free loopback port.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
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
  const r = root ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' }) : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

/** The server binaries' folder; throws naming the package to install when they are missing. */
export function postgresBindir() {
  const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  for (const tool of ['initdb', 'pg_ctl', 'psql']) {
    if (!existsSync(join(bindir, tool))) throw new Error(`${tool} not found in ${bindir} (apt-get install postgresql-15)`);
  }
  return bindir;
}

/**
 * Starts a server. `settings` are extra server settings. Returns { url, urlFor(db), port, bindir, version,
 * createDatabase(name), psql(args, opts), stop() }.
 */
export async function startPostgres({ settings = {} } = {}) {
  const bindir = postgresBindir();
  const base = mkdtempSync(join(tmpdir(), 'runway-bench-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(base, uid, gid);
  }
  chmodSync(base, 0o700);
  const data = join(base, 'data');
  let started = false;
  const stop = atExit(() => {
    try {
      if (started) asPostgres(join(bindir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
  asPostgres(join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const all = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: base, ...settings };
  const o = Object.entries(all).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  asPostgres(join(bindir, 'pg_ctl'), ['-D', data, '-o', o, '-l', join(base, 'server.log'), '-w', '-t', '60', 'start']);
  started = true;
  const urlFor = (db) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const psql = (args, opts = {}) => spawnSync(join(bindir, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', ...args], {
    encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '10' }, ...opts,
  });
  const sql = (db, text) => {
    const r = psql(['-d', db, '-At', '-c', text]);
    if (r.status !== 0) throw new Error(`psql -c ${text}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {
    url: urlFor('postgres'),
    urlFor,
    port,
    bindir,
    version: sql('postgres', 'show server_version'),
    settings: all,
    psql,
    sql,
    createDatabase(name) {
      sql('postgres', `create database ${name}`);
      return urlFor(name);
    },
    stop,
  };
}
