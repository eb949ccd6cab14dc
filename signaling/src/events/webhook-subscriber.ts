/**
 * Webhooks as a subscriber of the domain-event bus: for each webhook event seen on this node
 * (local only — the node that saw it records it, so it is delivered once however many nodes
 * there are) it records one delivery per enabled endpoint that wants it (by type and exam)
 * and advances each delivery's chain (queued now, or after the session's earlier ones).
 * Recording is idempotent per (endpoint, event id), so an outbox row published twice after
 * a crash still makes one delivery.
 *
 * A delivery's place in its session's chain is the order it is recorded in, so events of one
 * session are recorded one after another in the order they were published: the handler is
 * detached (called at publish, before slower subscribers such as the row push) and queues
 * its work behind the session's previous event.
 */
import { endpointsFor, insertDeliveries, type DB } from '@proctor/db';
import { advanceChain, type JobQueue, type WebhookPolicy } from '@proctor/recorder';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { eventExamId, eventSessionId, webhookBody, webhookEventTypes, type WebhookEventType } from '../contract/domain-events.ts';
import type { EventBus, EventMeta } from './event-bus.ts';

export interface WebhookSubscriberDeps {
  db: Kysely<DB>;
  queue: JobQueue;
  policy: WebhookPolicy;
  log: Pick<Logger, 'warn'>;
}

export function subscribeWebhooks(bus: EventBus, deps: WebhookSubscriberDeps): () => void {
  const tails = new Map<string, Promise<unknown>>();
  /** Runs `work` after the previous work of the same session (none: at once). */
  const inOrder = (sessionId: string | null, work: () => Promise<void>): Promise<void> => {
    if (sessionId === null) return work();
    const run = (tails.get(sessionId) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => {});
    tails.set(sessionId, tail);
    void tail.then(() => {
      if (tails.get(sessionId) === tail) tails.delete(sessionId);
    });
    return run;
  };
  const record = async (type: WebhookEventType, payload: object, meta: EventMeta): Promise<void> => {
    const endpoints = await endpointsFor(deps.db, type, eventExamId(payload));
    if (endpoints.length === 0) return;
    const body = webhookBody(type, payload, meta);
    const sessionId = eventSessionId(payload);
    const rows = await insertDeliveries(
      deps.db,
      endpoints.map((e) => ({ endpointId: e.id, eventId: meta.id, eventType: type, sessionId, body })),
    );
    for (const row of rows) {
      // A failed enqueue leaves the row pending: the chain's next settle or a redelivery moves it.
      await advanceChain(deps.db, deps.queue, deps.policy, row).catch((err: unknown) => deps.log.warn({ err, deliveryId: row.id }, 'queueing a webhook delivery failed'));
    }
  };
  const offs = webhookEventTypes.map((type) =>
    bus.subscribe(type, (payload, meta) => inOrder(eventSessionId(payload), () => record(type, payload, meta)), { detached: true }),
  );
  return () => offs.forEach((off) => off());
}
