// Reads and writes of the photo report ("Short report", manual §2.4.3): the candidate card's
// header, the violations with their snapshots, and the snapshot job's bookkeeping.
import type { Kysely } from 'kysely';
import type { ViolationCategory } from '../enums.ts';
import type { DB } from '../schema.ts';

export interface PhotoCardHeader {
  sessionId: string;
  examId: string;
  candidateName: string;
  examName: string;
  /** IANA zone the exam's times are shown in. */
  timeZone: string;
  startedAt: Date | null;
  endedAt: Date | null;
  honesty: number | null;
}

/** The card's header fields, or undefined for an unknown session. */
export function getPhotoCardHeader(db: Kysely<DB>, sessionId: string): Promise<PhotoCardHeader | undefined> {
  return db
    .selectFrom('examSessions as s')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .select([
      's.id as sessionId',
      's.examId',
      's.candidateName',
      's.examName',
      'e.timeZone',
      's.startedAt',
      's.endedAt',
      's.honesty',
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

export interface PhotoViolationRow {
  id: string;
  type: string;
  category: ViolationCategory;
  startsAt: Date;
  endsAt: Date | null;
  attemptId: string | null;
  /** Relative to the recordings root; null until the snapshot job grabbed a frame. */
  snapshotPath: string | null;
}

/** Every violation of the session in time order, with its snapshot (if taken). */
export function listPhotoViolations(db: Kysely<DB>, sessionId: string): Promise<PhotoViolationRow[]> {
  return db
    .selectFrom('violations')
    .select(['id', 'type', 'category', 'startsAt', 'endsAt', 'attemptId', 'snapshotPath'])
    .where('sessionId', '=', sessionId)
    .orderBy('startsAt')
    .orderBy('id')
    .execute();
}

/** Records the grabbed frame of one violation (relative path, written by the snapshot job only). */
export async function setViolationSnapshot(db: Kysely<DB>, violationId: string, snapshotPath: string): Promise<boolean> {
  const result = await db.updateTable('violations').set({ snapshotPath }).where('id', '=', violationId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Recordings of the session still being written or waiting for the finalise job. The
 * snapshot job is enqueued when this reaches 0 after a finalise.
 */
export async function countUnsettledRecordings(db: Kysely<DB>, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('recordings')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sessionId', '=', sessionId)
    .where('status', 'in', ['recording', 'stopped'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
