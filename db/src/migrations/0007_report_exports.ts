// Report exports (manual §4.6): the detailed exam report is written to an .xlsx file by a
// background job. This table is the durable record of each request (PostgreSQL is the
// source of truth; the queue only runs the work), so progress survives a restart and only
// the requester or an admin may fetch the file.
import { type Kysely, sql } from 'kysely';

async function run(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, [
    `CREATE TABLE report_exports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('exam_report')),
      requested_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      filters jsonb NOT NULL DEFAULT '{}',
      locale text NOT NULL CHECK (locale IN ('kk', 'ru', 'en')),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      progress_rows integer NOT NULL DEFAULT 0 CHECK (progress_rows >= 0),
      total_rows integer CHECK (total_rows >= 0),
      bytes bigint CHECK (bytes >= 0),
      -- Relative to the reports directory, written by the job only; never absolute, never '..'.
      file_path text CHECK (file_path !~ '^/' AND file_path !~ '(^|/)\\.\\.(/|$)'),
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      CHECK ((status = 'done') = (file_path IS NOT NULL AND finished_at IS NOT NULL))
    )`,
    'CREATE INDEX report_exports_requested_by_idx ON report_exports (requested_by, created_at DESC)',
  ]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, ['DROP TABLE report_exports']);
}
