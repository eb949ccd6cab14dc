/**
 * Publishes the domain events other processes raised (the jobs process: `recording.ready`)
 * from the outbox table onto this node's bus. Why an outbox polled by the media nodes rather
 * than Redis or a bare NOTIFY: the jobs process runs with or without Redis, and a NOTIFY is
 * heard by every node (each would publish it) and lost when no node listens. A row instead
 * waits until some node is up, exactly one node claims it (FOR UPDATE SKIP LOCKED), and it is
 * deleted in the transaction that published it; if that transaction fails after publishing,
 * the row is published again and the webhook deliveries stay one per event (same event id).
 * Polling an empty indexed table every second costs nothing measurable.
 */
import { claimOutboxEvents, deleteOutboxEvents, inTransaction, type DB } from '@proctor/db';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { domainEventSchemas, type DomainEventType } from '../contract/domain-events.ts';
import type { EventBus } from './event-bus.ts';

export interface OutboxRelayOptions {
  db: Kysely<DB>;
  bus: EventBus;
  log: Pick<Logger, 'warn'>;
  /** Default 1000 ms. */
  intervalMs?: number;
}

const BATCH = 100;

/** One pass: publishes what is waiting; returns how many rows it handled. */
export async function relayOutboxOnce(opts: OutboxRelayOptions): Promise<number> {
  return inTransaction(opts.db, async (trx) => {
    const rows = await claimOutboxEvents(trx, BATCH);
    for (const row of rows) {
      const schema = domainEventSchemas[row.type as DomainEventType];
      // Written by another process: checked like any input; a malformed row is dropped.
      const parsed = schema?.safeParse(row.payload);
      if (!parsed?.success) {
        opts.log.warn({ event: row.type, outboxId: row.id }, 'malformed outbox event dropped');
        continue;
      }
      await opts.bus.publish(row.type as DomainEventType, parsed.data as never, { id: row.eventId, occurredAt: row.occurredAt.toISOString() });
    }
    await deleteOutboxEvents(trx, rows.map((r) => r.id));
    return rows.length;
  });
}

export function startOutboxRelay(opts: OutboxRelayOptions): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let closed = false;
  const tick = () => {
    running = relayOutboxOnce(opts)
      .catch((err: unknown) => opts.log.warn({ err }, 'outbox relay pass failed'))
      .finally(() => {
        if (!closed) timer = setTimeout(tick, opts.intervalMs ?? 1000);
      });
  };
  tick();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
