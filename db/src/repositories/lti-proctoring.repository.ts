/**
 * LTI Proctoring Services (#13): the attempts platforms started with LtiStartProctoring,
 * what their LtiStartAssessment answer must carry back, and how each one ended. The rules
 * (which attempt numbers are accepted, when session_data may change) are the signaling
 * service's; these are its queries.
 */
import type { Kysely } from 'kysely';
import type { DB, LtiProctoringAttempt } from '../schema.ts';

export interface NewLtiProctoringAttempt {
  platformId: string;
  sub: string;
  resourceLinkId: string;
  attemptNumber: number;
  sessionId: string;
  deploymentId: string;
  sessionData: string | number | null;
  startAssessmentUrl: string;
  resourceLink: Record<string, unknown>;
  endAssessmentReturn: boolean;
}

/** The latest attempt of this platform user on this resource link (highest number), locked for the launch's transaction. */
export async function latestLtiProctoringAttempt(db: Kysely<DB>, platformId: string, sub: string, resourceLinkId: string): Promise<LtiProctoringAttempt | undefined> {
  return db
    .selectFrom('ltiProctoringAttempts')
    .selectAll()
    .where('platformId', '=', platformId)
    .where('sub', '=', sub)
    .where('resourceLinkId', '=', resourceLinkId)
    .orderBy('attemptNumber', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertLtiProctoringAttempt(db: Kysely<DB>, a: NewLtiProctoringAttempt): Promise<string> {
  const row = await db
    .insertInto('ltiProctoringAttempts')
    .values({ ...a, sessionData: jsonOrNull(a.sessionData), resourceLink: JSON.stringify(a.resourceLink) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A relaunch of an attempt not handed over yet: the platform's newest launch data wins. */
export async function refreshLtiProctoringAttempt(
  db: Kysely<DB>,
  id: string,
  a: Pick<NewLtiProctoringAttempt, 'sessionId' | 'deploymentId' | 'sessionData' | 'startAssessmentUrl' | 'resourceLink' | 'endAssessmentReturn'>,
): Promise<void> {
  await db
    .updateTable('ltiProctoringAttempts')
    .set({ ...a, sessionData: jsonOrNull(a.sessionData), resourceLink: JSON.stringify(a.resourceLink) })
    .where('id', '=', id)
    .execute();
}

/** The session's current (newest) attempt. */
export async function currentLtiProctoringAttempt(db: Kysely<DB>, sessionId: string): Promise<LtiProctoringAttempt | undefined> {
  return db.selectFrom('ltiProctoringAttempts').selectAll().where('sessionId', '=', sessionId).orderBy('createdAt', 'desc').orderBy('attemptNumber', 'desc').limit(1).executeTakeFirst();
}

export async function markLtiAssessmentStarted(db: Kysely<DB>, id: string, at: Date): Promise<void> {
  await db
    .updateTable('ltiProctoringAttempts')
    .set((eb) => ({ status: 'assessment', assessmentStartedAt: eb.fn.coalesce('assessmentStartedAt', eb.val(at)) }))
    .where('id', '=', id)
    .where('status', '!=', 'ended')
    .execute();
}

/** Ends the attempt; false when it had ended already. */
export async function endLtiProctoringAttempt(db: Kysely<DB>, id: string, by: 'platform' | 'session', at: Date): Promise<boolean> {
  const r = await db.updateTable('ltiProctoringAttempts').set({ status: 'ended', endedAt: at, endedBy: by }).where('id', '=', id).where('status', '!=', 'ended').executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** A finished session ends its open attempts (our side closed the proctoring). */
export async function endLtiProctoringAttemptsOfSession(db: Kysely<DB>, sessionId: string, at: Date): Promise<number> {
  const r = await db
    .updateTable('ltiProctoringAttempts')
    .set({ status: 'ended', endedAt: at, endedBy: 'session' })
    .where('sessionId', '=', sessionId)
    .where('status', '!=', 'ended')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

const jsonOrNull = (v: string | number | null): string | null => (v === null ? null : JSON.stringify(v));
