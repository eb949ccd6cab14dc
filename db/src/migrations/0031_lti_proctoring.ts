// 1EdTech LTI Proctoring Services (#13): one row per proctored attempt a platform started
// with an LtiStartProctoring launch. It keeps what the LtiStartAssessment answer must carry
// back unchanged (session_data, attempt number, resource link, deployment) and where it goes
// (start_assessment_url), bound to the exam session the learner's journey runs in; the
// status moves started → assessment (our StartAssessment was handed to the learner's page)
// → ended (the platform's LtiEndAssessment, or the session finished here).
// Also: webhook deliveries are deleted after a retention (the daily retention job), and the
// index that query walks. Frozen once shipped.
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    `CREATE TABLE lti_proctoring_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      sub text NOT NULL CHECK (length(sub) BETWEEN 1 AND 255),
      resource_link_id text NOT NULL CHECK (length(resource_link_id) BETWEEN 1 AND 255),
      attempt_number integer NOT NULL CHECK (attempt_number >= 1),
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      deployment_id text NOT NULL CHECK (length(deployment_id) BETWEEN 1 AND 255),
      -- Opaque to us; returned unchanged (as the JSON value the platform sent: a string, or a
      -- number some send). NULL: the platform sent none, and our answer carries none.
      session_data jsonb CHECK (session_data IS NULL OR jsonb_typeof(session_data) IN ('string', 'number') AND length(session_data::text) <= 4100),
      start_assessment_url text NOT NULL CHECK (start_assessment_url ~ '^https?://[^[:space:]]+$' AND length(start_assessment_url) <= 2048),
      resource_link jsonb NOT NULL CHECK (jsonb_typeof(resource_link) = 'object'),
      end_assessment_return boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'started' CHECK (status IN ('started', 'assessment', 'ended')),
      assessment_started_at timestamptz,
      ended_at timestamptz,
      ended_by text CHECK (ended_by IN ('platform', 'session')),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (platform_id, sub, resource_link_id, attempt_number)
    )`,
    'CREATE INDEX lti_proctoring_attempts_session_idx ON lti_proctoring_attempts (session_id, created_at DESC)',
    "CREATE INDEX webhook_deliveries_settled_created_idx ON webhook_deliveries (created_at) WHERE status IN ('delivered', 'failed')",
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, ['DROP INDEX webhook_deliveries_settled_created_idx', 'DROP TABLE lti_proctoring_attempts']);
}
