/**
 * Webhooks as a subscriber of the domain-event bus: for each webhook event seen on this node
 * (local only — the node that saw it records it, so it is delivered once however many nodes
 * there are) it records one delivery per enabled endpoint that wants it (by type and exam)
 * and advances each delivery's chain (queued now, or after the session's earlier ones).
 * Recording is idempotent per (endpoint, event id), so an outbox row published twice after
 * a crash still makes one delivery.
 */
import { endpointsFor, insertDeliveries, type DB } from '@proctor/db';
import { advanceChain, type JobQueue, type WebhookPolicy } from '@proctor/recorder';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { eventExamId, eventSessionId, webhookBody, webhookEventTypes } from '../contract/domain-events.ts';
import type { EventBus } from './event-bus.ts';

export interface WebhookSubscriberDeps {
  db: Kysely<DB>;
  queue: JobQueue;
  policy: WebhookPolicy;
  log: Pick<Logger, 'warn'>;
}

export function subscribeWebhooks(bus: EventBus, deps: WebhookSubscriberDeps): () => void {
  const offs = webhookEventTypes.map((type) =>
    bus.subscribe(type, async (payload, meta) => {
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
    }),
  );
  return () => offs.forEach((off) => off());
}
