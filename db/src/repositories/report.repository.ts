// Reads of the detailed report (manual §2.4) that no other screen needs. Attempts,
// recordings and the action archive come from their own repositories.
import type { Kysely } from 'kysely';
import type { ViolationCategory, ViolationSource } from '../enums.ts';
import type { DB } from '../schema.ts';

export interface SessionViolationRow {
  id: string;
  type: string;
  category: ViolationCategory;
  startsAt: Date;
  endsAt: Date | null;
  source: ViolationSource;
  attemptId: string | null;
  /** null when the violation belongs to no attempt (e.g. its attempt row was removed). */
  attemptNumber: number | null;
}

/** The violation ribbon: every violation of the session, in time order, with its attempt. */
export function listSessionViolations(db: Kysely<DB>, sessionId: string): Promise<SessionViolationRow[]> {
  return db
    .selectFrom('violations as v')
    .leftJoin('attempts as a', 'a.id', 'v.attemptId')
    .select(['v.id', 'v.type', 'v.category', 'v.startsAt', 'v.endsAt', 'v.source', 'v.attemptId', 'a.number as attemptNumber'])
    .where('v.sessionId', '=', sessionId)
    .orderBy('v.startsAt')
    .orderBy('v.id')
    .execute();
}
