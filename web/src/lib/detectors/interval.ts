/**
 * Turns a detector's noisy yes/no samples into violation intervals. A condition must hold
 * for `minMs` before it becomes a violation (a flicker is not an event), and must be gone
 * for `releaseMs` before the violation ends; both times are back-dated to the moment the
 * condition really began / stopped, so stored intervals match what happened.
 */
import type { ViolationTypeName } from '@proctor/signaling/contract';

export interface IntervalEvents {
  /** The condition has held long enough: a violation that began at `startedAt`. */
  start(type: ViolationTypeName, startedAt: number, confidence?: number): void;
  /** The violation started before is over; it ended at `endedAt`. */
  end(type: ViolationTypeName, endedAt: number): void;
}

export interface IntervalOptions {
  minMs: number;
  releaseMs: number;
}

export class IntervalBuilder {
  #since: number | null = null; // condition seen continuously since
  #clearSince: number | null = null; // condition absent continuously since (while reported)
  #reported = false;
  #confidence: number | undefined;

  constructor(
    readonly type: ViolationTypeName,
    private readonly events: IntervalEvents,
    private readonly options: IntervalOptions,
  ) {}

  get active(): boolean {
    return this.#reported;
  }

  /** One observation at time `now` (epoch ms). */
  sample(present: boolean, now: number, confidence?: number): void {
    if (present) {
      this.#clearSince = null;
      this.#since ??= now;
      if (confidence !== undefined) this.#confidence = Math.max(this.#confidence ?? 0, confidence);
      if (!this.#reported && now - this.#since >= this.options.minMs) {
        this.#reported = true;
        this.events.start(this.type, this.#since, this.#confidence);
      }
      return;
    }
    if (!this.#reported) {
      this.#since = null;
      this.#confidence = undefined;
      return;
    }
    this.#clearSince ??= now;
    if (now - this.#clearSince >= this.options.releaseMs) this.#finish(this.#clearSince);
  }

  /** Re-evaluate without a new observation (timers call this so a pending start/end is not stuck). */
  tick(now: number): void {
    if (this.#since !== null && this.#clearSince === null) this.sample(true, now);
    else if (this.#reported && this.#clearSince !== null) this.sample(false, now);
  }

  /** Close an open violation now (detectors stopping, page leaving). */
  flush(now: number): void {
    if (this.#reported) this.#finish(this.#clearSince ?? now);
    this.#since = null;
  }

  #finish(endedAt: number): void {
    this.#reported = false;
    this.#since = null;
    this.#clearSince = null;
    this.#confidence = undefined;
    this.events.end(this.type, endedAt);
  }
}
