// API keys of LMS integrations (#13): `/api/v1` requests carry `Authorization: Bearer <key>`.
// Only the key's public prefix (shown to admins, used to find the row) and the SHA-256 of
// the whole key are stored; the key itself is shown once when it is created. A key may
// belong to an integration (sign-on) or stand alone under its name; exam_id narrows it to
// one exam (NULL = every exam). Revoked keys stay for the audit trail. Frozen once shipped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      integration_id uuid REFERENCES integrations (id) ON DELETE SET NULL,
      prefix text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{12}$'),
      secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
      scopes text[] NOT NULL CHECK (cardinality(scopes) >= 1 AND scopes <@ ARRAY['read', 'write']::text[]),
      exam_id uuid REFERENCES exams (id) ON DELETE CASCADE,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX api_keys_created_idx ON api_keys (created_at DESC, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE api_keys`.execute(db);
}
