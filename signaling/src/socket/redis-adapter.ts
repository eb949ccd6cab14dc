/**
 * Scale-out: with several media nodes, a proctor's Results page may be connected to a
 * node other than the one where a candidate joined or a decision was saved. The Redis
 * adapter relays every room broadcast (`io.to(room).emit`) to the other nodes, so pushes
 * reach proctors wherever they are connected. Without REDIS_URL (one machine) the
 * in-memory adapter is exact and nothing is attached.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';

export interface RedisAdapterHandle {
  /** Both connections are up (ioredis reconnects by itself and resubscribes after a Redis restart). */
  ready(): boolean;
  close(): Promise<void>;
}

/** `key` prefixes the pub/sub channels: nodes of one deployment must share it. */
export async function attachRedisAdapter(io: Server, redisUrl: string, log: Logger, key = 'proctor:socket.io'): Promise<RedisAdapterHandle> {
  const pub = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  for (const [name, client] of [['pub', pub], ['sub', sub]] as const) {
    client.on('error', (err: Error) => log.warn({ err, client: name }, 'socket.io redis adapter connection error'));
  }
  // Fail at start-up, not silently at the first broadcast, when Redis is unreachable.
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key }));
  return {
    ready: () => pub.status === 'ready' && sub.status === 'ready',
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
