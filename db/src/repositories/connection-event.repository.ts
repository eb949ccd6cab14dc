import type { Kysely } from 'kysely';
import type { ConnectionEventKind } from '../enums.ts';
import type { ConnectionEvent, DB } from '../schema.ts';

export interface NewConnectionEventInput {
  sessionId: string;
  attemptId?: string | null;
  kind: ConnectionEventKind;
  /** Machine code of what failed (camera_denied, screen_not_entire, …); null for successes. */
  error?: string | null;
  at?: Date;
}

/**
 * Appends one connection event. Failures start unresolved (resolved = false); successes and
 * plain events leave resolved null ("not applicable").
 */
export function insertConnectionEvent(db: Kysely<DB>, input: NewConnectionEventInput): Promise<ConnectionEvent> {
  const failed = input.error != null;
  return db
    .insertInto('connectionEvents')
    .values({
      sessionId: input.sessionId,
      attemptId: input.attemptId ?? null,
      kind: input.kind,
      error: input.error ?? null,
      resolved: failed ? false : null,
      ...(input.at ? { at: input.at } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The candidate got past earlier failures of `kind` (e.g. passed the device check after a
 * denied camera): marks them resolved so statistics can tell fixed problems from lost
 * candidates. `errors` narrows it to those codes. Returns how many rows changed.
 */
export async function resolveConnectionFailures(
  db: Kysely<DB>,
  sessionId: string,
  kind: ConnectionEventKind,
  errors?: readonly string[],
): Promise<number> {
  if (errors && errors.length === 0) return 0;
  let query = db
    .updateTable('connectionEvents')
    .set({ resolved: true })
    .where('sessionId', '=', sessionId)
    .where('kind', '=', kind)
    .where('resolved', '=', false);
  if (errors) query = query.where('error', 'in', errors);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The session's connection events in time order (tests, reports). */
export function listConnectionEvents(db: Kysely<DB>, sessionId: string): Promise<ConnectionEvent[]> {
  return db.selectFrom('connectionEvents').selectAll().where('sessionId', '=', sessionId).orderBy('at').orderBy('id').execute();
}
