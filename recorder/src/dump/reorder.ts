/**
 * Sequence-number and timestamp unwrapping and the reorder buffer.
 *
 * RTP sequence numbers wrap every 65 536 packets (~20 min of 640×360 video at 50 packets/s)
 * and timestamps every 2^32 ticks (13 h at 90 kHz, but they start at a random value, so a
 * wrap can come at any moment). Both are extended to plain numbers by taking the signed
 * distance to the newest value seen — the usual RFC 3550 A.1 idea — which stays right
 * as long as reordering is shorter than half the range.
 *
 * The dump is in arrival order. A packet is held until it is `windowPackets` behind the
 * newest one or `windowMs` of arrival time older than it, then released in sequence
 * order; a packet that arrives after its place was released (later than the window, so
 * no live jitter buffer would have waited for it either) counts as late and is dropped,
 * like a duplicate.
 */

/** Extends a wrapping counter of `bits` bits (16 or 32) into a monotone-ish number. */
export class Unwrapper {
  private last: number | null = null;
  private readonly range: number;
  private readonly half: number;

  constructor(bits: 16 | 32) {
    this.range = 2 ** bits;
    this.half = 2 ** (bits - 1);
  }

  /** Extends `value` next to the newest value without taking it as the newest (e.g. an SR's timestamp). */
  peek(value: number): number | null {
    if (this.last === null) return null;
    let delta = (value - (this.last % this.range) + this.range) % this.range;
    if (delta >= this.half) delta -= this.range;
    return this.last + delta;
  }

  unwrap(value: number): number {
    if (this.last === null) {
      // Start well above 0 so values a little before the first one stay positive.
      this.last = value + this.range;
      return this.last;
    }
    let delta = (value - (this.last % this.range) + this.range) % this.range;
    if (delta >= this.half) delta -= this.range;
    const extended = this.last + delta;
    if (extended > this.last) this.last = extended;
    return extended;
  }
}

export interface Ordered<T> {
  /** Extended sequence number. */
  seq: number;
  arrivalMs: number;
  item: T;
}

export interface ReorderStats {
  duplicates: number;
  late: number;
}

export class ReorderBuffer<T> {
  private readonly held = new Map<number, Ordered<T>>();
  /** Extended sequence numbers held, kept sorted (small: bounded by the window). */
  private readonly order: number[] = [];
  private released = -Infinity;
  /** Recently released sequence numbers, to tell a duplicate from a late packet in the stats. */
  private readonly recent = new Set<number>();
  private newestArrival = -Infinity;
  readonly stats: ReorderStats = { duplicates: 0, late: 0 };

  constructor(private readonly window: { packets: number; ms: number } = { packets: 512, ms: 2000 }) {}

  /** Adds a packet; returns those now due, in sequence order. */
  push(entry: Ordered<T>): Ordered<T>[] {
    if (entry.seq <= this.released) {
      if (this.recent.has(entry.seq)) this.stats.duplicates++;
      else this.stats.late++;
      return [];
    }
    if (this.held.has(entry.seq)) {
      this.stats.duplicates++;
      return [];
    }
    this.held.set(entry.seq, entry);
    // Insertion from the end: packets are mostly in order, so this is O(1) in practice.
    let i = this.order.length;
    while (i > 0 && this.order[i - 1]! > entry.seq) i--;
    this.order.splice(i, 0, entry.seq);
    if (entry.arrivalMs > this.newestArrival) this.newestArrival = entry.arrivalMs;

    const due: Ordered<T>[] = [];
    const newestSeq = this.order[this.order.length - 1]!;
    while (this.order.length > 0) {
      const seq = this.order[0]!;
      const head = this.held.get(seq)!;
      const old = newestSeq - seq >= this.window.packets || this.newestArrival - head.arrivalMs >= this.window.ms;
      if (!old) break;
      due.push(this.take());
    }
    return due;
  }

  /** Everything still held, in sequence order (end of the dump). */
  drain(): Ordered<T>[] {
    const out: Ordered<T>[] = [];
    while (this.order.length > 0) out.push(this.take());
    return out;
  }

  private take(): Ordered<T> {
    const seq = this.order.shift()!;
    const entry = this.held.get(seq)!;
    this.held.delete(seq);
    this.released = seq;
    this.recent.add(seq);
    if (this.recent.size > 4096) this.recent.delete(this.recent.values().next().value!);
    return entry;
  }
}
