// Attempts and recordings at scale, for the export benchmark: generateScaleData leaves both
// tables empty, which would make the report's per-session attempt and recording lookups
// free. This fills them for the sessions started in a time window, inside PostgreSQL
// (INSERT … SELECT), reproducibly: one attempt per started session, a second one (a
// reconnect after a network loss) for about one in eight, and a camera, microphone and
// screen recording per attempt. Only for scratch databases.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.ts';

export interface ScaleAttemptsResult {
  attempts: number;
  recordings: number;
}

export async function generateScaleAttempts(db: Kysely<DB>, window: { from: Date; to: Date }): Promise<ScaleAttemptsResult> {
  return db.connection().execute(async (conn) => {
    await sql`SET synchronous_commit = off`.execute(conn);
    const attempts = await sql`
      INSERT INTO attempts (session_id, number, node_id, started_at, ended_at, end_reason)
      SELECT s.id, n.number, 'scale-node',
        CASE WHEN n.number = 1 THEN s.started_at ELSE s.started_at + (x.ended_at - s.started_at) / 2 + interval '40 seconds' END,
        CASE WHEN n.number = 1 AND x.reconnected THEN s.started_at + (x.ended_at - s.started_at) / 2 ELSE x.ended_at END,
        CASE WHEN n.number = 1 AND x.reconnected THEN 'disconnected' ELSE 'finished' END
      FROM exam_sessions s
      CROSS JOIN LATERAL (SELECT coalesce(s.ended_at, s.started_at + interval '1 hour') AS ended_at,
                                 (hashtextextended(s.id::text, 7) & 7) = 0 AS reconnected) x
      CROSS JOIN LATERAL generate_series(1, CASE WHEN x.reconnected THEN 2 ELSE 1 END) AS n(number)
      WHERE s.started_at >= ${window.from} AND s.started_at < ${window.to}`.execute(conn);
    const recordings = await sql`
      INSERT INTO recordings (attempt_id, session_id, source, kind, codec, path, started_at, ended_at, bytes, duration_ms, status)
      SELECT a.id, a.session_id, src.source, src.kind, src.codec, a.session_id || '/' || a.number || '/' || src.source || '.webm',
             a.started_at, a.ended_at, (extract(epoch FROM a.ended_at - a.started_at) * src.bytes_per_second)::bigint,
             (extract(epoch FROM a.ended_at - a.started_at) * 1000)::int, 'finalised'
      FROM attempts a
      JOIN exam_sessions s ON s.id = a.session_id
      CROSS JOIN (VALUES ('camera', 'video', 'vp8', 60000), ('microphone', 'audio', 'opus', 4000), ('screen', 'video', 'vp8', 40000))
        AS src(source, kind, codec, bytes_per_second)
      WHERE s.started_at >= ${window.from} AND s.started_at < ${window.to}`.execute(conn);
    await sql`ANALYZE attempts`.execute(conn);
    await sql`ANALYZE recordings`.execute(conn);
    return { attempts: Number(attempts.numAffectedRows ?? 0), recordings: Number(recordings.numAffectedRows ?? 0) };
  });
}
