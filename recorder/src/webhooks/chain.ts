/**
 * Deliveries of one session to one endpoint go out in order: only the oldest unsettled
 * delivery of that chain is ever queued. `advanceChain` runs after a delivery is recorded,
 * after one settles (delivered or failed for good) and after a manual redelivery; under the
 * chain's advisory lock it queues the head if it is still `pending`, so concurrent callers
 * (two nodes, the job and the subscriber) queue it once. A delivery without a session has
 * no chain and is queued at once.
 */
import { chainHead, inTransaction, lockWebhookChain, markDeliveryQueued } from '@proctor/db';
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
  if (sessionId === null) {
    const round = await markDeliveryQueued(db, ref.id);
    return enqueue(queue, policy, ref.id, round);
  }
  await inTransaction(db, async (trx) => {
    await lockWebhookChain(trx, ref.endpointId, sessionId);
    const head = await chainHead(trx, ref.endpointId, sessionId);
    if (!head || head.status !== 'pending') return;
    const round = await markDeliveryQueued(trx, head.id);
    // Added inside the transaction: if adding fails the row stays pending for the next advance.
    await enqueue(queue, policy, head.id, round);
  });
}
