// Report exports (migration 0007): the durable record of each requested report file. The
// API creates the row, the job moves it through running → done/failed and writes its
// progress; readers (the export button's polling) only ever read it.
import type { Kysely } from 'kysely';
import type { Locale } from '../enums.ts';
import type { ReportExportKind } from '../report-exports.ts';
import type { DB, ReportExport } from '../schema.ts';

export interface NewReportExportInput {
  kind: ReportExportKind;
  requestedBy: string;
  /** The request's filters as the API validated them (kept for the job and for audit). */
  filters: Record<string, unknown>;
  locale: Locale;
}

export async function createReportExport(db: Kysely<DB>, input: NewReportExportInput): Promise<string> {
  const row = await db
    .insertInto('reportExports')
    .values({ ...input, filters: JSON.stringify(input.filters) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function getReportExport(db: Kysely<DB>, id: string): Promise<ReportExport | undefined> {
  return db.selectFrom('reportExports').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The job starts (or restarts after a crash): progress begins again from zero. Returns false
 * when the export is already settled (done or failed), so a duplicate job does nothing.
 */
export async function markReportExportRunning(db: Kysely<DB>, id: string, totalRows: number): Promise<boolean> {
  const result = await db
    .updateTable('reportExports')
    .set({ status: 'running', totalRows, progressRows: 0, error: null })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setReportExportProgress(db: Kysely<DB>, id: string, progressRows: number): Promise<void> {
  await db.updateTable('reportExports').set({ progressRows }).where('id', '=', id).where('status', '=', 'running').execute();
}

export async function markReportExportDone(
  db: Kysely<DB>,
  id: string,
  result: { filePath: string; bytes: number; rows: number; at?: Date },
): Promise<void> {
  await db
    .updateTable('reportExports')
    .set({ status: 'done', filePath: result.filePath, bytes: result.bytes, progressRows: result.rows, finishedAt: result.at ?? new Date() })
    .where('id', '=', id)
    .execute();
}

export async function markReportExportFailed(db: Kysely<DB>, id: string, error: string, at = new Date()): Promise<void> {
  await db
    .updateTable('reportExports')
    .set({ status: 'failed', error: error.slice(0, 2000), finishedAt: at })
    .where('id', '=', id)
    .where('status', '!=', 'done')
    .execute();
}
