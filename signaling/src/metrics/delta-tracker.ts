/**
 * Turns cumulative figures read from live objects (a stream's packets lost, a worker's CPU
 * time, a file's size) into increments of a Prometheus counter. Objects come and go
 * between scrapes; a counter must never go down, so only growth since the last reading of
 * the same object is added, and objects not seen in a reading are forgotten.
 */
export class DeltaTracker {
  #last = new Map<string, number>();
  #next = new Map<string, number>();

  /** The growth of `key` since the last round (its whole value the first time it is seen). */
  delta(key: string, value: number): number {
    const previous = this.#last.get(key) ?? 0;
    this.#next.set(key, Math.max(previous, value));
    return Math.max(0, value - previous);
  }

  /** Ends a reading: keys not passed to delta() since the last endRound() are dropped. */
  endRound(): void {
    this.#last = this.#next;
    this.#next = new Map();
  }
}
