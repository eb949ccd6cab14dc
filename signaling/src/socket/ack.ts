/**
 * Registers one contract request on a socket: validates the payload, enforces a per-socket
 * rate limit, runs the handler, and always answers with an `Ack`. Nothing a client sends
 * can throw out of here: bad shapes become `bad_request`, domain errors (domain/errors.ts)
 * and the media layer's `MediaError` keep their code, the database being away (restarting,
 * failing over) is `unavailable` (the page keeps what it sent and retries), and anything
 * else is logged and answered as `internal`.
 */
import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import { MediaError } from '@proctor/sfu';
import { isDatabaseUnavailable } from '@proctor/db';
import { requests, type Ack, type ErrorCode, type RequestName, type ResponseOf } from '../contract/events.ts';
import type { z } from 'zod';
import { findNul } from '../validation/nul-bytes.ts';
import { DomainError, type DomainErrorCode } from '../domain/errors.ts';

/**
 * The ack code of each domain code: the same where the socket contract has it, else the
 * nearest one (a socket never sees most HTTP-only codes; this keeps the answer typed if it does).
 */
const ackCodeOf: Record<DomainErrorCode, ErrorCode> = {
  bad_request: 'bad_request',
  unsupported_media_type: 'bad_request',
  payload_too_large: 'bad_request',
  unauthenticated: 'unauthenticated',
  invalid_credentials: 'unauthenticated',
  forbidden: 'forbidden',
  cross_origin: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  account_locked: 'rate_limited',
  rate_limited: 'rate_limited',
  reset_token_invalid: 'bad_request',
  reset_token_used: 'bad_request',
  reset_token_expired: 'bad_request',
  date_range_inverted: 'bad_request',
  date_range_too_long: 'bad_request',
  sign_on_refused: 'bad_request',
  unknown_event: 'unknown_event',
  unavailable: 'unavailable',
  moved: 'moved',
  internal: 'internal',
};

type ReqOf<E extends RequestName> = z.infer<(typeof requests)[E]['req']>;
export type Handler<E extends RequestName> = (payload: ReqOf<E>) => Promise<ResponseOf<E>>;

/** Token bucket: `rate` requests per second, bursts up to `burst`. */
export class RateLimiter {
  #tokens: number;
  #last = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export const DATABASE_UNAVAILABLE = 'the database is unavailable; try again shortly';

function fail(code: ErrorCode, message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}

export function toAckError(err: unknown, log: Logger): Ack<never> {
  if (err instanceof DomainError) return fail(ackCodeOf[err.code], err.message);
  if (err instanceof MediaError) return fail(err.code, err.message);
  if (isDatabaseUnavailable(err)) {
    log.warn({ err }, 'request failed: the database is unavailable');
    return fail('unavailable', DATABASE_UNAVAILABLE);
  }
  log.error({ err }, 'request failed');
  return fail('internal', 'internal error');
}

export function register<E extends RequestName>(
  socket: Socket,
  limiter: RateLimiter,
  log: Logger,
  name: E,
  handler: Handler<E>,
): void {
  socket.on(name as string, async (payload: unknown, ack: unknown) => {
    // A client that sends no callback can't be answered; it is still validated and refused.
    const reply = typeof ack === 'function' ? (ack as (a: Ack<unknown>) => void) : () => undefined;
    if (!limiter.take()) return reply(fail('rate_limited', 'too many requests; slow down'));
    const nul = findNul(payload);
    if (nul !== null) return reply(fail('bad_request', `invalid ${name} payload at ${nul}: contains a NUL character`));
    const parsed = requests[name].req.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return reply(fail('bad_request', `invalid ${name} payload${where}: ${issue?.message ?? 'bad shape'}`));
    }
    try {
      reply({ ok: true, data: await handler(parsed.data as ReqOf<E>) });
    } catch (err) {
      reply(toAckError(err, log));
    }
  });
}

/** Answer events the contract does not know instead of leaving the client hanging. */
export function refuseUnknown(socket: Socket): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    if (Object.hasOwn(requests, event)) return;
    const ack = args.at(-1);
    if (typeof ack === 'function') ack(fail('unknown_event', `unknown event "${event}"`));
  });
}
