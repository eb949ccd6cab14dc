/**
 * The media side of one exam. Placement rule (issue 11): a room has a **home worker**,
 * the least-loaded one when the room is made (rooms balance by load, so every core carries
 * ingest). Its candidates and its proctors go there, so a proctor consumes every producer
 * on the router it lives on: no pipe, no second copy of each packet between workers.
 * Only a room larger than a worker's fair share (`MediaConfig.candidatesPerWorker`
 * candidates on its home) spreads: each further candidate goes to the least-loaded worker
 * where the room holds fewer than that share, and its producers reach the proctors' (home)
 * router through ProducerPipes. At most one router per worker per room, made lazily.
 */
import { EventEmitter } from 'node:events';
import type * as ms from 'mediasoup/types';
import type { MediaSource } from '@proctor/values';
import { mediaCodecs, type MediaConfig } from './config.ts';
import { MediaError } from './errors.ts';
import { ProducerPipes, type PlacedRouter } from './producer-pipes.ts';
import { LOAD, type WorkerPool } from './worker-pool.ts';

export type { PlacedRouter } from './producer-pipes.ts';

/** Per UDP socket of a candidate's or proctor's transport (capped by net.core.rmem_max/wmem_max). */
const SOCKET_BUFFER_BYTES = 2 * 1024 * 1024;

/** Who a producer belongs to, as the signaling layer tagged it (the recorder files it by this). */
export interface ProducerTags {
  sessionId: string;
  attemptId: string;
  attemptNumber: number;
  source: MediaSource;
}

/** A producer joined the room: where it lives and whose it is. */
export interface ProducerAdded extends PlacedRouter, ProducerTags {
  examId: string;
  producer: ms.Producer;
}

export interface ProducerClosed extends ProducerTags {
  examId: string;
  producerId: string;
}

/**
 * What a room tells its observers (the recorder): every tagged producer that is added,
 * and its close — for whatever reason (candidate left, transport or router closed, worker
 * died), since it comes from mediasoup's own close observer.
 */
export interface RoomEvents {
  producerAdded: [ProducerAdded];
  producerClosed: [ProducerClosed];
}

/** A router chosen for one transport, with the load it holds until the transport closes. */
export interface Placement extends PlacedRouter {
  release(): void;
}

export class ExamRoom extends EventEmitter<RoomEvents> {
  /** workerIndex → this room's router there (a promise, so concurrent joins share one). */
  readonly #routers = new Map<number, Promise<ms.Router>>();
  readonly #pipes = new ProducerPipes();
  /** workerIndex → this room's candidates placed there and not yet released. */
  readonly #candidates = new Map<number, number>();
  #closed = false;

  private constructor(
    readonly examId: string,
    private readonly pool: WorkerPool,
    private readonly cfg: MediaConfig,
    /** The router made with the room: it answers rtpCapabilities before anyone is placed. */
    readonly home: PlacedRouter,
  ) {
    super();
    this.#routers.set(home.workerIndex, Promise.resolve(home.router));
  }

  /** Rooms balance by load too: the first router goes to the least-loaded worker. */
  static async create(examId: string, pool: WorkerPool, cfg: MediaConfig): Promise<ExamRoom> {
    const lease = pool.acquire(LOAD.router);
    try {
      const router = await lease.worker.createRouter({ mediaCodecs, appData: { examId } });
      router.observer.once('close', lease.release);
      return new ExamRoom(examId, pool, cfg, { workerIndex: lease.index, router });
    } catch (err) {
      lease.release();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every router is made from the same codec list, so any of them answers for the room. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.home.router.rtpCapabilities;
  }

  usesWorker(index: number): boolean {
    return this.#routers.has(index);
  }

  /** Workers this room has a router on (ascending). */
  workers(): number[] {
    return [...this.#routers.keys()].sort((a, b) => a - b);
  }

  /**
   * Where a new candidate's send transport goes (the room's home, unless the room has
   * outgrown its share there); the caller releases it when that closes.
   */
  async placeCandidate(): Promise<Placement> {
    this.#assertOpen();
    const share = this.cfg.candidatesPerWorker;
    const below = (index: number) => (this.#candidates.get(index) ?? 0) < share;
    const home = this.home.workerIndex;
    const index = below(home) && this.pool.get(home) ? home : this.pool.pick(below).index;
    // Counted before the router exists, so candidates joining together see each other.
    this.#candidates.set(index, (this.#candidates.get(index) ?? 0) + 1);
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      this.#candidates.set(index, this.#candidates.get(index)! - 1);
    };
    try {
      const placed = await this.#place(index, LOAD.candidate);
      return {
        ...placed,
        release: () => {
          uncount();
          placed.release();
        },
      };
    } catch (err) {
      uncount();
      throw err;
    }
  }

  /** Where a proctor's receive transport goes: the home, where the room's producers live. */
  placeProctor(): Promise<Placement> {
    return this.#place(this.home.workerIndex, LOAD.proctor);
  }

  /** A consumer's load on the worker it forwards from; returns its release. */
  chargeConsumer(workerIndex: number): () => void {
    return this.pool.charge(workerIndex, LOAD.consumer);
  }

  /**
   * Record that `producer` was produced on `placed`, so it can be piped; with `tags` the
   * room also announces it (producerAdded now, producerClosed when it closes), which is
   * how it gets recorded.
   */
  adoptProducer(producer: ms.Producer, placed: PlacedRouter, tags?: ProducerTags): void {
    const home = { workerIndex: placed.workerIndex, router: placed.router };
    this.#pipes.adopt(producer, home);
    if (!tags) return;
    producer.observer.once('close', () => this.emit('producerClosed', { examId: this.examId, producerId: producer.id, ...tags }));
    this.emit('producerAdded', { examId: this.examId, producer, ...home, ...tags });
  }

  /** The router `producerId` lives on (recorders consume there, without a pipe). */
  routerOf(producerId: string): PlacedRouter {
    return this.#pipes.homeOf(producerId);
  }

  /** Make `producerId` (on whichever router it was produced) consumable on `target`. */
  ensureProducerOn(producerId: string, target: PlacedRouter): Promise<void> {
    return this.#pipes.ensureOn(producerId, target);
  }

  async createWebRtcTransport(placed: PlacedRouter, appData: Record<string, unknown>): Promise<ms.WebRtcTransport> {
    this.#assertOpen();
    const listen = {
      ip: this.cfg.listenIp,
      announcedAddress: this.cfg.announcedAddress,
      portRange: { min: this.cfg.rtcMinPort, max: this.cfg.rtcMaxPort },
      // A busy worker that is descheduled for a moment must not lose a screen key frame to
      // a full socket: the ~208 KiB default overflowed in bench:media (ingest drops).
      recvBufferSize: SOCKET_BUFFER_BYTES,
      sendBufferSize: SOCKET_BUFFER_BYTES,
    };
    return placed.router.createWebRtcTransport({
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
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Closing a router closes its transports, whose owners release their placements;
    // a router still being made is closed as soon as it exists.
    for (const p of this.#routers.values()) void p.then((r) => r.close()).catch(() => undefined);
  }

  async #place(index: number, weight: number): Promise<Placement> {
    this.#assertOpen();
    const worker = this.pool.get(index);
    // The home died: the registry closes this room and its clients rejoin a new one.
    if (!worker) throw new MediaError('unavailable', 'media room is restarting; rejoin');
    // Load is taken before the router exists, so rooms made meanwhile see it.
    const release = this.pool.charge(index, weight);
    try {
      const router = await this.#routerOn(index, worker);
      this.#assertOpen();
      return { workerIndex: index, router, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  #routerOn(index: number, worker: ms.Worker): Promise<ms.Router> {
    let router = this.#routers.get(index);
    if (!router) {
      const release = this.pool.charge(index, LOAD.router);
      router = worker.createRouter({ mediaCodecs, appData: { examId: this.examId } }).then(
        (r) => {
          r.observer.once('close', release);
          return r;
        },
        (err: unknown) => {
          release();
          this.#routers.delete(index);
          throw err;
        },
      );
      this.#routers.set(index, router);
    }
    return router;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('unavailable', 'media room is restarting; rejoin');
  }
}
