/**
 * Deliveries of one session to one endpoint go out in order: only the oldest unsettled
 * delivery of that chain is ever queued. `advanceChain` runs after a delivery is recorded,
 * after one settles (delivered or failed for good) and after a manual redelivery; under the
 * chain's advisory lock it queues the head if it is still `pending`, so concurrent callers
 * (two nodes, the job and the subscriber) queue it once; the job is added after that commit. A delivery without a session has
 * no chain and is queued at once.
 */
import { chainHead, inTransaction, lockWebhookChain, markDeliveryPending, markDeliveryQueued } from '@proctor/db';
import type { Db } from '../db.ts';
import type { JobQueue } from '../queue.ts';
import { QUEUES } from '../jobs/types.ts';
import type { WebhookPolicy } from './policy.ts';

/** One job per delivery and round: re-adding the same round is a no-op. */
export function webhookJobId(deliveryId: string, round: number): string {
  return `webhook-${deliveryId}-${round}`;
}

async function enqueue(queue: JobQueue, policy: WebhookPolicy, deliveryId: string, round: number): Promise<void> {
  await queue.add(QUEUES.webhookDelivery, { deliveryId }, { jobId: webhookJobId(deliveryId, round), attempts: policy.attempts, backoffMs: policy.backoffMs });
}

export interface ChainRef {
  id: string;
  endpointId: string;
  sessionId: string | null;
}

export async function advanceChain(db: Db, queue: JobQueue, policy: WebhookPolicy, ref: ChainRef): Promise<void> {
  const { sessionId } = ref;
  const next =
    sessionId === null
      ? { id: ref.id, round: await markDeliveryQueued(db, ref.id) }
      : await inTransaction(db, async (trx) => {
          await lockWebhookChain(trx, ref.endpointId, sessionId);
          const head = await chainHead(trx, ref.endpointId, sessionId);
          if (!head || head.status !== 'pending') return null;
          return { id: head.id, round: await markDeliveryQueued(trx, head.id) };
        });
  if (!next) return;
  // Added after the commit: a worker picking the job up at once must see the row queued.
  try {
    await enqueue(queue, policy, next.id, next.round);
  } catch (err) {
    // Back to pending, so the next advance of this chain (or a redelivery) queues it again.
    await markDeliveryPending(db, next.id).catch(() => {});
    throw err;
  }
}
