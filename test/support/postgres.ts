/**
 * Starts a real PostgreSQL server for tests: Debian's binaries (found with `pg_config --bindir`), a temp data
 * directory owned by the `postgres` user when running as root (initdb refuses root), a free loopback port.
 * Missing binaries: the caller skips with the printed reason on a developer machine, and fails when CI=true.
 * A test run stopped with Ctrl-C or SIGTERM (or exiting without calling stop()) still stops every server it started.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { madeBeforeAll } from './hooks.js';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth on loopback). */
  url: string;
  port: number;
  bindir: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  /** Creates an empty database with a unique name (`runway_<random>`) and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** Where the server binaries are, or why they cannot be used. */
export function postgresBindir(): { bindir?: string; reason?: string } {
  let bindir: string;
  try {
    bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return { reason: 'pg_config not found (apt-get install postgresql-15)' };
  }
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(bindir, tool))) return { reason: `${tool} not found in ${bindir} (apt-get install postgresql-15)` };
  }
  return { bindir };
}

/** Describes how a test should treat a missing server: skip locally, fail in CI. */
export function postgresAvailability(): { available: boolean; reason?: string } {
  const { bindir, reason } = postgresBindir();
  if (bindir) return { available: true };
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`PostgreSQL is required in CI: ${reason}`);
  console.warn(`skipping PostgreSQL tests: ${reason}`);
  return { available: false, reason };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a server binary, as the postgres user when we are root. */
function asPostgres(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const r = root
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

// Servers started by this process and not stopped yet, each by its synchronous stop.
const running = new Set<() => void>();

/** Stops every server this process started and has not stopped yet; returns how many. Synchronous (exit-safe). */
export function stopAllPostgres(): number {
  const stops = [...running];
  for (const stop of stops) {
    try {
      stop();
    } catch {
      // best effort: the others must still stop
    }
  }
  return stops.length;
}

/** What signal cleanup needs of a process (the real one, or a stand-in in its test). */
export interface SignalTarget {
  once(event: 'SIGINT' | 'SIGTERM' | 'exit', listener: (signal?: NodeJS.Signals) => void): unknown;
  kill(pid: number, signal: NodeJS.Signals): unknown;
  pid: number;
}

/**
 * On SIGINT or SIGTERM stops the servers and then ends the process by the same signal (the default
 * behaviour, now without orphans); on exit stops what is left.
 */
export function installSignalCleanup(target: SignalTarget = process): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    target.once(signal, () => {
      stopAllPostgres();
      target.kill(target.pid, signal);
    });
  }
  target.once('exit', () => void stopAllPostgres());
}

let cleanupInstalled = false;

/** Initialises and starts a server; stop() shuts it down and removes the data directory. */
export async function startPostgres(opts: { settings?: Record<string, string> } = {}): Promise<TestPostgres> {
  const { bindir, reason } = postgresBindir();
  if (!bindir) throw new Error(reason);
  const base = mkdtempSync(join(tmpdir(), 'runway-pg-'));
  const data = join(base, 'data');
  if (process.getuid?.() === 0) {
    const pw = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(base, Number(pw), Number(gid));
  }
  chmodSync(base, 0o700);
  asPostgres(join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '-A', 'trust']);
  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: base, fsync: 'off', ...opts.settings };
  const o = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  asPostgres(join(bindir, 'pg_ctl'), ['-D', data, '-o', o, '-l', join(base, 'server.log'), '-w', '-t', '60', 'start']);
  const urlFor = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const stopNow = () => {
    running.delete(stopNow);
    try {
      asPostgres(join(bindir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  };
  running.add(stopNow);
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    installSignalCleanup();
  }
  return {
    url: urlFor('postgres'),
    port,
    bindir,
    urlFor,
    async createDatabase() {
      const name = `runway_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: urlFor('postgres') });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return urlFor(name);
    },
    async stop() {
      if (running.has(stopNow)) stopNow();
    },
  };
}

/**
 * One server for the tests of the enclosing describe (or file): started before them, stopped after them and after
 * the describe's own later afterAll hooks, so they can still use it (see madeBeforeAll).
 */
export function usePostgres(opts: { settings?: Record<string, string> } = {}): TestPostgres {
  return madeBeforeAll('usePostgres()\'s server', () => startPostgres(opts), async (server) => server?.stop());
}
