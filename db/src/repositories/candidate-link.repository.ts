import type { Kysely } from 'kysely';
import type { SessionStatus } from '../enums.ts';
import type { DB } from '../schema.ts';

export interface ExamLinkRow {
  sessionId: string;
  candidateName: string;
  groupName: string | null;
  status: SessionStatus;
}

/** Every current (not archived) session of an exam, by candidate name: the rows of the links page. */
export function listExamLinkSessions(db: Kysely<DB>, examId: string): Promise<ExamLinkRow[]> {
  return db
    .selectFrom('examSessions')
    .select(['id as sessionId', 'candidateName', 'groupName', 'status'])
    .where('examId', '=', examId)
    .where('archived', '=', false)
    .orderBy('candidateName')
    .orderBy('id')
    .execute();
}
