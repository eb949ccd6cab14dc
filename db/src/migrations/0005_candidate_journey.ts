// Candidate journey (#5): the identity check before an exam. One row per verification the
// candidate went through; the photo report shows the latest as its first event
// ("Verification — Successful/Failed" with its time span). Frozen once shipped.
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    `CREATE TABLE verifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      attempt_id uuid,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      result text NOT NULL CHECK (result IN ('successful', 'failed', 'no_reference')),
      similarity real CHECK (similarity BETWEEN 0 AND 1),
      -- Relative to the recordings root, like recordings.path: never absolute, never '..'.
      face_photo_path text NOT NULL CHECK (face_photo_path <> '' AND face_photo_path !~ '^/' AND face_photo_path !~ '(^|/)\\.\\.(/|$)'),
      document_photo_path text CHECK (document_photo_path <> '' AND document_photo_path !~ '^/' AND document_photo_path !~ '(^|/)\\.\\.(/|$)'),
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (attempt_id, session_id) REFERENCES attempts (id, session_id) ON DELETE SET NULL (attempt_id),
      CHECK (ended_at >= started_at)
    )`,
    // "Latest verification of this session" (resume after reload, photo report).
    'CREATE INDEX verifications_session_id_started_at_idx ON verifications (session_id, started_at DESC)',
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, ['DROP TABLE verifications']);
}
