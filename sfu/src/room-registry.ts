/**
 * Exam rooms living on this media node. A room touched by a dead worker is closed as
 * a whole (its routers are gone or would be missing producers) and reported, so
 * signaling can tell that room's clients to rejoin; the next join builds it afresh.
 */
import { EventEmitter } from 'node:events';
import type { MediaConfig } from './config.ts';
import { ExamRoom, type ProducerAdded, type ProducerClosed } from './exam-room.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface RegistryEvents {
  roomLost: [examId: string, reason: string];
  /** Every room's producers, re-emitted (ExamRoom's RoomEvents): the recorder observes these. */
  producerAdded: [ProducerAdded];
  producerClosed: [ProducerClosed];
}

export class RoomRegistry extends EventEmitter<RegistryEvents> {
  readonly #rooms = new Map<string, Promise<ExamRoom>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly cfg: MediaConfig,
  ) {
    super();
    pool.on('died', (index, error) => this.#onWorkerDied(index, error));
  }

  async getOrCreate(examId: string): Promise<ExamRoom> {
    const existing = this.#rooms.get(examId);
    if (existing) {
      const room = await existing;
      if (!room.closed) return room;
      this.#rooms.delete(examId);
    }
    const created = ExamRoom.create(examId, this.pool, this.cfg).then((room) => {
      room.on('producerAdded', (e) => this.emit('producerAdded', e));
      room.on('producerClosed', (e) => this.emit('producerClosed', e));
      return room;
    });
    this.#rooms.set(examId, created);
    created.catch(() => this.#rooms.delete(examId));
    return created;
  }

  /** Close a room nobody uses any more (last peer left). */
  async release(examId: string): Promise<void> {
    const p = this.#rooms.get(examId);
    if (!p) return;
    this.#rooms.delete(examId);
    (await p.catch(() => undefined))?.close();
  }

  get size(): number {
    return this.#rooms.size;
  }

  closeAll(): void {
    for (const p of this.#rooms.values()) void p.then((r) => r.close()).catch(() => undefined);
    this.#rooms.clear();
  }

  async #onWorkerDied(index: number, error: Error): Promise<void> {
    for (const [examId, p] of [...this.#rooms]) {
      const room = await p.catch(() => undefined);
      if (!room || !room.usesWorker(index)) continue;
      this.#rooms.delete(examId);
      room.close();
      this.emit('roomLost', examId, `media worker ${index} died: ${error.message}`);
    }
  }
}
