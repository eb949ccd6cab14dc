// Connection events at production scale, for the statistics benchmark: generateScaleData
// writes sessions and violations, generateScaleAttempts (scale-attempts.repository.ts)
// attempts; this adds what the connection statistics read. Generated inside PostgreSQL
// from a hash of the session id, so the same sessions always get the same history: every
// started session passed a device check, 8 % failed one first (9 in 10 of those resolved),
// 3 % hit an ICE failure, and 30 % of the sessions never started failed a check and never
// got in. Then vacuums what the bulk loads left behind, as autovacuum would in a while:
// loading attempts refreshes session_statistics and locks every session row once, which
// clears the visibility map the statistics' index-only scans rely on. Scratch databases only.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.ts';

const ERRORS = ['camera_denied', 'microphone_denied', 'screen_not_shared', 'screen_not_entire', 'second_display', 'low_uplink', 'camera_not_found'];

/** Uniform in [0, 1) from the session id and a salt. */
const u = (salt: number) => sql<number>`((hashtextextended(s.id::text, ${sql.lit(salt)}) & 2147483647)::float8 / 2147483648)`;

/** Returns the number of events written. */
export async function generateScaleConnectionEvents(db: Kysely<DB>): Promise<number> {
  return db.connection().execute(async (conn) => {
    await sql`SET work_mem = '256MB'`.execute(conn);
    await sql`SET synchronous_commit = off`.execute(conn);
    const error = sql`(${[...ERRORS]}::text[])[1 + floor(${u(4)} * ${ERRORS.length})::int]`;
    const events = await sql`
      INSERT INTO connection_events (session_id, kind, error, resolved, at)
      SELECT s.id, 'device_check_passed', NULL, NULL, s.started_at - interval '20 seconds'
      FROM exam_sessions s WHERE s.started_at IS NOT NULL
      UNION ALL
      SELECT s.id, 'device_check_failed', ${error}, ${u(5)} < 0.9, s.started_at - interval '60 seconds'
      FROM exam_sessions s WHERE s.started_at IS NOT NULL AND ${u(3)} < 0.08
      UNION ALL
      SELECT s.id, 'ice_failed', 'ice_failed', true, s.started_at + interval '10 seconds'
      FROM exam_sessions s WHERE s.started_at IS NOT NULL AND ${u(6)} < 0.03
      UNION ALL
      SELECT s.id, 'device_check_failed', ${error}, false, e.starts_at + interval '5 minutes'
      FROM exam_sessions s JOIN exams e ON e.id = s.exam_id WHERE s.started_at IS NULL AND ${u(3)} < 0.3`.execute(conn);
    await sql`VACUUM ANALYZE connection_events, session_statistics, exam_sessions`.execute(conn);
    return Number(events.numAffectedRows ?? 0);
  });
}
