import type { Kysely } from 'kysely';
import type { ActionLogEntry, DB } from '../schema.ts';

export interface AppendActionInput {
  actorUserId?: string | null;
  /** Copied, not joined: the entry must read the same after the user is renamed or removed. */
  actorName: string;
  actorIin?: string | null;
  sessionId?: string | null;
  /** e.g. 'session.viewed', 'session.decision_changed'. */
  action: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** Appends to the audit trail (rows can never be changed or deleted; a trigger enforces it). */
export async function appendAction(db: Kysely<DB>, input: AppendActionInput): Promise<number> {
  const { details, ...rest } = input;
  const row = await db
    .insertInto('actionLog')
    .values({ ...rest, details: JSON.stringify(details ?? {}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The report's "Action archive", newest first. */
export function listActionsForSession(db: Kysely<DB>, sessionId: string): Promise<ActionLogEntry[]> {
  return db
    .selectFrom('actionLog')
    .selectAll()
    .where('sessionId', '=', sessionId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
