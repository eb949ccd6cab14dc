/**
 * The browsers' media on this node, found through mediasoup's observer events on the pool's
 * workers (so nothing in the media flow has to report it): producers are candidates'
 * tracks arriving over WebRTC, consumers are tracks sent to proctors over WebRTC. Pipe
 * transports (between workers) and plain transports (to the recorders) are left out.
 */
import type * as ms from 'mediasoup/types';
import type { WorkerPool } from '@proctor/sfu';

export class MediaStreams {
  readonly producers = new Set<ms.Producer>();
  readonly consumers = new Set<ms.Consumer>();

  constructor(pool: Pick<WorkerPool, 'size' | 'get' | 'on'>) {
    for (let i = 0; i < pool.size; i++) {
      const worker = pool.get(i);
      if (worker) this.#watch(worker);
    }
    pool.on('replaced', (_index, worker) => this.#watch(worker));
  }

  #watch(worker: ms.Worker): void {
    worker.observer.on('newrouter', (router) => {
      router.observer.on('newtransport', (transport) => {
        if (transport.type !== 'webrtc') return;
        transport.observer.on('newproducer', (producer) => {
          this.producers.add(producer);
          producer.observer.once('close', () => this.producers.delete(producer));
        });
        transport.observer.on('newconsumer', (consumer) => {
          this.consumers.add(consumer);
          consumer.observer.once('close', () => this.consumers.delete(consumer));
        });
      });
    });
  }
}
