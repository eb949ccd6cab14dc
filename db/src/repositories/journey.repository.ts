import type { Kysely } from 'kysely';
import type { SessionStatus } from '../enums.ts';
import type { DB } from '../schema.ts';

/** The audit action recorded when a candidate accepts the consent screen. */
export const CONSENT_ACTION = 'candidate.consent_given';

export interface JourneySession {
  sessionId: string;
  examId: string;
  candidateId: string;
  candidateName: string;
  candidateIin: string;
  status: SessionStatus;
  archived: boolean;
  examName: string;
  examEndsAt: Date;
  examArchived: boolean;
  /** Relative to the photos directory; null when the admin uploaded none. */
  referencePhotoPath: string | null;
}

/** What the candidate page needs to know about the session its token names. */
export function getJourneySession(db: Kysely<DB>, sessionId: string): Promise<JourneySession | undefined> {
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
      'e.endsAt as examEndsAt',
      eb('e.archivedAt', 'is not', null).$castTo<boolean>().as('examArchived'),
      'c.referencePhotoPath',
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

/**
 * Consent lives in the append-only audit trail (who agreed, when, in which language), so
 * it can never be edited away; this asks whether it is there for the session.
 */
export async function hasConsent(db: Kysely<DB>, sessionId: string): Promise<boolean> {
  const row = await db
    .selectFrom('actionLog')
    .select('id')
    .where('sessionId', '=', sessionId)
    .where('action', '=', CONSENT_ACTION)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
