// Removing a session's personal data under an exam's retention policy or an erasure request
// (migration 0016). The files themselves are deleted by the caller (recorder's
// data-protection module); these queries find what is due, mark what was removed, and
// delete violation rows without changing any statistic.
import { type Kysely, sql } from 'kysely';
import type { RemovalReason, RetainedKind } from '../data-protection.ts';
import type { DB, SessionDataRemoval } from '../schema.ts';
import type { ViolationCategory } from '../enums.ts';
import { inTransaction } from '../transaction.ts';

const RETENTION_COLUMN = {
  recordings: 'retentionRecordingsDays',
  snapshots: 'retentionSnapshotsDays',
  photos: 'retentionPhotosDays',
  violations: 'retentionViolationsDays',
} as const satisfies Record<RetainedKind, string>;

export interface RetentionDue {
  sessionId: string;
  examId: string;
  kind: RetainedKind;
  retentionDays: number;
}

/**
 * Sessions whose `kind` is past its exam's retention (the exam ended more than that many
 * days before `now`) and not yet removed, oldest exams first, at most `limit`.
 */
export async function listRetentionDue(db: Kysely<DB>, kind: RetainedKind, now: Date, limit: number): Promise<RetentionDue[]> {
  const column = RETENTION_COLUMN[kind];
  const rows = await db
    .selectFrom('examSessions as s')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .leftJoin('sessionDataRemovals as r', (join) => join.onRef('r.sessionId', '=', 's.id').on('r.kind', '=', kind))
    .select(['s.id as sessionId', 's.examId', `e.${column} as retentionDays`])
    .where(`e.${column}`, 'is not', null)
    .where(sql<boolean>`e.ends_at + make_interval(days => ${sql.ref(`e.${column}`)}) < ${now}::timestamptz`)
    .where('r.sessionId', 'is', null)
    .orderBy('e.endsAt')
    .orderBy('s.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ sessionId: r.sessionId, examId: r.examId, kind, retentionDays: r.retentionDays as number }));
}

/** Serialises removals of one session's data until the transaction ends (retention runs, erasures). */
export async function lockSessionDataRemoval(trx: Kysely<DB>, sessionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('data-removal:' || ${sessionId}))`.execute(trx);
}

/** Records that a session's `kind` is gone (the first removal wins; an erasure after retention keeps the retention date). */
export async function markDataRemoved(
  db: Kysely<DB>,
  input: { sessionId: string; kind: RetainedKind; reason: RemovalReason; items: number; at: Date },
): Promise<void> {
  await db
    .insertInto('sessionDataRemovals')
    .values({ sessionId: input.sessionId, kind: input.kind, reason: input.reason, items: input.items, removedAt: input.at })
    .onConflict((oc) => oc.columns(['sessionId', 'kind']).doNothing())
    .execute();
}

export function listSessionRemovals(db: Kysely<DB>, sessionId: string): Promise<SessionDataRemoval[]> {
  return db.selectFrom('sessionDataRemovals').selectAll().where('sessionId', '=', sessionId).orderBy('kind').execute();
}

/** Whether the session's `kind` has been removed (jobs must not recreate it). */
export async function isDataRemoved(db: Kysely<DB>, sessionId: string, kind: RetainedKind): Promise<boolean> {
  const row = await db.selectFrom('sessionDataRemovals').select('sessionId').where('sessionId', '=', sessionId).where('kind', '=', kind).executeTakeFirst();
  return row !== undefined;
}

/** Recording files of a session (paths relative to the recordings root). */
export function listSessionRecordingFiles(db: Kysely<DB>, sessionId: string): Promise<{ id: string; path: string; bytes: number }[]> {
  return db.selectFrom('recordings').select(['id', 'path', 'bytes']).where('sessionId', '=', sessionId).orderBy('startedAt').execute();
}

/** Snapshot files of a session's violations. */
export function listSessionSnapshotFiles(db: Kysely<DB>, sessionId: string): Promise<{ violationId: string; path: string }[]> {
  return db
    .selectFrom('violations')
    .select(['id as violationId', 'snapshotPath as path'])
    .where('sessionId', '=', sessionId)
    .where('snapshotPath', 'is not', null)
    .$narrowType<{ path: string }>()
    .execute();
}

/** Forgets the snapshot paths of a session's violations (their files were deleted). */
export async function clearSnapshotPaths(db: Kysely<DB>, sessionId: string): Promise<void> {
  await db.updateTable('violations').set({ snapshotPath: null }).where('sessionId', '=', sessionId).where('snapshotPath', 'is not', null).execute();
}

/** Verification photo files (face and document) of a session. */
export async function listSessionPhotoFiles(db: Kysely<DB>, sessionId: string): Promise<string[]> {
  const rows = await db.selectFrom('verifications').select(['facePhotoPath', 'documentPhotoPath']).where('sessionId', '=', sessionId).execute();
  return rows.flatMap((r) => [r.facePhotoPath, r.documentPhotoPath].filter((p): p is string => p !== null));
}

/**
 * Deletes every violation of a session, keeping what statistics read: per-type counts go to
 * violation_tallies and session_statistics.violations is put back to what it was (its
 * delete trigger lowers it). Stored honesty is not touched. Returns the deleted ids.
 */
export function deleteSessionViolations(db: Kysely<DB>, sessionId: string): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('violations:' || ${sessionId}))`.execute(trx);
    const deleted = await trx.deleteFrom('violations').where('sessionId', '=', sessionId).returning(['id', 'type', 'category']).execute();
    if (deleted.length === 0) return [];
    const byType = new Map<string, { category: ViolationCategory; n: number }>();
    for (const v of deleted) {
      const t = byType.get(v.type) ?? { category: v.category, n: 0 };
      t.n++;
      byType.set(v.type, t);
    }
    await trx
      .insertInto('violationTallies')
      .values([...byType].map(([type, t]) => ({ sessionId, type, category: t.category, n: t.n })))
      .onConflict((oc) => oc.columns(['sessionId', 'type']).doUpdateSet((eb) => ({ n: sql<number>`${eb.ref('violationTallies.n')} + ${eb.ref('excluded.n')}` })))
      .execute();
    // session_statistics is trigger-maintained (read-only in the schema types), hence raw SQL.
    await sql`UPDATE session_statistics SET violations = violations + ${deleted.length} WHERE session_id = ${sessionId}`.execute(trx);
    return deleted.map((v) => v.id);
  });
}
