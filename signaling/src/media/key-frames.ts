/**
 * Every consumer of a producer, whoever made it (#12): proctors, pipes to other workers and
 * the recorders all consume on the routers the candidates produce on. After a network drop
 * the candidate's video resumes with inter frames only; a decoder (the proctor's) asks for
 * a key frame itself, but a recorder does not, and Chromium sends a screen key frame only
 * when asked — so without a request the screen recording stays broken until the end.
 * Watched through mediasoup's observer API (router → transports → consumers), so nothing
 * in the recorder needs to know.
 */
import type * as ms from 'mediasoup/types';

export class KeyFrames {
  readonly #byProducer = new Map<string, Set<ms.Consumer>>();
  readonly #routers = new WeakSet<ms.Router>();

  /**
   * Start watching a router (idempotent). Transports made on it earlier are not seen: the
   * media service calls this on produce, before that producer's recorder exists.
   */
  watch(router: ms.Router): void {
    if (this.#routers.has(router)) return;
    this.#routers.add(router);
    router.observer.on('newtransport', (transport) => {
      transport.observer.on('newconsumer', (consumer) => this.#add(consumer));
    });
  }

  /** Ask every live video consumer of these producers for a key frame. */
  request(producerIds: Iterable<string>): number {
    let asked = 0;
    for (const id of producerIds) {
      for (const consumer of this.#byProducer.get(id) ?? []) {
        if (consumer.closed || consumer.kind !== 'video') continue;
        consumer.requestKeyFrame().catch(() => undefined);
        asked++;
      }
    }
    return asked;
  }

  #add(consumer: ms.Consumer): void {
    let set = this.#byProducer.get(consumer.producerId);
    if (!set) this.#byProducer.set(consumer.producerId, (set = new Set()));
    set.add(consumer);
    consumer.observer.once('close', () => {
      set.delete(consumer);
      if (set.size === 0 && this.#byProducer.get(consumer.producerId) === set) this.#byProducer.delete(consumer.producerId);
    });
  }
}
