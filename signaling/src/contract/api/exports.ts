/**
 * Report downloads of the statistics page (manual §4.6, §4.7), typed once for the server
 * and the web UI.
 *
 * §4.6 Detailed exam report: POST /api/exports with the statistics filters starts a
 * background job that writes an .xlsx (one row per session the page counts); the page
 * polls GET /api/exports/:id for progress and then fetches GET /api/exports/:id/file.
 * Only the requester or an admin may see an export or download its file.
 *
 * §4.7 Grade sheet ("Ведомость") of one exam, optionally one group: GET /api/grade-sheet,
 * as .xlsx or as a printable A4 PDF. A proctor gets only exams assigned to them.
 *
 * Audit log: `report.export_requested`, `report.downloaded`, `report.grade_sheet_downloaded`.
 *
 * Errors: 400 bad_request (malformed body or query, unknown keys), date_range_inverted /
 * date_range_too_long (as the statistics routes), 403 forbidden, 404 not_found, 409
 * conflict (the file is not ready yet or the export failed).
 */
import { z } from 'zod';
import { locale } from './auth.ts';
import { statisticsFilters } from './statistics.ts';

/** Language of the document's column titles and values. */
export const reportLocale = locale;
export type ReportLocale = z.infer<typeof reportLocale>;

export const exportKind = z.enum(['exam_report']);
export type ExportKind = z.infer<typeof exportKind>;

export const exportStatus = z.enum(['queued', 'running', 'done', 'failed']);
export type ExportStatus = z.infer<typeof exportStatus>;

export const createExportRequest = z
  .object({
    kind: exportKind.default('exam_report'),
    locale: reportLocale,
    /** Exactly the statistics page's filters, so the file covers what the page shows. */
    filters: statisticsFilters,
  })
  .strict();
export type CreateExportRequest = z.input<typeof createExportRequest>;
export type CreateExportBody = z.infer<typeof createExportRequest>;

const timestamp = z.iso.datetime();

/** An export as the page shows it (its internal error text and file path stay on the server). */
export const exportView = z.object({
  id: z.uuid(),
  kind: exportKind,
  locale: reportLocale,
  status: exportStatus,
  /** Rows written so far. */
  progressRows: z.number().int().nonnegative(),
  /** Rows the file will have; null until the job has counted them. */
  totalRows: z.number().int().nonnegative().nullable(),
  /** File size once done. */
  bytes: z.number().int().nonnegative().nullable(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
});
export type ExportView = z.infer<typeof exportView>;

export const exportResponse = z.object({ export: exportView });
export type ExportResponse = z.infer<typeof exportResponse>;

export const gradeSheetFormat = z.enum(['xlsx', 'pdf']);
export type GradeSheetFormat = z.infer<typeof gradeSheetFormat>;

export const gradeSheetQuery = z
  .object({
    examId: z.uuid(),
    /** Omitted: every group of the exam on one sheet. */
    groupId: z.uuid().optional(),
    format: gradeSheetFormat,
    locale: reportLocale,
  })
  .strict();
export type GradeSheetQuery = z.infer<typeof gradeSheetQuery>;

export const exportsApi = {
  create: { method: 'POST', path: '/api/exports', query: null, body: createExportRequest, response: exportResponse },
  get: { method: 'GET', path: '/api/exports/:id', query: null, body: null, response: exportResponse },
  /** The .xlsx as an attachment; audit-logged. */
  file: { method: 'GET', path: '/api/exports/:id/file', query: null, body: null, response: null },
  /** .xlsx or application/pdf as an attachment; audit-logged. */
  gradeSheet: { method: 'GET', path: '/api/grade-sheet', query: gradeSheetQuery, body: null, response: null },
} as const;

/** The download link of a finished export. */
export function exportFileUrl(id: string): string {
  return exportsApi.file.path.replace(':id', encodeURIComponent(id));
}

/** The download link of a grade sheet. */
export function gradeSheetUrl(q: GradeSheetQuery): string {
  const params = new URLSearchParams({ examId: q.examId, format: q.format, locale: q.locale });
  if (q.groupId) params.set('groupId', q.groupId);
  return `${exportsApi.gradeSheet.path}?${params}`;
}
