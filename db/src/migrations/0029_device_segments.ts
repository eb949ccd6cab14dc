// Recordings made on the candidate's own device (#12): ~10 s self-contained WebM segments the
// page uploads for the spans the server's recordings lack. Frozen once shipped.
//
// One row per uploaded, hash-verified segment. (session_id, source, started_at) is unique so a
// segment uploaded twice (a retried upload after a lost answer) is stored once. attempt_id is
// the attempt the segment began in, when there was one (a segment recorded while the
// candidate was offline belongs to no attempt).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE device_segments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      attempt_id uuid REFERENCES attempts (id) ON DELETE SET NULL,
      source text NOT NULL CHECK (source IN ('camera', 'screen')),
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      bytes bigint NOT NULL CHECK (bytes > 0),
      path text NOT NULL CHECK (path <> '' AND path !~ '^/' AND path !~ '(^|/)\\.\\.(/|$)'),
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (session_id, source, started_at),
      CHECK (ended_at > started_at)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE device_segments`.execute(db);
}
