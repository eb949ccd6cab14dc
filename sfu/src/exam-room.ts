/**
 * The media side of one exam: a primary router where every candidate produces, plus
 * a router on each other worker that serves proctors placed there. Producers reach
 * those routers through pipeToRouter, once per (producer, worker), so consumer load
 * spreads across cores while candidates stay on one router.
 */
import type * as ms from 'mediasoup/types';
import { mediaCodecs, type MediaConfig } from './config.ts';
import { MediaError } from './errors.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface PlacedRouter {
  workerIndex: number;
  router: ms.Router;
}

export class ExamRoom {
  readonly #routers = new Map<number, ms.Router>();
  /** `${producerId}@${workerIndex}` → the pipe being (or already) set up. */
  readonly #pipes = new Map<string, Promise<void>>();
  #closed = false;

  private constructor(
    readonly examId: string,
    private readonly pool: WorkerPool,
    private readonly cfg: MediaConfig,
    readonly primary: PlacedRouter,
  ) {
    this.#routers.set(primary.workerIndex, primary.router);
  }

  static async create(examId: string, pool: WorkerPool, cfg: MediaConfig): Promise<ExamRoom> {
    const { index, worker } = pool.pick();
    const router = await worker.createRouter({ mediaCodecs, appData: { examId } });
    pool.addLoad(index, 1);
    return new ExamRoom(examId, pool, cfg, { workerIndex: index, router });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): ms.RtpCapabilities {
    return this.primary.router.rtpCapabilities;
  }

  usesWorker(index: number): boolean {
    return this.#routers.has(index);
  }

  /** Where a proctor's receive transport goes: the least-loaded worker. */
  async routerForConsumers(): Promise<PlacedRouter> {
    this.#assertOpen();
    const { index, worker } = this.pool.pick();
    let router = this.#routers.get(index);
    if (!router) {
      router = await worker.createRouter({ mediaCodecs, appData: { examId: this.examId } });
      this.#routers.set(index, router);
      this.pool.addLoad(index, 1);
    }
    return { workerIndex: index, router };
  }

  async createWebRtcTransport(
    placed: PlacedRouter,
    appData: Record<string, unknown>,
  ): Promise<ms.WebRtcTransport> {
    this.#assertOpen();
    const listen = {
      ip: this.cfg.listenIp,
      announcedAddress: this.cfg.announcedAddress,
      portRange: { min: this.cfg.rtcMinPort, max: this.cfg.rtcMaxPort },
    };
    const transport = await placed.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ...listen },
        { protocol: 'tcp', ...listen },
      ],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: this.cfg.initialAvailableOutgoingBitrate,
      appData: { ...appData, workerIndex: placed.workerIndex },
    });
    return transport;
  }

  /** Make `producerId` (on the primary router) consumable on `target`. */
  async ensureProducerOn(producerId: string, target: PlacedRouter): Promise<void> {
    if (target.workerIndex === this.primary.workerIndex) return;
    const key = `${producerId}@${target.workerIndex}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      pipe = this.primary.router
        .pipeToRouter({ producerId, router: target.router })
        .then(({ pipeProducer }) => {
          // Forget the pipe when the original goes, so a re-published id would pipe anew.
          pipeProducer?.observer.once('close', () => this.#pipes.delete(key));
        });
      pipe.catch(() => this.#pipes.delete(key));
      this.#pipes.set(key, pipe);
    }
    await pipe;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [index, router] of this.#routers) {
      router.close();
      this.pool.addLoad(index, -1);
    }
    this.#routers.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('unavailable', 'media room is restarting; rejoin');
  }
}
