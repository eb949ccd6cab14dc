/**
 * The candidate page's durable queue of violation reports not yet acked by the server. Each
 * report gets its idempotency key when the detector makes it; it stays here (localStorage,
 * one entry per exam session) until the server's ack, so after a reconnect or a page reload
 * the same reports go out again, in the order they were made, with the same keys — and the
 * server stores each once (signaling/src/contract/violations.ts).
 *
 * A report still open when the earlier page went away is restored closed at the last moment
 * that page wrote the queue: no detector of the new page will ever close it, and leaving it
 * open would count the rest of the exam against the candidate.
 *
 * Bounded: past `max` entries the oldest are dropped (a page offline for hours must not fill
 * the origin's storage). Storage that is missing, full or broken degrades to memory only:
 * reporting keeps working, just without surviving a reload.
 */
import type { ViolationTypeName } from '@proctor/signaling/contract';

/** The part of the Web Storage API used here (tests pass an in-memory one). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface QueuedReport {
  idempotencyKey: string;
  type: ViolationTypeName;
  /** Epoch milliseconds, as the detector saw them. */
  startedAt: number;
  endedAt: number | null;
  confidence?: number;
}

export interface ReportQueueOptions {
  /** Most reports kept; the oldest go first. */
  max?: number;
  newKey?: () => string;
  now?: () => number;
}

/** What is written to storage. */
interface Saved {
  savedAt: number;
  items: unknown[];
}

export const REPORT_QUEUE_MAX = 500;
const PREFIX = 'proctor.violation-reports.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reportQueueKey(sessionId: string): string {
  return PREFIX + sessionId;
}

/** What a stored entry must look like; anything else (an old format, a hand edit) is skipped. */
function valid(x: unknown): x is QueuedReport {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.idempotencyKey === 'string' &&
    UUID.test(r.idempotencyKey) &&
    typeof r.type === 'string' &&
    typeof r.startedAt === 'number' &&
    (r.endedAt === null || typeof r.endedAt === 'number') &&
    (r.confidence === undefined || typeof r.confidence === 'number')
  );
}

export class ReportQueue {
  #items: QueuedReport[];
  readonly #max: number;
  readonly #newKey: () => string;
  readonly #key: string;
  readonly #now: () => number;

  constructor(
    private readonly storage: StorageLike | null,
    sessionId: string,
    options: ReportQueueOptions = {},
  ) {
    this.#key = reportQueueKey(sessionId);
    this.#max = Math.max(1, options.max ?? REPORT_QUEUE_MAX);
    this.#newKey = options.newKey ?? (() => crypto.randomUUID());
    this.#now = options.now ?? Date.now;
    this.#items = this.#load().slice(-this.#max);
  }

  /** Reports still waiting for their ack, oldest first (what to resend after a reload). */
  pending(): QueuedReport[] {
    return this.#items.map((r) => ({ ...r }));
  }

  get size(): number {
    return this.#items.length;
  }

  /** A new report: it gets its key now and is kept until acked. */
  add(report: Omit<QueuedReport, 'idempotencyKey'>): QueuedReport {
    const item: QueuedReport = { ...report, idempotencyKey: this.#newKey() };
    this.#items.push(item);
    if (this.#items.length > this.#max) this.#items.splice(0, this.#items.length - this.#max);
    this.#save();
    return { ...item };
  }

  /** The finding ended before its report went out: it is sent closed (same key). */
  setEnded(idempotencyKey: string, endedAt: number): void {
    const item = this.#items.find((r) => r.idempotencyKey === idempotencyKey);
    if (!item) return;
    item.endedAt = endedAt;
    this.#save();
  }

  /** The server acked (or refused for good) this report: it leaves the queue. */
  remove(idempotencyKey: string): void {
    const before = this.#items.length;
    this.#items = this.#items.filter((r) => r.idempotencyKey !== idempotencyKey);
    if (this.#items.length !== before) this.#save();
  }

  #load(): QueuedReport[] {
    try {
      const raw = this.storage?.getItem(this.#key);
      if (!raw) return [];
      const parsed = JSON.parse(raw) as Partial<Saved> | null;
      if (!parsed || !Array.isArray(parsed.items)) return [];
      const savedAt = typeof parsed.savedAt === 'number' ? parsed.savedAt : 0;
      return parsed.items.filter(valid).map((r) => (r.endedAt === null ? { ...r, endedAt: Math.max(r.startedAt, savedAt) } : r));
    } catch {
      return [];
    }
  }

  #save(): void {
    try {
      if (this.#items.length === 0) this.storage?.removeItem(this.#key);
      else this.storage?.setItem(this.#key, JSON.stringify({ savedAt: this.#now(), items: this.#items } satisfies Saved));
    } catch {
      // Full or blocked storage: the in-memory queue still works for this page's lifetime.
    }
  }
}

/** The browser's localStorage when usable (absent during SSR or when the user blocked it). */
export function browserStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
