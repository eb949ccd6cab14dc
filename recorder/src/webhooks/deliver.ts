/**
 * The `webhook-delivery` job: POST the stored body, signed, to the endpoint; record the
 * outcome in the delivery log. 2xx = delivered; anything else (status, timeout, refused
 * connection, redirect) is a failed attempt and the queue retries with backoff. The last
 * attempt marks it failed. Either way a settled delivery lets its chain's next one go.
 */
import { getDeliveryForSend, recordDeliveryAttempt, settleDeliveryFailed } from '@proctor/db';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import type { JobContext, JobQueue } from '../queue.ts';
import type { WebhookDeliveryPayload } from '../jobs/types.ts';
import { advanceChain } from './chain.ts';
import type { WebhookPolicy } from './policy.ts';
import { signWebhook } from './signature.ts';

export interface DeliverDeps {
  db: Db;
  queue: JobQueue;
  policy: WebhookPolicy;
  logger: Logger;
}

export class WebhookAttemptError extends Error {}

interface Sent {
  statusCode: number | null;
  error: string | null;
}

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Sent> {
  try {
    // Redirects are not followed: the signed body goes only where the admin pointed it.
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => {});
    return { statusCode: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { statusCode: null, error: `${err instanceof Error ? err.message : String(err)}${cause}` };
  }
}

export async function deliverWebhook(deps: DeliverDeps, data: WebhookDeliveryPayload, ctx: JobContext): Promise<void> {
  const { db } = deps;
  const d = await getDeliveryForSend(db, data.deliveryId);
  // Gone (endpoint deleted) or settled meanwhile (a stale job of an earlier round): nothing to do.
  if (!d || (d.status !== 'queued' && d.status !== 'retrying')) return;
  const ref = { id: d.id, endpointId: d.endpointId, sessionId: d.sessionId };
  if (!d.enabled) {
    await settleDeliveryFailed(db, d.id, 'endpoint disabled');
    return advanceChain(db, deps.queue, deps.policy, ref);
  }
  const unix = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Proctor-Webhooks/1',
    'x-proctor-event': d.eventType,
    'x-proctor-event-id': d.eventId,
    'x-proctor-delivery': d.id,
    'x-proctor-signature': signWebhook(d.secret, d.body, unix),
  };
  const started = performance.now();
  const sent = await post(d.url, headers, d.body, deps.policy.timeoutMs);
  const durationMs = Math.round(performance.now() - started);
  const ok = sent.error === null;
  const status = ok ? 'delivered' : ctx.isFinalAttempt ? 'failed' : 'retrying';
  await recordDeliveryAttempt(db, d.id, { status, statusCode: sent.statusCode, durationMs, error: sent.error, at: new Date() });
  if (status !== 'retrying') await advanceChain(db, deps.queue, deps.policy, ref);
  if (!ok) {
    deps.logger.info({ deliveryId: d.id, attempt: ctx.attempt, error: sent.error }, 'webhook delivery failed');
    throw new WebhookAttemptError(sent.error ?? 'failed');
  }
}
