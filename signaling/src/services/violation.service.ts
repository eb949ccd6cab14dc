/**
 * Ingestion of the candidate page's detector findings (socket `violation:report` /
 * `violation:end`): checks them against the candidate's own session and attempt, stores them
 * through the db repository (which merges touching intervals of one type and source — the
 * server's frame-sampling job uses the same repository), pushes each stored finding to the
 * exam's proctors, and keeps the session's honesty current (debounced, then the Results row
 * is re-published).
 *
 * What a candidate can and cannot do here:
 * - the session is the socket token's, never the payload's; an id of another session's
 *   violation is "not found";
 * - times must be ordered, inside the session (since it started) and not in the future (a few
 *   seconds of clock skew are tolerated and clamped);
 * - confidence is the browser's own claim, kept for the reviewer but never read by honesty,
 *   so claiming 0 (or anything) changes no verdict;
 * - flooding is cut off by a per-socket limiter before anything reaches here;
 * - each report carries the page's idempotency key: a resend (lost ack, reconnect, reload)
 *   answers the first violation with alreadyStored and stores and publishes nothing.
 */
import type { Kysely } from 'kysely';
import {
  VIOLATION_CATEGORY,
  closeOpenViolations,
  countViolations,
  endViolation,
  findReportedViolation,
  recomputeSessionHonesty,
  recordViolation,
  violationContext,
  type DB,
  type ViolationRow,
  type ViolationType,
} from '@proctor/db';
import type { SessionViolation, ViolationView } from '../contract/violations.ts';
import type { RequestOf, ResponseOf } from '../contract/events.ts';
import { DomainError } from '../domain/errors.ts';
import type { EventBus } from '../events/event-bus.ts';

/** Browser clocks drift; findings up to this far in the future or before the attempt are clamped, beyond it refused. */
export const CLOCK_SKEW_MS = 5_000;
/** Honesty is recomputed at most this often per session while findings stream in. */
export const HONESTY_DEBOUNCE_MS = 2_000;

export interface ViolationServiceDeps {
  db: Kysely<DB>;
  /** Stored findings go out as `violation.created` / `.updated`, settled honesty as `session.updated`. */
  events: EventBus;
  log: { warn(obj: object, msg: string): void };
  now?: () => Date;
  debounceMs?: number;
}

export function violationView(v: ViolationRow): ViolationView {
  return {
    id: v.id,
    type: v.type,
    category: v.category,
    startsAt: v.startsAt.toISOString(),
    endsAt: v.endsAt?.toISOString() ?? null,
    source: v.source,
    confidence: v.confidence,
  };
}

/** Most findings from the candidate's page one session may hold. */
export const MAX_CLIENT_FINDINGS_PER_SESSION = 1000;

export class ViolationService {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  readonly #inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: ViolationServiceDeps) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** A candidate's finding. `sessionId` comes from the socket's verified token. */
  async report(sessionId: string, req: RequestOf<'violation:report'>): Promise<ResponseOf<'violation:report'>> {
    // Ordered as reported, before any clamping could make a reversed pair look equal.
    if (req.endedAt !== null && Date.parse(req.endedAt) < Date.parse(req.startedAt)) {
      throw new DomainError('bad_request', 'endedAt is before startedAt');
    }
    // A resend of a stored report is answered before the live checks: it was accepted when
    // first sent, so a cap reached or an exam finished since must not make the page drop it.
    const seen = await findReportedViolation(this.deps.db, sessionId, req.idempotencyKey);
    if (seen) return { violationId: seen.id, alreadyStored: true };
    const ctx = await this.#liveContext(sessionId);
    // The rate limit bounds the speed; this bounds the total a page can pile onto a session
    // (touching findings merge, so an honest page stays far below it).
    if ((await countViolations(this.deps.db, sessionId, 'client')) >= MAX_CLIENT_FINDINGS_PER_SESSION) {
      throw new DomainError('rate_limited', `this session already holds ${MAX_CLIENT_FINDINGS_PER_SESSION} findings from the page; no more are stored`);
    }
    const now = this.#now();
    const startsAt = this.#instant(req.startedAt, ctx.since, now, 'startedAt');
    const endsAt = req.endedAt === null ? null : this.#instant(req.endedAt, ctx.since, now, 'endedAt');
    const type = req.type as ViolationType;
    const { violation, merged, alreadyStored } = await recordViolation(this.deps.db, {
      sessionId,
      attemptId: ctx.attemptId,
      type,
      category: VIOLATION_CATEGORY[type],
      startsAt,
      endsAt,
      confidence: req.confidence ?? null,
      source: 'client',
      idempotencyKey: req.idempotencyKey,
    });
    // Two sends of one report racing past the check above: the key's claim let one store.
    if (alreadyStored) return { violationId: violation.id, alreadyStored: true };
    this.#published(ctx.examId, sessionId, violation, merged ? 'violation.updated' : 'violation.created');
    return { violationId: violation.id, alreadyStored: false };
  }

  /** Closes the candidate's own open finding. */
  async end(sessionId: string, req: RequestOf<'violation:end'>): Promise<ResponseOf<'violation:end'>> {
    const ctx = await this.#liveContext(sessionId);
    const endsAt = this.#instant(req.endedAt, ctx.since, this.#now(), 'endedAt');
    const violation = await endViolation(this.deps.db, { id: req.violationId, sessionId, source: 'client', endsAt });
    if (!violation) throw new DomainError('not_found', 'no open violation with this id in your session');
    this.#published(ctx.examId, sessionId, violation, 'violation.updated');
    return {};
  }

  /**
   * The candidate's page went away (socket closed): its open findings can no longer be
   * closed by it, so they end now; honesty is settled without waiting for the debounce.
   */
  candidateGone(sessionId: string): Promise<void> {
    return this.#track(this.#candidateGone(sessionId));
  }

  async #candidateGone(sessionId: string): Promise<void> {
    const ctx = await violationContext(this.deps.db, sessionId);
    if (!ctx) return;
    const closed = await closeOpenViolations(this.deps.db, sessionId, this.#now(), 'client');
    for (const v of closed) await this.deps.events.publish('violation.updated', { sessionId, examId: ctx.examId, violation: violationView(v) });
    await this.flush(sessionId);
  }

  /** Recomputes now (cancelling a pending debounce) and re-publishes the session's Results row. */
  async flush(sessionId: string): Promise<void> {
    const timer = this.#timers.get(sessionId);
    if (timer) clearTimeout(timer);
    this.#timers.delete(sessionId);
    await recomputeSessionHonesty(this.deps.db, sessionId, this.#now());
    await this.deps.events.publish('session.updated', { sessionId });
  }

  /**
   * Node shutdown: drops debounced recomputes and waits for the work already running (the
   * sockets' disconnect handlers close open findings), so none of it outlives the database.
   */
  async close(): Promise<void> {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#inFlight]);
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    const done = () => this.#inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  #published(examId: string, sessionId: string, violation: ViolationRow, type: 'violation.created' | 'violation.updated'): void {
    void this.deps.events.publish(type, { sessionId, examId, violation: violationView(violation) });
    if (this.#timers.has(sessionId)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(sessionId);
      this.#track(this.flush(sessionId)).catch((err: unknown) => this.deps.log.warn({ err, sessionId }, 'honesty recompute failed'));
    }, this.deps.debounceMs ?? HONESTY_DEBOUNCE_MS);
    timer.unref();
    this.#timers.set(sessionId, timer);
  }

  async #liveContext(sessionId: string) {
    const ctx = await violationContext(this.deps.db, sessionId);
    if (!ctx) throw new DomainError('not_found', 'exam session not found');
    if (ctx.status !== 'in_progress' || !ctx.attemptId || !ctx.attemptStartedAt) {
      throw new DomainError('conflict', 'no attempt in progress: join the exam first');
    }
    // Findings may reach us after a reconnect (the page queues them while offline), so any
    // time since the session started is accepted; the current attempt owns them.
    return { ...ctx, attemptId: ctx.attemptId, since: ctx.sessionStartedAt ?? ctx.attemptStartedAt };
  }

  /** Parses a reported instant and keeps it inside [session start, now], refusing what skew cannot explain. */
  #instant(iso: string, since: Date, now: Date, field: string): Date {
    const t = new Date(iso);
    if (t.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new DomainError('bad_request', `${field} is in the future`);
    if (t.getTime() < since.getTime() - CLOCK_SKEW_MS) throw new DomainError('bad_request', `${field} is before the exam session started`);
    return new Date(Math.min(Math.max(t.getTime(), since.getTime()), now.getTime()));
  }
}
