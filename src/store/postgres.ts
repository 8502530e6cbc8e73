/**
 * The shared store: a PostgreSQL server (`RUNWAY_STATE_URL`) used by several machines, CI runners and people.
 * Units of work run on pooled connections; an environment lock is a session advisory lock held on a
 * dedicated connection, so the server itself frees the lock of a holder that dies.
 */
import pg from 'pg';
import { ConfigError } from '../errors.js';
import type { Store } from './db.js';
import { hasPendingMigrations, migrateState } from './migrate.js';
import { adapt, connectionLost, describeError, isConnectionError, parseUrl, redactUrl, unreachable } from './postgres-connection.js';
import { serverLock } from './postgres-lock.js';

export { describeError, parseUrl, redactUrl } from './postgres-connection.js';
export { LOCK_CLASS, lockApplicationName, lockKey } from './postgres-lock.js';

/** The key pair serialising first-time migrations across processes ('RWAM', 1). */
const MIGRATION_KEY = [0x5257414d, 1];

/** The shared store, plus explicit migration for `runway state migrate`. */
export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  /** Applies pending migrations (once per process); returns the versions applied by this call. */
  migrate(): Promise<number[]>;
}

export interface PostgresStoreOptions {
  /** Apply pending migrations before the first unit of work (default true). */
  migrate?: boolean;
  /** Where to report a lost lock connection (default: stderr). */
  log?: (line: string) => void;
}

// Versions already migrated in this process, per URL: migrations run once per process.
const migrations = new Map<string, Promise<number[]>>();

// int8 (counts, bigserial ids) as numbers, as the embedded store returns them.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Opens the shared store at `url` (`postgres://user:password@host:port/database`). Connects lazily. */
export function postgresStore(url: string, opts: PostgresStoreOptions = {}): PostgresStore {
  const location = redactUrl(url);
  const log = opts.log ?? ((line: string) => void process.stderr.write(`runway: ${line}\n`));
  const timeout = Number(parseUrl(url).searchParams.get('connect_timeout')) || 10;
  const config: pg.ClientConfig = {
    connectionString: url, types, keepAlive: true, connectionTimeoutMillis: timeout * 1000, application_name: 'runway',
  };
  const pool = new pg.Pool({ ...config, max: 4, allowExitOnIdle: true });
  pool.on('error', (err) => log(`an idle connection to the state store at ${location} failed: ${describeError(err)}`));
  let closed = false;

  // Runs fn on a pooled client; connection failures become clear messages.
  async function withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect().catch((err) => {
      throw unreachable(location, err);
    });
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) {
        broken = err as Error;
        throw connectionLost(location, err);
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  // Applies pending migrations under a transaction-level advisory lock, so concurrent first runs wait.
  function ensureMigrated(): Promise<number[]> {
    const earlier = migrations.get(url);
    if (earlier) return earlier.then(() => []);
    const done = withClient(async (client) => {
      const db = adapt(client);
      if (!(await hasPendingMigrations(db, 'postgres'))) return [];
      return db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1, $2)', MIGRATION_KEY);
        return migrateState(tx, 'postgres');
      }).catch((err) => {
        if ((err as { code?: string }).code !== '42501') throw err;
        throw new ConfigError(`cannot apply the state migrations to ${location}: ${describeError(err)}: run \`runway state migrate\` ` +
          'once as a user who may create tables there (see docs/state.md)');
      });
    });
    migrations.set(url, done);
    done.catch(() => migrations.delete(url));
    return done;
  }

  const store: PostgresStore = {
    kind: 'postgres',
    location,
    migrate: ensureMigrated,
    async use(fn) {
      if (opts.migrate !== false) await ensureMigrated();
      return withClient((client) => fn(adapt(client)));
    },
    async lock(environment, holder) {
      if (opts.migrate !== false) await ensureMigrated();
      return serverLock({ config, location, log, environment, holder, cleanup: (f) => store.use(f) });
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return store;
}

