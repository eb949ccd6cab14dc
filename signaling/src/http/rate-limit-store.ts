/**
 * @fastify/rate-limit store in PostgreSQL, so a per-address limit holds across every media
 * node instead of per process (a client spreading sign-ins over N nodes got N × the limit).
 * One atomic upsert per counted request (db/src/repositories/rate-limit.repository.ts);
 * expired windows are swept now and then.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import { hitRateLimit, purgeExpiredRateLimits, type DB } from '@proctor/db';

const SWEEP_EVERY_MS = 10 * 60_000;

/** A store class bound to `db` (the plugin constructs stores itself). `prefix` separates test runs or deployments. */
export function postgresRateLimitStore(db: Kysely<DB>, prefix = 'rl'): FastifyRateLimitStoreCtor {
  let nextSweep = Date.now() + SWEEP_EVERY_MS;

  class PostgresStore implements FastifyRateLimitStore {
    private readonly key: string;

    /** The plugin passes its options (unused); child stores pass their key. */
    constructor(_options?: unknown, key = `${prefix}:`) {
      this.key = key;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      if (Date.now() > nextSweep) {
        nextSweep = Date.now() + SWEEP_EVERY_MS;
        void purgeExpiredRateLimits(db).catch(() => {});
      }
      hitRateLimit(db, this.key + key, timeWindow).then(
        (r) => callback(null, { current: r.hits, ttl: r.ttlMs }),
        (err: unknown) => callback(err as Error),
      );
    }

    /** Each limited route counts on its own (method + URL in the key, as the plugin's Redis store does). */
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // The plugin passes the merged limit options, the route being in `routeInfo`.
      const route = (routeOptions as unknown as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
      const method = [route?.method ?? ''].flat().join(',');
      return new PostgresStore(undefined, `${this.key}${method}${route?.url ?? ''}:`);
    }
  }
  return PostgresStore as unknown as FastifyRateLimitStoreCtor;
}
