/**
 * What this in-process node holds for browsers: every producer and consumer created on a
 * WebRTC transport (pipes and recorders carry copies and are left out), with the
 * rtpParameters a page sent and the layers a consumer prefers. Subscribe before the
 * candidates join (their exam's router is created on the first join).
 */
import type { MediaPeer } from '@proctor/sfu';
import type { Stack } from './stack.ts';

type Producer = MediaPeer['producers'] extends Map<unknown, infer P> ? P : never;
type Consumer = MediaPeer['consumers'] extends Map<unknown, infer C> ? C : never;

export interface SeenProducer {
  sessionId: string;
  source: string;
  producer: Producer;
}

export interface SeenMedia {
  producers: SeenProducer[];
  /** Proctors' consumers; appData carries the candidate's sessionId and the source. */
  consumers: Consumer[];
}

export function watchBrowserMedia(stack: Stack): SeenMedia {
  const seen: SeenMedia = { producers: [], consumers: [] };
  for (let i = 0; i < stack.node.pool.size; i++) {
    stack.node.pool.get(i)?.observer.on('newrouter', (router) =>
      router.observer.on('newtransport', (transport) => {
        if (transport.type !== 'webrtc') return;
        transport.observer.on('newproducer', (producer) => {
          const { sessionId, source } = producer.appData as { sessionId?: string; source?: string };
          if (sessionId && source) seen.producers.push({ sessionId, source, producer });
        });
        transport.observer.on('newconsumer', (consumer) => seen.consumers.push(consumer));
      }),
    );
  }
  return seen;
}
