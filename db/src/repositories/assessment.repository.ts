/** The assessment an exam opens and what a session did with it (#10, migration 0010). */
import type { Kysely } from 'kysely';
import type { AssessmentCheck, AssessmentMode, DB } from '../schema.ts';
import type { SessionStatus } from '../enums.ts';

/** Stores what the framing check found when the URL was saved (null: no URL, nothing checked). */
export async function setAssessmentCheck(db: Kysely<DB>, examId: string, check: AssessmentCheck | null): Promise<void> {
  await db
    .updateTable('exams')
    .set({ assessmentCheck: check === null ? null : JSON.stringify(check) })
    .where('id', '=', examId)
    .execute();
}

export interface SessionAssessment {
  sessionId: string;
  examId: string;
  candidateName: string;
  candidateIin: string | null;
  status: SessionStatus;
  archived: boolean;
  examArchived: boolean;
  examStartsAt: Date;
  examEndsAt: Date;
  timeZone: string;
  assessmentUrl: string | null;
  assessmentMode: AssessmentMode;
  assessmentCheck: AssessmentCheck | null;
  assessmentWindowUsed: boolean;
  returnUrl: string | null;
  /** The session has an attempt still going on (the candidate's media is connected). */
  live: boolean;
}

/** What the candidate's workspace and the exam guard's assertion need to know about a session. */
export function getSessionAssessment(db: Kysely<DB>, sessionId: string): Promise<SessionAssessment | undefined> {
  return db
    .selectFrom('examSessions as s')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .select((eb) => [
      's.id as sessionId',
      's.examId',
      'c.fullName as candidateName',
      'c.iin as candidateIin',
      's.status',
      's.archived',
      eb('e.archivedAt', 'is not', null).$castTo<boolean>().as('examArchived'),
      'e.startsAt as examStartsAt',
      'e.endsAt as examEndsAt',
      'e.timeZone',
      'e.assessmentUrl',
      'e.assessmentMode',
      'e.assessmentCheck',
      's.assessmentWindowUsed',
      's.returnUrl',
      eb
        .exists(eb.selectFrom('attempts as a').select('a.id').whereRef('a.sessionId', '=', 's.id').where('a.endedAt', 'is', null))
        .$castTo<boolean>()
        .as('live'),
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

/** The session's assessment was opened in a separate window; true the first time. */
export async function markAssessmentWindowUsed(db: Kysely<DB>, sessionId: string): Promise<boolean> {
  const result = await db
    .updateTable('examSessions')
    .set({ assessmentWindowUsed: true })
    .where('id', '=', sessionId)
    .where('assessmentWindowUsed', '=', false)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
