// Domain events raised outside a media node (migration 0025 `domain_event_outbox`): the jobs
// process appends; a media node claims, publishes on its bus and deletes, in one transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

export async function appendOutboxEvent(db: Kysely<DB>, type: string, payload: object): Promise<void> {
  await db.insertInto('domainEventOutbox').values({ type, payload: JSON.stringify(payload) }).execute();
}

export interface OutboxEvent {
  id: number;
  eventId: string;
  type: string;
  payload: unknown;
  occurredAt: Date;
}

/**
 * The oldest events no other node holds (call inside a transaction: the rows stay locked to
 * it until it commits or rolls back).
 */
export function claimOutboxEvents(trx: Kysely<DB>, limit: number): Promise<OutboxEvent[]> {
  return trx.selectFrom('domainEventOutbox').selectAll().orderBy('id').limit(limit).forUpdate().skipLocked().execute();
}

export async function deleteOutboxEvents(trx: Kysely<DB>, ids: number[]): Promise<void> {
  if (ids.length) await trx.deleteFrom('domainEventOutbox').where('id', 'in', ids).execute();
}
