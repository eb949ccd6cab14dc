import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';

/** Runs fn in a transaction, joining the caller's one if db already is a transaction. */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
