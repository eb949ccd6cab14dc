import { type Kysely, sql } from 'kysely';
import type { ProctoringMode, SessionStatus } from '../enums.ts';
import type { DB } from '../schema.ts';
import type { MediaProfileId } from '@proctor/values';

export interface SessionForJoin {
  sessionId: string;
  examId: string;
  candidateId: string;
  candidateName: string;
  candidateIin: string;
  status: SessionStatus;
  archived: boolean;
  examName: string;
  examStartsAt: Date;
  examEndsAt: Date;
  examArchived: boolean;
  proctoringMode: ProctoringMode;
  /** What the candidate's page sends (#11): a @proctor/values profile name. */
  mediaProfile: MediaProfileId;
  /** Relative to the photos directory; null when the admin uploaded none (verification). */
  referencePhotoPath: string | null;
}

/** What the signaling server needs to admit a candidate into a session (media join and the candidate journey). */
export function getSessionForJoin(db: Kysely<DB>, sessionId: string): Promise<SessionForJoin | undefined> {
  return db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .select((eb) => [
      's.id as sessionId',
      's.examId',
      's.candidateId',
      'c.fullName as candidateName',
      'c.iin as candidateIin',
      's.status',
      's.archived',
      'e.name as examName',
      'e.startsAt as examStartsAt',
      'e.endsAt as examEndsAt',
      eb('e.archivedAt', 'is not', null).$castTo<boolean>().as('examArchived'),
      'e.proctoringMode',
      'e.mediaProfile',
      'c.referencePhotoPath',
    ])
    .where('s.id', '=', sessionId)
    // An erased candidate's links no longer open anything (their IIN is gone too).
    .where('c.erasedAt', 'is', null)
    .$narrowType<{ candidateIin: string }>()
    .executeTakeFirst();
}

/**
 * Marks the session in progress; keeps the first start time on reconnects. A finished
 * session is not reopened. Returns whether the row changed.
 */
export async function markStarted(db: Kysely<DB>, sessionId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('examSessions')
    .set((eb) => ({
      status: 'in_progress',
      startedAt: eb.fn.coalesce('startedAt', eb.val(at)),
    }))
    .where('id', '=', sessionId)
    .where('status', '<>', 'finished')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks the session finished (idempotent: returns false if it already was). */
export async function markFinished(db: Kysely<DB>, sessionId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('examSessions')
    .set((eb) => ({
      status: 'finished',
      // greatest() ignores a null started_at and absorbs clock skew between nodes,
      // which would otherwise violate ended_at >= started_at.
      endedAt: sql<Date>`greatest(${eb.ref('startedAt')}, ${at}::timestamptz)`,
    }))
    .where('id', '=', sessionId)
    .where('status', '<>', 'finished')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface ExamSessionListItem {
  id: string;
  candidateId: string;
  candidateName: string;
  status: SessionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** The exam's sessions, by candidate name (e.g. for the live-proctoring "Add student" list). */
export function listByExam(db: Kysely<DB>, examId: string): Promise<ExamSessionListItem[]> {
  return db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .select(['s.id', 's.candidateId', 'c.fullName as candidateName', 's.status', 's.startedAt', 's.endedAt'])
    .where('s.examId', '=', examId)
    .orderBy('c.fullName')
    .orderBy('s.id')
    .execute();
}

/** Creates the candidate's session for the exam, or returns the existing one's id. */
export async function ensureExamSession(db: Kysely<DB>, examId: string, candidateId: string): Promise<string> {
  const row = await db
    .insertInto('examSessions')
    .values({ examId, candidateId })
    // A no-op update so RETURNING yields the existing row too.
    .onConflict((oc) => oc.columns(['examId', 'candidateId']).doUpdateSet((eb) => ({ examId: eb.ref('excluded.examId') })))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Sessions left "in progress" after their exam ended (the candidate closed the tab instead
 * of finishing): finished at their last attempt's end, or the exam's end if none ended
 * later. Only sessions without an open attempt: a candidate still connected is the media
 * node's to close. Idempotent and safe from several jobs processes (one UPDATE).
 */
export async function finishOverdueSessions(db: Kysely<DB>, now: Date, graceMs: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    UPDATE exam_sessions s
       SET status = 'finished',
           ended_at = greatest(s.started_at, least(e.ends_at, coalesce(
             (SELECT max(a.ended_at) FROM attempts a WHERE a.session_id = s.id), e.ends_at)))
      FROM exams e
     WHERE e.id = s.exam_id
       AND s.status = 'in_progress'
       AND e.ends_at < ${new Date(now.getTime() - graceMs)}::timestamptz
       AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.session_id = s.id AND a.ended_at IS NULL)
    RETURNING s.id`.execute(db);
  return rows.rows.map((r) => r.id);
}
