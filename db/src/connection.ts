import pg from 'pg';
import { CamelCasePlugin, Kysely, type LogConfig, PostgresDialect } from 'kysely';
import type { DB } from './schema.ts';

export interface CreateDbOptions {
  /** Pool size; default 10. */
  max?: number;
  /** Shows up in pg_stat_activity, e.g. 'signaling'. */
  applicationName?: string;
  /** Errors of idle pooled connections (server restart, terminated backend). Default: console.error. */
  onPoolError?: (error: Error) => void;
  log?: LogConfig;
}

// Per-pool, not pg.types.setTypeParser, so other pg users in the same process are unaffected.
// bigint columns (recording bytes, action_log ids, count(*)) stay far below 2^53, and
// numbers are what callers expect.
function typeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  return types;
}

export function createDb(url: string, opts: CreateDbOptions = {}): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName,
    types: typeParsers(),
  });
  // Without a listener an idle connection's error (e.g. the server restarting) crashes the process.
  pool.on('error', opts.onPoolError ?? ((error) => console.error('[db] idle connection error:', error.message)));
  // pg-pool listens on a client only while it is idle: a connection killed while checked out
  // (in a transaction, say) emits 'error' with no listener, which would crash the process.
  // The query in flight already rejects with the error and the pool drops the dead client
  // on release, so here it is only acknowledged; the idle case is reported above.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    // Nested objects are jsonb payloads (violation weights, action details) whose keys are data.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
    log: opts.log,
  });
}
