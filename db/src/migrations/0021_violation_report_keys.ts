// Every finding the candidate's page reports carries an idempotency key (a UUID made with the
// finding); the key is claimed here in the same transaction that stores the finding, so a
// report resent after a lost ack, a reconnect or a page reload is stored once. Keys are per
// session: the same key in another session is another report.
// violation_id is nullable only inside the storing transaction (the key is claimed before the
// violation exists, so a concurrent resend waits on the claim instead of storing twice).
// A merge that deletes a violation repoints its keys first; a removed session takes its keys.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE violation_reports (
      session_id uuid NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
      idempotency_key uuid NOT NULL,
      violation_id uuid REFERENCES violations (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, idempotency_key)
    )`,
    'CREATE INDEX violation_reports_violation_idx ON violation_reports (violation_id)',
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP TABLE violation_reports').execute(db);
}
