/**
 * Sends detector findings to the media node (`violation:report` / `violation:end`, see
 * signaling/src/contract/violations.ts) and keeps the candidate's own view of them for the
 * overlay. Findings made while the connection is down are queued in order and sent once
 * the page is connected (and joined) again, with their original times.
 *
 * Each report carries the idempotency key its finding got when it was made (ReportQueue,
 * kept in localStorage until acked): a resend after a lost ack, a reconnect or a reload of
 * the page is stored once by the server. Reports an earlier page left unacked are sent first.
 */
import type { RequestName, RequestOf, ResponseOf, ViolationTypeName } from '@proctor/signaling/contract';
import type { IntervalEvents } from './interval.ts';
import { ReportQueue } from './report-queue.ts';

type Request = <E extends RequestName>(name: E, payload: RequestOf<E>) => Promise<ResponseOf<E>>;

export interface LocalViolation {
  key: number;
  type: ViolationTypeName;
  startedAt: number;
  endedAt: number | null;
  confidence?: number;
}

interface Tracked extends LocalViolation {
  idempotencyKey: string;
  serverId: string | null;
  endSent: boolean;
  dropped: boolean;
}

/** How long a momentary finding (copy, paste, …) stays in the overlay. */
const RECENT_MS = 6_000;

/**
 * Waits between tries while the server cannot store (database restarting, rate limit, no
 * answer): 1 s, 2 s, 4 s, then every 8 s, back to the start after a success. Short enough
 * that a restart of a few seconds costs a few seconds, long enough that a long outage is not
 * hammered by every candidate at once (each wait is jittered by up to a quarter).
 */
export const REPORT_RETRY_MS = [1_000, 2_000, 4_000, 8_000] as const;

export function reportRetryDelay(failures: number, random: () => number = Math.random): number {
  const base = REPORT_RETRY_MS[Math.min(Math.max(failures, 1), REPORT_RETRY_MS.length) - 1]!;
  return Math.round(base * (1 + random() / 4));
}

export type ReporterListener = (current: LocalViolation[]) => void;

export class ViolationReporter implements IntervalEvents {
  #nextKey = 1;
  #items: Tracked[] = [];
  #ready = false;
  #flushing: Promise<void> | null = null;
  #rerun = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  /** Tries in a row that failed for a passing reason (the backoff step). */
  #failures = 0;
  #listeners = new Set<ReporterListener>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly request: Request,
    private readonly now: () => number = Date.now,
    /** Durable per-session queue (the page passes a localStorage one); in memory by default. */
    private readonly queue: ReportQueue = new ReportQueue(null, 'memory'),
  ) {
    // What an earlier page of this session made but never saw acked goes out first, same keys.
    for (const r of queue.pending()) {
      this.#items.push({ ...r, key: this.#nextKey++, serverId: null, endSent: false, dropped: false });
    }
    // Momentary findings fade out of the overlay on their own.
    this.#timer = setInterval(() => this.#notify(), 1000);
  }

  /** The socket is connected and joined (true) or not (false); sending resumes when true, at once. */
  setReady(ready: boolean): void {
    this.#ready = ready;
    if (!ready) return;
    this.#failures = 0;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    void this.flush();
  }

  start(type: ViolationTypeName, startedAt: number, confidence?: number): void {
    this.#add({ type, startedAt, endedAt: null, confidence });
  }

  end(type: ViolationTypeName, endedAt: number): void {
    const open = this.#items.findLast((v) => v.type === type && v.endedAt === null);
    if (!open) return;
    open.endedAt = Math.max(endedAt, open.startedAt);
    // Not sent yet: it will go out closed, so the stored copy must say so too.
    if (open.serverId === null) this.queue.setEnded(open.idempotencyKey, open.endedAt);
    this.#notify();
    void this.flush();
  }

  /** A momentary finding (copy, paste, cut): starts and ends at `at`. */
  pulse(type: ViolationTypeName, at: number, confidence?: number): void {
    this.#add({ type, startedAt: at, endedAt: at, confidence });
  }

  /** Everything still going on, plus what ended in the last few seconds (for the overlay). */
  current(): LocalViolation[] {
    const since = this.now() - RECENT_MS;
    return this.#items
      .filter((v) => !v.dropped && (v.endedAt === null || v.endedAt >= since))
      .map(({ key, type, startedAt, endedAt, confidence }) => ({ key, type, startedAt, endedAt, confidence }));
  }

  subscribe(listener: ReporterListener): () => void {
    this.#listeners.add(listener);
    listener(this.current());
    return () => this.#listeners.delete(listener);
  }

  /** How many findings are not yet fully stored on the server (tests, the overlay). */
  get pending(): number {
    return this.#items.filter((v) => !v.dropped && (v.serverId === null || (v.endedAt !== null && !v.endSent))).length;
  }

  /** Send what is queued; one pass at a time, in the order the findings were made. */
  flush(): Promise<void> {
    if (this.#flushing) {
      // A pass is under way: it looks again before finishing, so this call's work is not lost.
      this.#rerun = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      try {
        do {
          this.#rerun = false;
          await this.#drain();
        } while (this.#rerun && this.#ready);
      } finally {
        this.#flushing = null;
      }
    })();
    return this.#flushing;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#retry) clearTimeout(this.#retry);
    this.#timer = null;
    this.#retry = null;
    this.#ready = false;
    this.#listeners.clear();
  }

  #add(v: Omit<LocalViolation, 'key'>): void {
    const { idempotencyKey } = this.queue.add(v);
    this.#items.push({ ...v, idempotencyKey, key: this.#nextKey++, serverId: null, endSent: false, dropped: false });
    // Fully stored and long over: no need to keep them in memory.
    const since = this.now() - RECENT_MS;
    this.#items = this.#items.filter((x) => !(x.endSent && x.endedAt !== null && x.endedAt < since));
    this.#notify();
    void this.flush();
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (!this.#ready) return;
      const next = this.#items.find((v) => !v.dropped && (v.serverId === null || (v.endedAt !== null && !v.endSent)));
      if (!next) return;
      try {
        if (next.serverId === null) {
          const endedAt = next.endedAt;
          const { violationId } = await this.request('violation:report', {
            idempotencyKey: next.idempotencyKey,
            type: next.type,
            startedAt: new Date(next.startedAt).toISOString(),
            endedAt: endedAt === null ? null : new Date(endedAt).toISOString(),
            ...(next.confidence !== undefined ? { confidence: Math.min(1, Math.max(0, next.confidence)) } : {}),
          });
          this.#failures = 0;
          next.serverId = violationId;
          next.endSent = endedAt !== null;
          // Acked (stored now or before): only now may the durable copy go.
          this.queue.remove(next.idempotencyKey);
        } else {
          await this.request('violation:end', { violationId: next.serverId, endedAt: new Date(next.endedAt!).toISOString() });
          this.#failures = 0;
          next.endSent = true;
        }
      } catch (error) {
        const code = (error as { code?: string }).code;
        // The server refused this finding for good (bad shape, not allowed): drop it, go on.
        if (code === 'bad_request' || code === 'forbidden' || code === 'not_found') {
          console.warn('[detectors] violation refused', next.type, error);
          next.dropped = true;
          if (next.serverId === null) this.queue.remove(next.idempotencyKey);
          continue;
        }
        // Network trouble, the database away (`unavailable`) or the rate limit: keep it and
        // try again after the backoff (or at once when the page reconnects).
        this.#failures += 1;
        const delay = reportRetryDelay(this.#failures);
        if (this.#retry) clearTimeout(this.#retry);
        this.#retry = setTimeout(() => {
          this.#retry = null;
          void this.flush();
        }, delay);
        return;
      }
    }
  }

  #notify(): void {
    const current = this.current();
    for (const listener of this.#listeners) listener(current);
  }
}
