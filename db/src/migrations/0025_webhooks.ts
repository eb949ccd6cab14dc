// Webhooks of LMS integrations (#13) and the domain-event outbox. Frozen once shipped.
//
// webhook_endpoints: where an integration wants events posted. `secret` is kept as given
// (like integrations.shared_secret): deliveries are signed with it (HMAC-SHA256), so a hash
// would not do; the API shows it once, at creation. exam_id narrows it to one exam.
//
// webhook_deliveries: one row per (endpoint, event), the exact body that is signed and its
// last outcome: the admins' delivery log. `seq` orders the deliveries of one session for one
// endpoint: a delivery is queued only once every earlier one of its chain has settled.
// UNIQUE (endpoint_id, event_id) makes recording an event twice (relay retried) a no-op.
//
// domain_event_outbox: events raised outside a media node (the jobs process: recording.ready).
// A media node claims the rows (FOR UPDATE SKIP LOCKED, so exactly one node does), publishes
// them on its bus and deletes them in the same transaction.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      integration_id uuid REFERENCES integrations (id) ON DELETE SET NULL,
      url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
      secret text NOT NULL CHECK (length(secret) BETWEEN 32 AND 200),
      events text[] NOT NULL CHECK (cardinality(events) >= 1),
      exam_id uuid REFERENCES exams (id) ON DELETE CASCADE,
      enabled boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhook_endpoints_created_idx ON webhook_endpoints (created_at DESC, id)`.execute(db);
  await sql`
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL UNIQUE,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      session_id uuid,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'queued', 'retrying', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      rounds integer NOT NULL DEFAULT 0,
      last_status_code integer,
      last_duration_ms integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_attempt_at timestamptz,
      delivered_at timestamptz,
      UNIQUE (endpoint_id, event_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, seq DESC)`.execute(db);
  await sql`
    CREATE INDEX webhook_deliveries_open_idx ON webhook_deliveries (endpoint_id, session_id, seq)
    WHERE status IN ('pending', 'queued', 'retrying')`.execute(db);
  await sql`
    CREATE TABLE domain_event_outbox (
      id bigserial PRIMARY KEY,
      event_id uuid NOT NULL DEFAULT gen_random_uuid(),
      type text NOT NULL,
      payload jsonb NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE domain_event_outbox`.execute(db);
  await sql`DROP TABLE webhook_deliveries`.execute(db);
  await sql`DROP TABLE webhook_endpoints`.execute(db);
}
