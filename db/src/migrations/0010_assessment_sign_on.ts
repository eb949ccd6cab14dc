// The exam itself under proctoring (#10): the assessment an exam opens (URL, frame or
// window, the last framing check), what a session used of it, and sign-on links from
// external systems (integrations, their external ids, used token ids). Frozen once shipped.
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

// http(s), no whitespace, a sane length: what a browser frame or popup may be pointed at.
const URL_CHECK = (column: string) => `(${column} ~ '^https?://[^[:space:]]+$' AND length(${column}) <= 2048)`;

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    `ALTER TABLE exams
       ADD COLUMN assessment_url text CHECK ${URL_CHECK('assessment_url')},
       ADD COLUMN assessment_mode text NOT NULL DEFAULT 'frame' CHECK (assessment_mode IN ('frame', 'window')),
       -- What the server found when the URL was last saved (headers read once): shown to admins.
       ADD COLUMN assessment_check jsonb CHECK (jsonb_typeof(assessment_check) = 'object')`,

    `ALTER TABLE exam_sessions
       -- The assessment ran in a separate window at some point: focus tracking was weaker.
       ADD COLUMN assessment_window_used boolean NOT NULL DEFAULT false,
       -- Where "Finish" sends the candidate (from the latest sign-on link).
       ADD COLUMN return_url text CHECK ${URL_CHECK('return_url')}`,

    // Systems that send candidates here. 'sign_on' verifies signed links (HS256 shared
    // secret or RS256 keys from a JWKS URL); later kinds (LTI, API keys, webhooks) attach
    // to the same row, so kind is an open set like attempts.end_reason.
    `CREATE TABLE integrations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text COLLATE name_order NOT NULL UNIQUE,
      kind text NOT NULL DEFAULT 'sign_on',
      shared_secret text CHECK (length(shared_secret) BETWEEN 32 AND 512),
      jwks_url text CHECK ${URL_CHECK('jwks_url')},
      issuers text[] NOT NULL DEFAULT '{}',
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (kind <> 'sign_on' OR ((shared_secret IS NULL) <> (jwks_url IS NULL) AND cardinality(issuers) >= 1))
    )`,

    // An external system's ids for our rows: one mapping per (integration, kind, id), each
    // pointing at exactly the row of its kind, removed with it.
    `CREATE TABLE external_refs (
      integration_id uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('candidate', 'group', 'exam')),
      external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
      candidate_id uuid REFERENCES candidates (id) ON DELETE CASCADE,
      group_id uuid REFERENCES groups (id) ON DELETE CASCADE,
      exam_id uuid REFERENCES exams (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (integration_id, kind, external_id),
      CHECK ((kind = 'candidate') = (candidate_id IS NOT NULL)
         AND (kind = 'group') = (group_id IS NOT NULL)
         AND (kind = 'exam') = (exam_id IS NOT NULL))
    )`,
    'CREATE INDEX external_refs_candidate_id_idx ON external_refs (candidate_id) WHERE candidate_id IS NOT NULL',
    'CREATE INDEX external_refs_group_id_idx ON external_refs (group_id) WHERE group_id IS NOT NULL',
    'CREATE INDEX external_refs_exam_id_idx ON external_refs (exam_id) WHERE exam_id IS NOT NULL',

    // Token ids (jti) of sign-on links already used: a link works once. Kept until the
    // token's own expiry, after which it is refused as expired anyway.
    `CREATE TABLE sign_on_uses (
      integration_id uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
      jti text NOT NULL CHECK (length(jti) BETWEEN 1 AND 200),
      session_id uuid REFERENCES exam_sessions (id) ON DELETE SET NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (integration_id, jti)
    )`,
    'CREATE INDEX sign_on_uses_expires_at_idx ON sign_on_uses (expires_at)',
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, [
    'DROP TABLE sign_on_uses',
    'DROP TABLE external_refs',
    'DROP TABLE integrations',
    'ALTER TABLE exam_sessions DROP COLUMN return_url, DROP COLUMN assessment_window_used',
    'ALTER TABLE exams DROP COLUMN assessment_check, DROP COLUMN assessment_mode, DROP COLUMN assessment_url',
  ]);
}
