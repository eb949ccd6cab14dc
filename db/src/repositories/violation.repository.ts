// Storing detector findings. Both ingestion paths — the candidate page over the socket and the
// server's frame sampling job — go through recordViolation, so "intervals of one type and
// source that overlap or touch become one row" holds no matter who found them. Findings of
// different sources are kept apart (the report shows who saw what); honesty unions them.
import { type Kysely, sql } from 'kysely';
import type { SessionStatus, ViolationCategory, ViolationSource } from '../enums.ts';
import type { DB, ViolationsTable } from '../schema.ts';
import type { Selectable } from 'kysely';
import { inTransaction } from '../transaction.ts';
import { attachReportKey, claimReportKey, findReportedViolation, repointReportKeys } from './violation-report.repository.ts';
import type { ViolationType } from '../violation-types.ts';

export type ViolationRow = Selectable<ViolationsTable>;

export interface RecordViolationInput {
  sessionId: string;
  attemptId: string | null;
  type: ViolationType;
  category: ViolationCategory;
  startsAt: Date;
  /** null = still going on. */
  endsAt: Date | null;
  confidence: number | null;
  snapshotPath?: string | null;
  source: ViolationSource;
  /**
   * The page's report key (candidate reports): claimed in the same transaction, so a resend
   * of an already stored report stores nothing and returns the first violation.
   */
  idempotencyKey?: string;
}

export interface RecordedViolation {
  violation: ViolationRow;
  /** true when the finding extended an existing row instead of adding one. */
  merged: boolean;
  /** true when the idempotency key was claimed before: nothing was stored this time. */
  alreadyStored: boolean;
}

/**
 * Inserts the finding, or widens the row(s) of the same session, type and source it overlaps
 * or touches (an open row covers everything after its start). Several touched rows collapse
 * into the first. Serialised per session (advisory lock) so two concurrent reports of one
 * episode cannot both insert.
 */
export function recordViolation(db: Kysely<DB>, input: RecordViolationInput): Promise<RecordedViolation> {
  return inTransaction(db, async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('violations:' || ${input.sessionId}))`.execute(trx);
    const key = input.idempotencyKey;
    if (key !== undefined && !(await claimReportKey(trx, input.sessionId, key))) {
      // A resend: the claim committed with its violation (a claim never outlives its transaction without one).
      const first = await findReportedViolation(trx, input.sessionId, key);
      if (!first) throw new Error(`report key ${key} is claimed without a violation`);
      return { violation: first, merged: false, alreadyStored: true };
    }
    const stored = await store(trx, input);
    if (key !== undefined) await attachReportKey(trx, input.sessionId, key, stored.violation.id);
    return { ...stored, alreadyStored: false };
  });
}

async function store(trx: Kysely<DB>, input: RecordViolationInput): Promise<Omit<RecordedViolation, 'alreadyStored'>> {
  let q = trx
    .selectFrom('violations')
    .selectAll()
    .where('sessionId', '=', input.sessionId)
    .where('type', '=', input.type)
    .where('source', '=', input.source)
    .where((eb) => eb.or([eb('endsAt', 'is', null), eb('endsAt', '>=', input.startsAt)]));
  if (input.endsAt) q = q.where('startsAt', '<=', input.endsAt);
  const touching = await q.orderBy('startsAt').orderBy('id').execute();

  if (touching.length === 0) {
    const violation = await trx
      .insertInto('violations')
      .values({
        sessionId: input.sessionId,
        attemptId: input.attemptId,
        type: input.type,
        category: input.category,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        confidence: input.confidence,
        snapshotPath: input.snapshotPath ?? null,
        source: input.source,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { violation, merged: false };
  }

  const [keep, ...rest] = touching as [ViolationRow, ...ViolationRow[]];
  const all = [...touching, { startsAt: input.startsAt, endsAt: input.endsAt, confidence: input.confidence, snapshotPath: input.snapshotPath ?? null }];
  const startsAt = new Date(Math.min(...all.map((v) => v.startsAt.getTime())));
  const endsAt = all.some((v) => v.endsAt === null) ? null : new Date(Math.max(...all.map((v) => v.endsAt!.getTime())));
  const confidences = all.map((v) => v.confidence).filter((c): c is number => c !== null);
  const violation = await trx
    .updateTable('violations')
    .set({
      startsAt,
      endsAt,
      confidence: confidences.length ? Math.max(...confidences) : null,
      snapshotPath: all.find((v) => v.snapshotPath)?.snapshotPath ?? null,
    })
    .where('id', '=', keep.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (rest.length) {
    // Keys of the folded rows follow them into the kept one (else the cascade would drop them).
    await repointReportKeys(trx, rest.map((v) => v.id), keep.id);
    await trx.deleteFrom('violations').where('id', 'in', rest.map((v) => v.id)).execute();
  }
  return { violation, merged: true };
}

/**
 * Closes one open violation of the given session (a forged id of another session matches
 * nothing). The end never precedes the start. Returns the row, or undefined when there is no
 * such open violation.
 */
export async function endViolation(db: Kysely<DB>, input: { id: string; sessionId: string; source: ViolationSource; endsAt: Date }): Promise<ViolationRow | undefined> {
  return db
    .updateTable('violations')
    .set((eb) => ({ endsAt: sql<Date>`greatest(${eb.ref('startsAt')}, ${input.endsAt}::timestamptz)` }))
    .where('id', '=', input.id)
    .where('sessionId', '=', input.sessionId)
    .where('source', '=', input.source)
    .where('endsAt', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Closes every still-open violation of a session (optionally of one source) at `at`; returns them. */
export async function closeOpenViolations(db: Kysely<DB>, sessionId: string, at: Date, source?: ViolationSource): Promise<ViolationRow[]> {
  let q = db
    .updateTable('violations')
    .set((eb) => ({ endsAt: sql<Date>`greatest(${eb.ref('startsAt')}, ${at}::timestamptz)` }))
    .where('sessionId', '=', sessionId)
    .where('endsAt', 'is', null);
  if (source) q = q.where('source', '=', source);
  return q.returningAll().execute();
}

export function listViolationRows(db: Kysely<DB>, sessionId: string): Promise<ViolationRow[]> {
  return db.selectFrom('violations').selectAll().where('sessionId', '=', sessionId).orderBy('startsAt').orderBy('id').execute();
}

/** Removes a source's findings of some types starting in a time range (re-running server sampling on a recording); returns their ids. */
export async function deleteViolationsInRange(db: Kysely<DB>, input: { sessionId: string; source: ViolationSource; types: ViolationType[]; from: Date; to: Date }): Promise<string[]> {
  if (input.types.length === 0) return [];
  const rows = await db
    .deleteFrom('violations')
    .where('sessionId', '=', input.sessionId)
    .where('source', '=', input.source)
    .where('type', 'in', input.types)
    .where('startsAt', '>=', input.from)
    .where('startsAt', '<=', input.to)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface ViolationContext {
  sessionId: string;
  examId: string;
  status: SessionStatus;
  sessionStartedAt: Date | null;
  /** The session's open attempt, if any (the one a live candidate is in). */
  attemptId: string | null;
  attemptStartedAt: Date | null;
}

/** What ingestion checks a finding against: the session's state and its current attempt. */
export async function violationContext(db: Kysely<DB>, sessionId: string): Promise<ViolationContext | undefined> {
  const row = await db
    .selectFrom('examSessions as s')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('attempts')
          .select(['id', 'sessionId', 'startedAt'])
          .where('sessionId', '=', sessionId)
          .where('endedAt', 'is', null)
          .orderBy('number', 'desc')
          .limit(1)
          .as('a'),
      (join) => join.onRef('a.sessionId', '=', 's.id'),
    )
    .select(['s.id as sessionId', 's.examId', 's.status', 's.startedAt as sessionStartedAt', 'a.id as attemptId', 'a.startedAt as attemptStartedAt'])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  return row ?? undefined;
}

/**
 * The face a session's camera is compared with: the photo of its latest successful
 * verification (relative to the recordings root), else the candidate's reference photo
 * (relative to the photos root). Null paths when neither exists.
 */
export async function sessionFaceReference(db: Kysely<DB>, sessionId: string): Promise<{ verificationPhotoPath: string | null; referencePhotoPath: string | null }> {
  const verification = await db
    .selectFrom('verifications')
    .select('facePhotoPath')
    .where('sessionId', '=', sessionId)
    .where('result', '=', 'successful')
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const candidate = await db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .select('c.referencePhotoPath')
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  return { verificationPhotoPath: verification?.facePhotoPath ?? null, referencePhotoPath: candidate?.referencePhotoPath ?? null };
}

/** How many findings of one source a session holds (the per-session cap on what a page may store). */
export async function countViolations(db: Kysely<DB>, sessionId: string, source: ViolationSource): Promise<number> {
  const row = await db
    .selectFrom('violations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sessionId', '=', sessionId)
    .where('source', '=', source)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
