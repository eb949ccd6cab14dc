/**
 * Where each producer of a room lives, and the pipes that make it consumable on the
 * room's other routers. Candidates produce on whichever worker had room for them and
 * proctors consume on whichever worker had room for them, so a producer may have to
 * cross from any router to any other: pipeToRouter is called on the producer's own
 * router (mediasoup looks the producer up there) once per (producer, target worker).
 */
import type * as ms from 'mediasoup/types';
import { MediaError } from './errors.ts';

/**
 * The pipes between a node's workers are loopback UDP: a 4 MiB socket buffer (the default
 * ~208 KiB overflowed on screen key-frame bursts: bench:media at N = 100 saw 37 872 kernel
 * drops on pipe sockets, 9 % loss at the proctor) and NACK/RTX across the pipe, so what a
 * busy worker still drops is repaired like any other loss.
 */
const PIPE_LISTEN: ms.TransportListenInfo = {
  protocol: 'udp',
  ip: '127.0.0.1',
  recvBufferSize: 4 * 1024 * 1024,
  sendBufferSize: 4 * 1024 * 1024,
};

export interface PlacedRouter {
  workerIndex: number;
  router: ms.Router;
}

export class ProducerPipes {
  /** producerId → the router it was produced on. */
  readonly #homes = new Map<string, PlacedRouter>();
  /** `${producerId}@${workerIndex}` → the pipe being (or already) set up. */
  readonly #pipes = new Map<string, Promise<void>>();

  /** Remember where `producer` lives until it closes. */
  adopt(producer: ms.Producer, home: PlacedRouter): void {
    this.#homes.set(producer.id, home);
    producer.observer.once('close', () => {
      if (this.#homes.get(producer.id) === home) this.#homes.delete(producer.id);
    });
  }

  /** The router `producerId` lives on: recorders and same-worker consumers use it directly. */
  homeOf(producerId: string): PlacedRouter {
    const home = this.#homes.get(producerId);
    if (!home) throw new MediaError('not_found', 'no such stream in this room');
    return home;
  }

  /** Make `producerId` consumable on `target` (a no-op when it already lives there). */
  async ensureOn(producerId: string, target: PlacedRouter): Promise<void> {
    const home = this.homeOf(producerId);
    if (home.workerIndex === target.workerIndex) return;
    const key = `${producerId}@${target.workerIndex}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      pipe = home.router.pipeToRouter({ producerId, router: target.router, listenInfo: PIPE_LISTEN, enableRtx: true, enableSctp: false }).then(({ pipeProducer }) => {
        // The pipe producer closes with the original (or with the target router): forget
        // it then, so a later pipe to a rebuilt router is made anew.
        pipeProducer?.observer.once('close', () => this.#pipes.delete(key));
      });
      pipe.catch(() => this.#pipes.delete(key));
      this.#pipes.set(key, pipe);
    }
    await pipe;
  }
}
