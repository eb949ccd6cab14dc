// The whole product's first schema. Written as SQL because CHECKs, partial indexes,
// collations and triggers read more clearly that way. Migrations are frozen once shipped:
// never edit this file, add 0002_….ts instead.
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

async function exists(db: Kysely<any>, query: string): Promise<boolean> {
  const { rows } = await sql.raw(query).execute(db);
  return rows.length > 0;
}

export async function up(db: Kysely<any>): Promise<void> {
  // citext gives case-insensitive e-mail uniqueness and lookups without lower() in every query.
  await run(db, ['CREATE EXTENSION IF NOT EXISTS citext']);

  // Names sort in Kazakh alphabet order (ә after а, қ after к, …) with numbers compared as
  // numbers ("Группа 2" < "Группа 10"). Every mainstream PostgreSQL build has ICU; one without
  // it falls back to the database default so the schema still applies.
  const hasIcu = await exists(db, "SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1");
  await run(db, [
    hasIcu
      ? "CREATE COLLATION name_order (provider = icu, locale = 'kk-u-kn-true')"
      : 'CREATE COLLATION name_order FROM "default"',
  ]);

  await run(db, [
    `CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email citext NOT NULL UNIQUE,
      password_hash text,
      full_name text COLLATE name_order NOT NULL,
      iin text CHECK (iin ~ '^[0-9]{12}$'),
      locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('kk', 'ru', 'en')),
      role text NOT NULL CHECK (role IN ('admin', 'proctor')),
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,

    `CREATE TABLE password_resets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX password_resets_user_id_idx ON password_resets (user_id)',

    `CREATE TABLE user_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      ip inet,
      user_agent text
    )`,
    'CREATE INDEX user_sessions_user_id_idx ON user_sessions (user_id)',
    'CREATE INDEX user_sessions_expires_at_idx ON user_sessions (expires_at)',

    `CREATE TABLE groups (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text COLLATE name_order NOT NULL UNIQUE,
      archived_at timestamptz
    )`,

    `CREATE TABLE disciplines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text COLLATE name_order NOT NULL UNIQUE,
      archived_at timestamptz
    )`,

    // Past records are archived, not deleted, so references to them RESTRICT deletion.
    `CREATE TABLE exams (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text COLLATE name_order NOT NULL,
      discipline_id uuid NOT NULL REFERENCES disciplines (id),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      time_zone text NOT NULL DEFAULT 'Asia/Almaty',
      proctoring_mode text NOT NULL DEFAULT 'online' CHECK (proctoring_mode IN ('online', 'offline', 'ai')),
      violation_weights jsonb NOT NULL DEFAULT '{
        "no_face": 5, "multiple_faces": 10, "other_person": 15, "head_turned": 2, "voice": 3,
        "focus_lost": 5, "tab_hidden": 5, "fullscreen_exit": 3, "copy": 3, "paste": 5, "cut": 3,
        "second_display": 10, "screen_share_stopped": 5, "camera_stopped": 5,
        "microphone_stopped": 3, "network_lost": 1
      }'::jsonb CHECK (jsonb_typeof(violation_weights) = 'object'),
      honesty_threshold integer NOT NULL DEFAULT 70 CHECK (honesty_threshold BETWEEN 0 AND 100),
      count_technical boolean NOT NULL DEFAULT false,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    )`,
    'CREATE INDEX exams_discipline_id_idx ON exams (discipline_id)',
    'CREATE INDEX exams_starts_at_idx ON exams (starts_at)',

    `CREATE TABLE exam_proctors (
      exam_id uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      PRIMARY KEY (exam_id, user_id)
    )`,
    // "Exams of this proctor" reads by user first.
    'CREATE INDEX exam_proctors_user_id_idx ON exam_proctors (user_id)',

    `CREATE TABLE candidates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      full_name text COLLATE name_order NOT NULL,
      iin text NOT NULL UNIQUE CHECK (iin ~ '^[0-9]{12}$'),
      group_id uuid REFERENCES groups (id),
      reference_photo_path text,
      email citext,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX candidates_group_id_idx ON candidates (group_id)',
    'CREATE INDEX candidates_full_name_idx ON candidates (full_name)',

    `CREATE TABLE exam_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      exam_id uuid NOT NULL REFERENCES exams (id),
      candidate_id uuid NOT NULL REFERENCES candidates (id),
      status text NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'finished')),
      started_at timestamptz,
      ended_at timestamptz,
      honesty integer CHECK (honesty BETWEEN 0 AND 100),
      decision text NOT NULL DEFAULT 'none' CHECK (decision IN ('none', 'admitted', 'not_admitted', 'annulled')),
      review_status text NOT NULL DEFAULT 'not_viewed' CHECK (review_status IN ('not_viewed', 'viewed')),
      archived boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (exam_id, candidate_id),
      CHECK (ended_at >= started_at)
    )`,
    // Results page: the unique (exam_id, candidate_id) index already serves exam filters.
    // Default view is "not archived, newest first"; the rest back single-column filters/sorts.
    'CREATE INDEX exam_sessions_archived_started_at_idx ON exam_sessions (archived, started_at DESC NULLS LAST)',
    'CREATE INDEX exam_sessions_candidate_id_idx ON exam_sessions (candidate_id)',
    'CREATE INDEX exam_sessions_started_at_idx ON exam_sessions (started_at)',
    'CREATE INDEX exam_sessions_ended_at_idx ON exam_sessions (ended_at)',
    'CREATE INDEX exam_sessions_status_idx ON exam_sessions (status)',
    'CREATE INDEX exam_sessions_honesty_idx ON exam_sessions (honesty)',
    'CREATE INDEX exam_sessions_decision_idx ON exam_sessions (decision)',

    `CREATE TABLE attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      number integer NOT NULL CHECK (number >= 1),
      node_id text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz,
      end_reason text,
      UNIQUE (session_id, number),
      -- Target of the composite keys below, which keep children's session_id consistent.
      UNIQUE (id, session_id),
      CHECK (ended_at >= started_at),
      CHECK ((ended_at IS NULL) = (end_reason IS NULL))
    )`,
    // Crash recovery looks up a node's still-open attempts.
    'CREATE INDEX attempts_open_node_id_idx ON attempts (node_id) WHERE ended_at IS NULL',

    `CREATE TABLE recordings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      attempt_id uuid NOT NULL,
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      source text NOT NULL CHECK (source IN ('camera', 'microphone', 'screen')),
      kind text NOT NULL CHECK (kind IN ('audio', 'video')),
      codec text NOT NULL,
      path text NOT NULL CHECK (path <> '' AND path !~ '^/' AND path !~ '(^|/)\\.\\.(/|$)'),
      started_at timestamptz NOT NULL,
      ended_at timestamptz,
      bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
      duration_ms integer CHECK (duration_ms >= 0),
      status text NOT NULL DEFAULT 'recording' CHECK (status IN ('recording', 'stopped', 'finalised', 'failed')),
      error text,
      FOREIGN KEY (attempt_id, session_id) REFERENCES attempts (id, session_id) ON DELETE CASCADE,
      CHECK (ended_at >= started_at)
    )`,
    'CREATE INDEX recordings_session_id_idx ON recordings (session_id)',
    'CREATE INDEX recordings_attempt_id_idx ON recordings (attempt_id)',
    "CREATE INDEX recordings_open_idx ON recordings (attempt_id) WHERE status = 'recording'",

    `CREATE TABLE violations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      attempt_id uuid,
      type text NOT NULL,
      category text NOT NULL CHECK (category IN ('behaviour', 'technical')),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz,
      confidence real CHECK (confidence BETWEEN 0 AND 1),
      snapshot_path text CHECK (snapshot_path !~ '^/'),
      source text NOT NULL CHECK (source IN ('client', 'server', 'proctor')),
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (attempt_id, session_id) REFERENCES attempts (id, session_id) ON DELETE SET NULL (attempt_id),
      CHECK (ends_at >= starts_at)
    )`,
    'CREATE INDEX violations_session_id_starts_at_idx ON violations (session_id, starts_at)',
    'CREATE INDEX violations_attempt_id_idx ON violations (attempt_id)',

    `CREATE TABLE connection_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      attempt_id uuid,
      kind text NOT NULL,
      error text,
      resolved boolean,
      at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (attempt_id, session_id) REFERENCES attempts (id, session_id) ON DELETE SET NULL (attempt_id)
    )`,
    'CREATE INDEX connection_events_session_id_at_idx ON connection_events (session_id, at)',
    // Statistics aggregate by day/hour over all sessions.
    'CREATE INDEX connection_events_at_idx ON connection_events (at)',

    // Audit trail. No foreign keys on purpose: entries must outlive the rows they mention
    // (names and IINs are copied for that reason), and a cascading SET NULL would be an UPDATE.
    `CREATE TABLE action_log (
      id bigserial PRIMARY KEY,
      actor_user_id uuid,
      actor_name text NOT NULL,
      actor_iin text,
      session_id uuid,
      action text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX action_log_session_id_at_idx ON action_log (session_id, at DESC)',
    // The app connects as the table owner, so REVOKE would not bind it; a trigger does.
    `CREATE FUNCTION action_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'action_log is append-only (% rejected)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $$`,
    `CREATE TRIGGER action_log_append_only BEFORE UPDATE OR DELETE ON action_log
      FOR EACH ROW EXECUTE FUNCTION action_log_reject_change()`,
    `CREATE TRIGGER action_log_no_truncate BEFORE TRUNCATE ON action_log
      FOR EACH STATEMENT EXECUTE FUNCTION action_log_reject_change()`,
  ]);

  // Substring search ("ILIKE '%…%'") on names. pg_trgm ships with PostgreSQL's contrib and
  // is a trusted extension; without it search still works, only unindexed.
  if (await exists(db, "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")) {
    await run(db, [
      'CREATE EXTENSION IF NOT EXISTS pg_trgm',
      'CREATE INDEX candidates_full_name_trgm_idx ON candidates USING gin (full_name gin_trgm_ops)',
      'CREATE INDEX groups_name_trgm_idx ON groups USING gin (name gin_trgm_ops)',
      'CREATE INDEX exams_name_trgm_idx ON exams USING gin (name gin_trgm_ops)',
    ]);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, [
    'DROP TABLE action_log',
    'DROP FUNCTION action_log_reject_change()',
    'DROP TABLE connection_events',
    'DROP TABLE violations',
    'DROP TABLE recordings',
    'DROP TABLE attempts',
    'DROP TABLE exam_sessions',
    'DROP TABLE candidates',
    'DROP TABLE exam_proctors',
    'DROP TABLE exams',
    'DROP TABLE disciplines',
    'DROP TABLE groups',
    'DROP TABLE user_sessions',
    'DROP TABLE password_resets',
    'DROP TABLE users',
    'DROP COLLATION name_order',
  ]);
}
