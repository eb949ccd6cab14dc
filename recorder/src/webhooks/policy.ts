/**
 * How webhook deliveries are retried. BullMQ's exponential backoff doubles the delay after
 * each failure: with 14 attempts from 10 s the last one comes ≈ 22.8 h after the first
 * (10 s · (2^13 − 1)), so a receiver may be down for most of a day. Tests shorten it.
 */
export interface WebhookPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the first retry; doubles after each. */
  backoffMs: number;
  /** One request's time limit. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { attempts: 14, backoffMs: 10_000, timeoutMs: 10_000 };
