/**
 * The report-export job: writes the detailed exam report of one report_exports row to
 * `<reportsDir>/exports/<id>.xlsx` and records progress, size and outcome in that row.
 *
 * The row is the source of truth: filters, locale and requester are read from it (the
 * payload carries only its id), and the requester's scope is looked up now, so a proctor's
 * export never covers exams they are not assigned to. A retry starts the file over; only
 * the last attempt marks the row failed.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  getReportExport,
  getUserById,
  markReportExportDone,
  markReportExportFailed,
  markReportExportRunning,
  setReportExportProgress,
} from '@proctor/db';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db.ts';
import type { JobContext } from '../queue.ts';
import { writeExamReport } from '../reports/exam-report-xlsx.ts';
import { exportRelativePath, resolveReportPath } from '../reports/reports-dir.ts';
import type { ReportExportPayload } from './types.ts';

export interface ExportReportDeps {
  db: Db;
  reportsDir: string;
  logger: Logger;
  /** Rows per cursor fetch and progress update. Default 2000. */
  batchSize?: number;
}

const day = z.iso.date();
/** The filters as the API stored them (db StatisticsFilters); checked again, as any job payload. */
export const storedExamReportFilters = z
  .object({
    from: day,
    to: day,
    examIds: z.array(z.uuid()).max(100).optional(),
    disciplineIds: z.array(z.uuid()).max(100).optional(),
    groupIds: z.array(z.uuid()).max(100).optional(),
  })
  .strict();

export async function exportReport(deps: ExportReportDeps, payload: ReportExportPayload, ctx: JobContext): Promise<void> {
  const { db } = deps;
  const log = deps.logger.child({ exportId: payload.exportId, job: ctx.id, attempt: ctx.attempt });
  const row = await getReportExport(db, payload.exportId);
  if (!row) throw new UnrecoverableError(`report export ${payload.exportId} does not exist`);
  if (row.status === 'done' || row.status === 'failed') {
    log.info({ status: row.status }, 'report export skipped: already settled');
    return;
  }
  try {
    const filters = storedExamReportFilters.safeParse(row.filters);
    if (!filters.success) throw new UnrecoverableError(`stored filters are invalid: ${filters.error.message}`);
    const user = await getUserById(db, row.requestedBy);
    if (!user || user.archivedAt) throw new UnrecoverableError('the requesting user no longer exists');
    const viewer = { userId: user.id, role: user.role };

    const relative = exportRelativePath(row.id);
    const file = resolveReportPath(deps.reportsDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    const started = performance.now();
    const written = await writeExamReport({
      db,
      viewer,
      filters: filters.data,
      locale: row.locale,
      file,
      batchSize: deps.batchSize,
      onStart: async (totalRows) => {
        if (!(await markReportExportRunning(db, row.id, totalRows))) throw new UnrecoverableError('the export was settled meanwhile');
      },
      onProgress: (rows) => setReportExportProgress(db, row.id, rows),
    });
    await markReportExportDone(db, row.id, { filePath: relative, bytes: written.bytes, rows: written.rows });
    log.info({ rows: written.rows, bytes: written.bytes, ms: Math.round(performance.now() - started) }, 'report export written');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (ctx.isFinalAttempt || error instanceof UnrecoverableError) {
      await markReportExportFailed(db, row.id, message).catch((err: unknown) => log.error({ err }, 'could not mark the export failed'));
      log.error({ err: error }, 'report export failed for good');
    } else {
      log.warn({ err: error }, 'report export failed; will retry');
    }
    throw error;
  }
}
