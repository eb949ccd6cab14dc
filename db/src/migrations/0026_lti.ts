// LTI 1.3 tool (#13): the LMS platforms registered by admins, the one-use OIDC state/nonce
// pairs of launches in flight, our own RSA key pairs (one active, the previous one still
// published so tokens signed just before a rotation verify), which exam a platform's resource
// link opens, who a platform's user (sub) is here, and where a session's score goes back
// (Assignment and Grade Services) with the last delivery's outcome for admins.
// Learners from an LMS may arrive without an IIN: candidates get `iin_source` so the
// "IIN unless erased" rule admits them. Frozen once shipped.
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const URL_CHECK = (column: string) => `(${column} ~ '^https?://[^[:space:]]+$' AND length(${column}) <= 2048)`;

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    `CREATE TABLE lti_platforms (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      issuer text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
      client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
      auth_login_url text NOT NULL CHECK ${URL_CHECK('auth_login_url')},
      auth_token_url text NOT NULL CHECK ${URL_CHECK('auth_token_url')},
      jwks_url text NOT NULL CHECK ${URL_CHECK('jwks_url')},
      deployment_ids text[] NOT NULL DEFAULT '{}' CHECK (cardinality(deployment_ids) BETWEEN 1 AND 50),
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (issuer, client_id)
    )`,

    // One row per login initiation: the launch must bring back this state (also bound to the
    // browser by a cookie) and an id_token with this nonce, once, before expires_at.
    `CREATE TABLE lti_nonces (
      state text PRIMARY KEY CHECK (length(state) BETWEEN 32 AND 200),
      nonce text NOT NULL UNIQUE CHECK (length(nonce) BETWEEN 32 AND 200),
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      target_link_uri text NOT NULL CHECK (length(target_link_uri) <= 2048),
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX lti_nonces_expires_at_idx ON lti_nonces (expires_at)',

    // Our signing keys (client-credentials assertions, deep-linking responses). 'previous'
    // stays in the JWKS for one rotation; 'retired' is kept for the audit trail only.
    `CREATE TABLE lti_keys (
      kid text PRIMARY KEY CHECK (length(kid) BETWEEN 8 AND 100),
      public_jwk jsonb NOT NULL CHECK (jsonb_typeof(public_jwk) = 'object'),
      private_jwk jsonb NOT NULL CHECK (jsonb_typeof(private_jwk) = 'object'),
      status text NOT NULL CHECK (status IN ('active', 'previous', 'retired')),
      created_at timestamptz NOT NULL DEFAULT now(),
      rotated_at timestamptz
    )`,
    "CREATE UNIQUE INDEX lti_keys_one_active_idx ON lti_keys ((status)) WHERE status = 'active'",

    // A platform's resource link (a placement in a course) → the exam it opens.
    `CREATE TABLE lti_links (
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      resource_link_id text NOT NULL CHECK (length(resource_link_id) BETWEEN 1 AND 255),
      context_id text CHECK (length(context_id) <= 255),
      context_title text CHECK (length(context_title) <= 500),
      title text CHECK (length(title) <= 500),
      exam_id uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (platform_id, resource_link_id)
    )`,
    'CREATE INDEX lti_links_exam_id_idx ON lti_links (exam_id)',

    // A platform's user (sub) as our candidate (learner) or our account (instructor).
    `CREATE TABLE lti_users (
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('candidate', 'user')),
      sub text NOT NULL CHECK (length(sub) BETWEEN 1 AND 255),
      candidate_id uuid REFERENCES candidates (id) ON DELETE CASCADE,
      user_id uuid REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (platform_id, kind, sub),
      CHECK ((kind = 'candidate') = (candidate_id IS NOT NULL) AND (kind = 'user') = (user_id IS NOT NULL))
    )`,
    'CREATE INDEX lti_users_candidate_id_idx ON lti_users (candidate_id) WHERE candidate_id IS NOT NULL',
    'CREATE INDEX lti_users_user_id_idx ON lti_users (user_id) WHERE user_id IS NOT NULL',

    // Where a launched session's score goes (AGS endpoint claim of its latest launch) and how
    // the last delivery went: admins see failures on the platform's page.
    `CREATE TABLE lti_grade_targets (
      session_id uuid PRIMARY KEY REFERENCES exam_sessions (id) ON DELETE CASCADE,
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      sub text NOT NULL CHECK (length(sub) BETWEEN 1 AND 255),
      resource_link_id text NOT NULL CHECK (length(resource_link_id) BETWEEN 1 AND 255),
      lineitems_url text CHECK ${URL_CHECK('lineitems_url')},
      lineitem_url text CHECK ${URL_CHECK('lineitem_url')},
      scopes text[] NOT NULL DEFAULT '{}',
      -- The launch's UI language: the comment sent with the score is written in it.
      locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('kk', 'ru', 'en')),
      status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'pending', 'sent', 'failed')),
      last_error text CHECK (length(last_error) <= 2000),
      attempts integer NOT NULL DEFAULT 0,
      last_attempt_at timestamptz,
      sent_at timestamptz,
      sent_score real,
      sent_decision text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (lineitems_url IS NOT NULL OR lineitem_url IS NOT NULL)
    )`,
    'CREATE INDEX lti_grade_targets_platform_status_idx ON lti_grade_targets (platform_id, status)',

    // A deep-linking request in flight (an instructor placing an exam in a course): the id is
    // the picker's capability (random, 43 chars), used once, within the hour.
    `CREATE TABLE lti_deep_links (
      id text PRIMARY KEY CHECK (length(id) BETWEEN 32 AND 100),
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      deployment_id text NOT NULL CHECK (length(deployment_id) BETWEEN 1 AND 255),
      return_url text NOT NULL CHECK ${URL_CHECK('return_url')},
      data text CHECK (length(data) <= 4096),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX lti_deep_links_expires_at_idx ON lti_deep_links (expires_at)',

    "ALTER TABLE candidates ADD COLUMN iin_source text CHECK (iin_source IN ('lti'))",
    'ALTER TABLE candidates DROP CONSTRAINT candidates_iin_unless_erased',
    'ALTER TABLE candidates ADD CONSTRAINT candidates_iin_unless_erased CHECK (iin IS NOT NULL OR erased_at IS NOT NULL OR iin_source IS NOT NULL)',
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, [
    'ALTER TABLE candidates DROP CONSTRAINT candidates_iin_unless_erased',
    'ALTER TABLE candidates ADD CONSTRAINT candidates_iin_unless_erased CHECK (iin IS NOT NULL OR erased_at IS NOT NULL)',
    'ALTER TABLE candidates DROP COLUMN iin_source',
    'DROP TABLE lti_deep_links',
    'DROP TABLE lti_grade_targets',
    'DROP TABLE lti_users',
    'DROP TABLE lti_links',
    'DROP TABLE lti_keys',
    'DROP TABLE lti_nonces',
    'DROP TABLE lti_platforms',
  ]);
}
