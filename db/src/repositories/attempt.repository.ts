import { type Kysely, sql } from 'kysely';
import type { AttemptEndReason } from '../enums.ts';
import type { Attempt, DB } from '../schema.ts';
import { inTransaction } from '../transaction.ts';

export interface StartAttemptInput {
  sessionId: string;
  nodeId: string;
  at: Date;
}

/**
 * Opens the session's next attempt (number = previous max + 1). Concurrent calls for one
 * session are serialised by locking the session row, so numbers never repeat or skip.
 * FOR NO KEY UPDATE (not FOR UPDATE) so inserts of violations/events referencing the
 * session are not blocked meanwhile.
 */
export function startAttempt(db: Kysely<DB>, input: StartAttemptInput): Promise<{ id: string; number: number }> {
  return inTransaction(db, async (trx) => {
    const session = await trx
      .selectFrom('examSessions')
      .select('id')
      .where('id', '=', input.sessionId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!session) throw new Error(`Exam session ${input.sessionId} does not exist`);

    const { last } = await trx
      .selectFrom('attempts')
      .select((eb) => eb.fn.max('number').as('last'))
      .where('sessionId', '=', input.sessionId)
      .executeTakeFirstOrThrow();

    return trx
      .insertInto('attempts')
      .values({ sessionId: input.sessionId, nodeId: input.nodeId, startedAt: input.at, number: (last ?? 0) + 1 })
      .returning(['id', 'number'])
      .executeTakeFirstOrThrow();
  });
}

/** Closes the attempt; a second call (or one after crash recovery) changes nothing and returns false. */
export async function endAttempt(
  db: Kysely<DB>,
  attemptId: string,
  end: { at: Date; reason: AttemptEndReason },
): Promise<boolean> {
  const result = await db
    .updateTable('attempts')
    .set((eb) => ({
      // Clock skew between nodes must not trip ended_at >= started_at.
      endedAt: sql<Date>`greatest(${eb.ref('startedAt')}, ${end.at}::timestamptz)`,
      endReason: end.reason,
    }))
    .where('id', '=', attemptId)
    .where('endedAt', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Crash recovery when a media node starts: closes every attempt it left open. An attempt
 * ends where its recordings do (their ends read from the dumps by crash recovery, so call
 * this after it): that is when the node died, not when it came back; `at` without any.
 */
export function endOpenAttemptsOnNode(
  db: Kysely<DB>,
  nodeId: string,
  at: Date,
  reason: AttemptEndReason,
): Promise<{ id: string; sessionId: string }[]> {
  return db
    .updateTable('attempts')
    .set((eb) => ({
      endedAt: sql<Date>`greatest(${eb.ref('startedAt')}, coalesce((select max(r.ended_at) from recordings r where r.attempt_id = ${eb.ref('attempts.id')}), ${at}::timestamptz))`,
      endReason: reason,
    }))
    .where('nodeId', '=', nodeId)
    .where('endedAt', 'is', null)
    .returning(['id', 'sessionId'])
    .execute();
}

/** The session's attempts in order (the report shows each as "Attempt N"). */
export function listAttempts(db: Kysely<DB>, sessionId: string): Promise<Attempt[]> {
  return db.selectFrom('attempts').selectAll().where('sessionId', '=', sessionId).orderBy('number').execute();
}

/** The session's newest attempt (by number), if it has one: what a Results push is about (#12). */
export function latestAttempt(db: Kysely<DB>, sessionId: string): Promise<{ id: string; number: number } | undefined> {
  return db.selectFrom('attempts').select(['id', 'number']).where('sessionId', '=', sessionId).orderBy('number', 'desc').limit(1).executeTakeFirst();
}
