// Request counters shared by every media node (migration 0016), for per-address limits
// (sign-in, password reset, PDFs, the candidate API). A fixed window per key: the first hit
// opens it, later hits count until it resets.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.ts';

export interface RateLimitCount {
  hits: number;
  /** Milliseconds until the window resets. */
  ttlMs: number;
}

/** Counts one hit for `key` in a window of `windowMs`; one atomic statement. */
export async function hitRateLimit(db: Kysely<DB>, key: string, windowMs: number): Promise<RateLimitCount> {
  const { rows } = await sql<{ hits: number; ttlMs: number }>`
    INSERT INTO rate_limit_hits AS h (key, hits, resets_at)
    VALUES (${key}, 1, clock_timestamp() + make_interval(secs => ${windowMs / 1000}))
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN h.resets_at <= clock_timestamp() THEN 1 ELSE h.hits + 1 END,
      resets_at = CASE WHEN h.resets_at <= clock_timestamp() THEN excluded.resets_at ELSE h.resets_at END
    RETURNING hits, greatest(0, round(extract(epoch FROM resets_at - clock_timestamp()) * 1000))::int AS ttl_ms`.execute(db);
  const row = rows[0]!;
  return { hits: row.hits, ttlMs: row.ttlMs };
}

/** Drops windows that ended before `now` (they would restart at 1 anyway). */
export async function purgeExpiredRateLimits(db: Kysely<DB>, now: Date = new Date()): Promise<number> {
  const r = await db.deleteFrom('rateLimitHits').where('resetsAt', '<', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
