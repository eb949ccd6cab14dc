/**
 * One mediasoup worker per core. A worker that dies is replaced at the same index;
 * listeners learn which index died so rooms living there can be rebuilt and their
 * clients told to rejoin.
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

export class WorkerPool extends EventEmitter<PoolEvents> {
  readonly #workers: (ms.Worker | undefined)[];
  /** Routers + consumers placed on each worker: a cheap load estimate for placement. */
  readonly #load: number[];
  #closed = false;

  private constructor(
    private readonly cfg: MediaConfig,
    private readonly workerBin: string,
  ) {
    super();
    this.#workers = new Array(cfg.numWorkers).fill(undefined);
    this.#load = new Array(cfg.numWorkers).fill(0);
  }

  static async start(cfg: MediaConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(cfg, resolveWorkerBin());
    await Promise.all(pool.#workers.map((_, i) => pool.#spawn(i)));
    return pool;
  }

  get size(): number {
    return this.#workers.length;
  }

  /** The least-loaded live worker (ties → lowest index). */
  pick(exclude?: number): PooledWorker {
    let best: PooledWorker | undefined;
    let bestLoad = Infinity;
    this.#workers.forEach((worker, index) => {
      if (!worker || worker.died || index === exclude) return;
      if (this.#load[index]! < bestLoad) {
        best = { index, worker };
        bestLoad = this.#load[index]!;
      }
    });
    if (!best && exclude !== undefined) return this.pick();
    if (!best) throw new Error('no live mediasoup worker');
    return best;
  }

  get(index: number): ms.Worker | undefined {
    const w = this.#workers[index];
    return w && !w.died ? w : undefined;
  }

  addLoad(index: number, delta: number): void {
    if (index >= 0 && index < this.#load.length) this.#load[index] = Math.max(0, this.#load[index]! + delta);
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
