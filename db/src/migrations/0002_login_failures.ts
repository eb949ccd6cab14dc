// Failed sign-ins per e-mail, so an account locks after too many wrong passwords no matter
// which media node (or which IP) the attempts came through. Rows older than the lock-out
// window are pruned by the sign-in code; nothing else reads them.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    // No foreign key to users: attempts on e-mails without an account count the same way,
    // so the lock-out reveals nothing about which addresses exist.
    `CREATE TABLE login_failures (
      id bigserial PRIMARY KEY,
      email citext NOT NULL,
      ip inet,
      at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX login_failures_email_at_idx ON login_failures (email, at)',
    'CREATE INDEX login_failures_at_idx ON login_failures (at)',
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP TABLE login_failures').execute(db);
}
