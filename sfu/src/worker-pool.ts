/**
 * One mediasoup worker per core. A worker that dies is replaced at the same index;
 * listeners learn which index died so rooms living there can be rebuilt and their
 * clients told to rejoin. Placement reads a weighted load per worker, held as leases,
 * because a count of routers said nothing about how much RTP each core carries.
 */
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type * as ms from 'mediasoup/types';
import type { MediaConfig } from './config.ts';
import { resolveWorkerBin } from './worker-bin.ts';

export interface PoolEvents {
  /** The worker at `index` died; everything on it is gone. A replacement is starting. */
  died: [index: number, error: Error];
  replaced: [index: number, worker: ms.Worker];
}

export interface PooledWorker {
  index: number;
  worker: ms.Worker;
}

/** Load held on one worker until released; releasing twice, or after that worker died, is a no-op. */
export interface Lease extends PooledWorker {
  release(): void;
}

/**
 * Placement weights. A candidate sends ~3 tracks (camera simulcast, microphone, screen)
 * that the worker decrypts, records and forwards, so it weighs as 3 consumers; a router
 * or a proctor's receive transport costs little on its own but breaks ties so empty
 * rooms and proctors spread too.
 */
export const LOAD = { router: 1, candidate: 3, proctor: 1, consumer: 1 } as const;

export class WorkerPool extends EventEmitter<PoolEvents> {
  readonly #workers: (ms.Worker | undefined)[];
  /** Weighted routers, candidates, proctors and consumers on each worker (see LOAD). */
  readonly #load: number[];
  /** Bumped when a worker is replaced, so leases taken on the dead one release nothing. */
  readonly #generation: number[];
  #closed = false;

  private constructor(
    private readonly cfg: MediaConfig,
    private readonly workerBin: string,
  ) {
    super();
    this.#workers = new Array(cfg.numWorkers).fill(undefined);
    this.#load = new Array(cfg.numWorkers).fill(0);
    this.#generation = new Array(cfg.numWorkers).fill(0);
  }

  static async start(cfg: MediaConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(cfg, resolveWorkerBin());
    await Promise.all(pool.#workers.map((_, i) => pool.#spawn(i)));
    return pool;
  }

  get size(): number {
    return this.#workers.length;
  }

  /**
   * The least-loaded live worker (ties → lowest index), among those `allowed` accepts when
   * any of them is alive, otherwise among all.
   */
  pick(allowed?: (index: number) => boolean): PooledWorker {
    let best: PooledWorker | undefined;
    let bestLoad = Infinity;
    this.#workers.forEach((worker, index) => {
      if (!worker || worker.died || (allowed && !allowed(index))) return;
      if (this.#load[index]! < bestLoad) {
        best = { index, worker };
        bestLoad = this.#load[index]!;
      }
    });
    if (!best && allowed) return this.pick();
    if (!best) throw new Error('no live mediasoup worker');
    return best;
  }

  get(index: number): ms.Worker | undefined {
    const w = this.#workers[index];
    return w && !w.died ? w : undefined;
  }

  /** Take `weight` on the least-loaded worker, synchronously, so concurrent joins spread. */
  acquire(weight: number): Lease {
    const picked = this.pick();
    return { ...picked, release: this.charge(picked.index, weight) };
  }

  /**
   * Add `weight` to worker `index` (where a consumer has to live) and return its release.
   * A dead worker's load is reset when it is replaced, so its old leases release nothing.
   */
  charge(index: number, weight: number): () => void {
    if (!this.get(index)) return () => undefined;
    const generation = this.#generation[index]!;
    this.#load[index]! += weight;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (this.#generation[index] === generation) this.#load[index] = Math.max(0, this.#load[index]! - weight);
    };
  }

  /** Current load per worker index (for tests and the benchmark's placement line). */
  load(): number[] {
    return [...this.#load];
  }

  pids(): number[] {
    return this.#workers.map((w) => w?.pid ?? -1);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#workers) w?.close();
  }

  async #spawn(index: number): Promise<ms.Worker> {
    let worker: ms.Worker;
    try {
      worker = await mediasoup.createWorker({
        workerBin: this.workerBin,
        logLevel: this.cfg.logLevel,
        rtcMinPort: this.cfg.rtcMinPort,
        rtcMaxPort: this.cfg.rtcMaxPort,
        appData: { index },
      });
    } catch (err) {
      throw new Error(
        `mediasoup worker failed to start (${this.workerBin}): ${(err as Error).message}. ` +
          'Rebuild it with `pnpm build:worker` (see sfu/worker-build/README.md).',
      );
    }
    this.#workers[index] = worker;
    this.#load[index] = 0;
    this.#generation[index]!++;
    worker.on('died', (error) => {
      this.#workers[index] = undefined;
      this.emit('died', index, error);
      if (!this.#closed) void this.#respawn(index);
    });
    return worker;
  }

  async #respawn(index: number): Promise<void> {
    for (let delay = 100; !this.#closed; delay = Math.min(delay * 2, 5000)) {
      try {
        const worker = await this.#spawn(index);
        this.emit('replaced', index, worker);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
