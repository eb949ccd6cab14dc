import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

/** The audit action recorded when a candidate accepts the consent screen. */
export const CONSENT_ACTION = 'candidate.consent_given';
/**
 * The audit action recorded when the identity check failed VERIFICATION_MAX_ATTEMPTS times:
 * the candidate goes on to the exam and the session is marked for the proctor's attention.
 */
export const VERIFICATION_FLAGGED_ACTION = 'candidate.verification_flagged';

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
