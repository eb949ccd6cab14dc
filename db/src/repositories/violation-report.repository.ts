// Idempotency keys of the candidate page's violation reports (migration 0021). A key is
// claimed with INSERT … ON CONFLICT DO NOTHING inside the transaction that stores the finding
// (recordViolation), so of two sends of one report — a resend after a lost ack, a reconnect,
// a reload — exactly one stores; the other gets the first one's violation back. Keys are
// scoped to their session: the same UUID in another session is a different report.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, ViolationsTable } from '../schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Claims the key for this session; false when it was claimed before (the report is a resend). */
export async function claimReportKey(db: Db, sessionId: string, idempotencyKey: string): Promise<boolean> {
  const row = await db
    .insertInto('violationReports')
    .values({ sessionId, idempotencyKey, violationId: null })
    .onConflict((oc) => oc.columns(['sessionId', 'idempotencyKey']).doNothing())
    .returning('idempotencyKey')
    .executeTakeFirst();
  return row !== undefined;
}

/** Names the violation a freshly claimed key stored (same transaction as the claim). */
export async function attachReportKey(db: Db, sessionId: string, idempotencyKey: string, violationId: string): Promise<void> {
  await db.updateTable('violationReports').set({ violationId }).where('sessionId', '=', sessionId).where('idempotencyKey', '=', idempotencyKey).execute();
}

/** A merge folds violations into one: their keys follow, so a resend still finds its finding. */
export async function repointReportKeys(db: Db, fromIds: string[], toId: string): Promise<void> {
  if (fromIds.length === 0) return;
  await db.updateTable('violationReports').set({ violationId: toId }).where('violationId', 'in', fromIds).execute();
}

/** The violation a key of this session stored, if the key was seen before. */
export async function findReportedViolation(db: Db, sessionId: string, idempotencyKey: string): Promise<Selectable<ViolationsTable> | undefined> {
  return db
    .selectFrom('violationReports as r')
    .innerJoin('violations as v', 'v.id', 'r.violationId')
    .selectAll('v')
    .where('r.sessionId', '=', sessionId)
    .where('r.idempotencyKey', '=', idempotencyKey)
    .executeTakeFirst();
}

/** How many report keys a session holds (tests, diagnostics). */
export async function countReportKeys(db: Db, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('violationReports')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sessionId', '=', sessionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
