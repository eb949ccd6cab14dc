// Everything held about one candidate (the export) and the anonymisation of their record
// (the erasure). Media files are deleted by the caller; see recorder's data-protection module.
import { type Kysely, sql } from 'kysely';
import type { ActionLogEntry, Attempt, Candidate, ConnectionEvent, DB, Recording, SessionDataRemoval, Verification, Violation } from '../schema.ts';
import { inTransaction } from '../transaction.ts';

export interface CandidateSessionData {
  session: {
    id: string;
    examId: string;
    examName: string;
    status: string;
    startedAt: Date | null;
    endedAt: Date | null;
    honesty: number | null;
    decision: string;
    reviewStatus: string;
    archived: boolean;
    createdAt: Date;
  };
  attempts: Attempt[];
  recordings: Recording[];
  violations: Violation[];
  verifications: Verification[];
  connectionEvents: ConnectionEvent[];
  removals: SessionDataRemoval[];
}

export interface CandidateData {
  candidate: Candidate & { groupName: string | null };
  sessions: CandidateSessionData[];
  /** Audit entries about the candidate: their sessions' entries and admin changes to their record. */
  actions: ActionLogEntry[];
}

/** The candidate with everything that refers to them, or undefined for an unknown id. */
export async function candidateData(db: Kysely<DB>, candidateId: string): Promise<CandidateData | undefined> {
  const candidate = await db
    .selectFrom('candidates as c')
    .leftJoin('groups as g', 'g.id', 'c.groupId')
    .selectAll('c')
    .select('g.name as groupName')
    .where('c.id', '=', candidateId)
    .executeTakeFirst();
  if (!candidate) return undefined;
  const sessions = await db
    .selectFrom('examSessions')
    .select(['id', 'examId', 'examName', 'status', 'startedAt', 'endedAt', 'honesty', 'decision', 'reviewStatus', 'archived', 'createdAt'])
    .where('candidateId', '=', candidateId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  const ids = sessions.map((s) => s.id);
  const none = Promise.resolve([]);
  const [attempts, recordings, violations, verifications, events, removals, actions] = await Promise.all([
    ids.length ? db.selectFrom('attempts').selectAll().where('sessionId', 'in', ids).orderBy('startedAt').execute() : none,
    ids.length ? db.selectFrom('recordings').selectAll().where('sessionId', 'in', ids).orderBy('startedAt').execute() : none,
    ids.length ? db.selectFrom('violations').selectAll().where('sessionId', 'in', ids).orderBy('startsAt').execute() : none,
    ids.length ? db.selectFrom('verifications').selectAll().where('sessionId', 'in', ids).orderBy('startedAt').execute() : none,
    ids.length ? db.selectFrom('connectionEvents').selectAll().where('sessionId', 'in', ids).orderBy('at').execute() : none,
    ids.length ? db.selectFrom('sessionDataRemovals').selectAll().where('sessionId', 'in', ids).execute() : none,
    db
      .selectFrom('actionLog')
      .selectAll()
      .where((eb) => eb.or([...(ids.length ? [eb('sessionId', 'in', ids)] : []), eb(sql`details->>'candidateId'`, '=', candidateId)]))
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  const of = <T extends { sessionId: string }>(rows: T[], id: string) => rows.filter((r) => r.sessionId === id);
  return {
    candidate,
    sessions: sessions.map((session) => ({
      session,
      attempts: of(attempts, session.id),
      recordings: of(recordings, session.id),
      violations: of(violations, session.id),
      verifications: of(verifications, session.id),
      connectionEvents: of(events, session.id),
      removals: of(removals, session.id),
    })),
    actions,
  };
}

export interface ErasedCandidate {
  /** The reference photo the record pointed to (relative to the photos directory), for the caller to delete. */
  previousPhoto: string | null;
  sessionIds: string[];
}

/**
 * Replaces the candidate's personal data by `pseudonym` (name) and nothing (IIN, e-mail,
 * photo), and redacts the same data in the action log: the candidate's own entries lose
 * their name and IIN, admin entries about the record keep only its id. The log's
 * append-only trigger allows exactly this (migration 0016) inside this transaction.
 * LTI (#13): the links from platform users (sub) to the record go, with the sessions' score
 * targets and proctoring attempts (they hold the sub and the platform's session data); the
 * launch entries lose the sub, and a candidate without IIN (LTI) is found by name instead.
 */
export function eraseCandidateRecord(db: Kysely<DB>, candidateId: string, pseudonym: string, at: Date): Promise<ErasedCandidate | undefined> {
  return inTransaction(db, async (trx) => {
    const before = await trx.selectFrom('candidates').select(['iin', 'fullName', 'referencePhotoPath']).where('id', '=', candidateId).forUpdate().executeTakeFirst();
    if (!before) return undefined;
    const sessionIds = (await trx.selectFrom('examSessions').select('id').where('candidateId', '=', candidateId).execute()).map((s) => s.id);
    await trx
      .updateTable('candidates')
      .set({ fullName: pseudonym, iin: null, email: null, referencePhotoPath: null, erasedAt: at })
      .where('id', '=', candidateId)
      .execute();
    await trx.deleteFrom('ltiUsers').where('candidateId', '=', candidateId).execute();
    if (sessionIds.length) {
      await trx.deleteFrom('ltiGradeTargets').where('sessionId', 'in', sessionIds).execute();
      await trx.deleteFrom('ltiProctoringAttempts').where('sessionId', 'in', sessionIds).execute();
    }
    await sql`SELECT set_config('proctor.erasure', 'on', true)`.execute(trx);
    if (sessionIds.length && !before.iin) {
      // No IIN (an LTI learner): their own entries carry only their name.
      await trx
        .updateTable('actionLog')
        .set({ actorName: pseudonym })
        .where('actorUserId', 'is', null)
        .where('actorIin', 'is', null)
        .where('actorName', '=', before.fullName)
        .where('sessionId', 'in', sessionIds)
        .execute();
    }
    if (sessionIds.length) {
      await trx
        .updateTable('actionLog')
        .set({ actorName: pseudonym, actorIin: null, details: JSON.stringify({ candidateId, redacted: true }) })
        .where('action', '=', 'candidate.lti_launched')
        .where('sessionId', 'in', sessionIds)
        .execute();
    }
    if (sessionIds.length && before.iin) {
      // The candidate's own entries (consent, joined, finished…): no user id, their IIN.
      await trx
        .updateTable('actionLog')
        .set({ actorName: pseudonym, actorIin: null })
        .where('actorUserId', 'is', null)
        .where('actorIin', '=', before.iin)
        .where('sessionId', 'in', sessionIds)
        .execute();
    }
    await trx
      .updateTable('actionLog')
      .set({ details: JSON.stringify({ candidateId, redacted: true }) })
      .where(sql`details->>'candidateId'`, '=', candidateId)
      .where('action', 'like', 'admin.candidate.%')
      .execute();
    await sql`SELECT set_config('proctor.erasure', 'off', true)`.execute(trx);
    return { previousPhoto: before.referencePhotoPath, sessionIds };
  });
}
