// A reviewer's acts on one session (the report page): the access lookups, the decision and
// the "viewed" mark, each written with its action-archive entry in one transaction.
import type { Kysely } from 'kysely';
import type { Decision } from '../enums.ts';
import type { DB } from '../schema.ts';
import { inTransaction } from '../transaction.ts';
import { appendAction } from './action-log.repository.ts';

/** Those of `examIds` the user is not assigned to as a proctor (all of them if none exist). */
export async function unassignedExamIds(db: Kysely<DB>, userId: string, examIds: string[]): Promise<string[]> {
  const assigned = await db
    .selectFrom('examProctors')
    .select('examId')
    .where('userId', '=', userId)
    .where('examId', 'in', examIds)
    .execute();
  const ok = new Set(assigned.map((r) => r.examId));
  return [...new Set(examIds)].filter((id) => !ok.has(id));
}

/** The session's exam, for access checks; undefined when the session does not exist. */
export async function getSessionExamId(db: Kysely<DB>, sessionId: string): Promise<string | undefined> {
  const row = await db.selectFrom('examSessions').select('examId').where('id', '=', sessionId).executeTakeFirst();
  return row?.examId;
}

/** The signed-in user an audit entry names (copied into the entry). */
export interface ActionActor {
  /** null: not a user (an API key's integration, named by fullName). */
  userId: string | null;
  fullName: string;
  iin: string | null;
}

export interface DecisionChange {
  examId: string;
  from: Decision;
  to: Decision;
  /** false when the session already had this decision (nothing written). */
  changed: boolean;
}

/**
 * Records the reviewer's decision and its audit entry (from → to) atomically. The row lock
 * keeps two reviewers' simultaneous changes from logging the same "from".
 */
export function setDecision(
  db: Kysely<DB>,
  input: { sessionId: string; decision: Decision; actor: ActionActor; details?: Record<string, unknown> },
): Promise<DecisionChange | undefined> {
  return inTransaction(db, async (trx) => {
    const current = await lockSession(trx, input.sessionId, 'decision');
    if (!current) return undefined;
    const change = { examId: current.examId, from: current.decision, to: input.decision };
    if (current.decision === input.decision) return { ...change, changed: false };
    await trx.updateTable('examSessions').set({ decision: input.decision }).where('id', '=', input.sessionId).execute();
    await logReview(trx, input, 'session.decision_changed', { ...input.details, from: change.from, to: change.to });
    return { ...change, changed: true };
  });
}

/**
 * A staff member opened the session's report: logs the view (every time, for the report's
 * action archive) and marks the session viewed. `firstView` tells whether the review status
 * changed, i.e. whether open Results pages need an update.
 */
export function markViewed(
  db: Kysely<DB>,
  input: { sessionId: string; actor: ActionActor },
): Promise<{ examId: string; firstView: boolean } | undefined> {
  return inTransaction(db, async (trx) => {
    const current = await lockSession(trx, input.sessionId, 'reviewStatus');
    if (!current) return undefined;
    const firstView = current.reviewStatus === 'not_viewed';
    if (firstView) {
      await trx.updateTable('examSessions').set({ reviewStatus: 'viewed' }).where('id', '=', input.sessionId).execute();
    }
    await logReview(trx, input, 'session.viewed');
    return { examId: current.examId, firstView };
  });
}

/** The session's exam and `column`, its row locked until the transaction ends. */
function lockSession<C extends 'decision' | 'reviewStatus'>(trx: Kysely<DB>, sessionId: string, column: C) {
  return trx.selectFrom('examSessions').select(['examId', column]).where('id', '=', sessionId).forNoKeyUpdate().executeTakeFirst();
}

function logReview(trx: Kysely<DB>, input: { sessionId: string; actor: ActionActor }, action: string, details?: Record<string, unknown>) {
  return appendAction(trx, {
    actorUserId: input.actor.userId,
    actorName: input.actor.fullName,
    actorIin: input.actor.iin,
    sessionId: input.sessionId,
    action,
    details,
  });
}
