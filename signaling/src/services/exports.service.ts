/**
 * Report downloads (manual §4.6 detailed exam report, §4.7 grade sheet): access rules,
 * the report_exports row and its job, file delivery and the audit entries. HTTP-free
 * (routes/exports.routes.ts maps requests onto it).
 *
 * The exam report runs as a BullMQ job (it can cover a hundred thousand sessions); the
 * row in report_exports is what the page polls and what decides who may download. The
 * grade sheet is one exam's group, small enough to build during the request.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import {
  appendAction,
  createReportExport,
  getGradeSheetHeader,
  getReportExport,
  listGradeSheetRows,
  markReportExportFailed,
  unassignedExamIds,
  type DB,
  type ReportExport,
} from '@proctor/db';
import {
  type JobQueue,
  QUEUES,
  gradeSheetHtml,
  gradeSheetXlsx,
  renderPdf,
  reportExportJobId,
  reportTexts,
  resolveReportPath,
} from '@proctor/recorder';
import type { CreateExportBody, ExportResponse, GradeSheetQuery } from '../contract/api/exports.ts';
import { STATISTICS_MAX_DAYS, statisticsRangeError, type StatisticsFilters } from '../contract/api/statistics.ts';
import { DomainError } from '../domain/errors.ts';
import { assertExamAccess } from '../domain/access.ts';
import type { StaffUser } from './results.service.ts';

export interface ExportsServiceDeps {
  db: Kysely<DB>;
  /** Runs the export jobs; null on a node without one (exports are then refused). */
  queue: JobQueue | null;
  /** Where the job writes export files (reportsDirFromEnv()). */
  reportsDir: string;
  now?: () => Date;
}

/** A file to send: its bytes or a stream, its type and its (localised) name. */
export interface Download {
  body: Buffer | Readable;
  bytes: number;
  contentType: string;
  fileName: string;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const actorOf = (user: StaffUser) => ({ actorUserId: user.id, actorName: user.fullName, actorIin: user.iin });

function toView(row: ReportExport): ExportResponse {
  return {
    export: {
      id: row.id,
      kind: row.kind,
      locale: row.locale,
      status: row.status,
      progressRows: row.progressRows,
      totalRows: row.totalRows,
      bytes: row.bytes,
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    },
  };
}

/** A file name safe on every system: letters (any script), digits, '-', '_' and '.'. */
const safeName = (text: string) => text.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'report';

export class ExportsService {
  constructor(private readonly deps: ExportsServiceDeps) {}

  /** Starts a detailed exam report: a report_exports row and its job. */
  async create(user: StaffUser, body: CreateExportBody): Promise<ExportResponse> {
    await this.checkFilters(user, body.filters);
    const { queue, db } = this.deps;
    if (!queue) throw new DomainError('conflict', 'This node runs no job queue, so reports cannot be generated here.');
    const f = body.filters;
    const filters = { from: f.from, to: f.to, examIds: f.examId, disciplineIds: f.disciplineId, groupIds: f.groupId };
    const id = await createReportExport(db, { kind: 'exam_report', requestedBy: user.id, filters, locale: body.locale });
    await appendAction(db, { ...actorOf(user), action: 'report.export_requested', details: { exportId: id, kind: 'exam_report', filters: f } });
    try {
      await queue.add(QUEUES.reportExport, { exportId: id }, { jobId: reportExportJobId(id) });
    } catch (error) {
      await markReportExportFailed(db, id, `could not enqueue: ${(error as Error).message}`);
      throw error;
    }
    return this.get(user, id);
  }

  /** Status and progress; only the requester or an admin. */
  async get(user: StaffUser, id: string): Promise<ExportResponse> {
    return toView(await this.ownExport(user, id));
  }

  /** The finished .xlsx (409 while it is not ready); logged as downloaded. */
  async file(user: StaffUser, id: string): Promise<Download> {
    const row = await this.ownExport(user, id);
    if (row.status === 'failed') throw new DomainError('conflict', 'This export failed; start a new one.');
    if (row.status !== 'done' || !row.filePath) throw new DomainError('conflict', `The file is not ready yet (${row.status}).`);
    const file = resolveReportPath(this.deps.reportsDir, row.filePath);
    const bytes = await stat(file).then(
      (s) => s.size,
      () => {
        throw new DomainError('not_found', 'The file of this export is no longer on the server; start a new export.');
      },
    );
    const filters = row.filters as { from?: string; to?: string };
    await appendAction(this.deps.db, {
      ...actorOf(user),
      action: 'report.downloaded',
      details: { exportId: row.id, kind: row.kind, rows: row.progressRows, filters: row.filters },
    });
    return { body: createReadStream(file), bytes, contentType: XLSX_TYPE, fileName: `exam-report_${filters.from}_${filters.to}.xlsx` };
  }

  /** The grade sheet of an exam (and group), built now; logged as downloaded. */
  async gradeSheet(user: StaffUser, q: GradeSheetQuery): Promise<Download> {
    await assertExamAccess(this.deps.db, user, q.examId);
    const groupId = q.groupId ?? null;
    const header = await getGradeSheetHeader(this.deps.db, q.examId, groupId);
    if (!header) throw new DomainError('not_found', 'There is no such group.');
    const rows = await listGradeSheetRows(this.deps.db, q.examId, groupId);
    const sheet = { header, rows };
    const body =
      q.format === 'pdf' ? await renderPdf(gradeSheetHtml(sheet, q.locale, this.deps.now?.() ?? new Date())) : await gradeSheetXlsx(sheet, q.locale);
    await appendAction(this.deps.db, {
      ...actorOf(user),
      action: 'report.grade_sheet_downloaded',
      details: { examId: q.examId, groupId, format: q.format, locale: q.locale, rows: rows.length },
    });
    const name = safeName([header.examName, header.groupName].filter(Boolean).join('_'));
    return {
      body,
      bytes: body.length,
      contentType: q.format === 'pdf' ? 'application/pdf' : XLSX_TYPE,
      fileName: `${safeName(reportTexts(q.locale).gradeSheet.sheet)}_${name}.${q.format}`,
    };
  }

  /** 404 unknown id; 403 someone else's export (admins see all). */
  private async ownExport(user: StaffUser, id: string): Promise<ReportExport> {
    const row = await getReportExport(this.deps.db, id);
    if (!row) throw new DomainError('not_found', 'There is no such export.');
    if (user.role !== 'admin' && row.requestedBy !== user.id) throw new DomainError('forbidden', 'Only the user who started this export may see it.');
    return row;
  }

  /** The statistics routes' rules: a bounded range, and a proctor names only their exams. */
  private async checkFilters(user: StaffUser, f: StatisticsFilters): Promise<void> {
    const error = statisticsRangeError(f);
    if (error === 'date_range_inverted') throw new DomainError(error, `The start of the range (${f.from}) is after its end (${f.to}).`);
    if (error === 'date_range_too_long') {
      throw new DomainError(error, `A range may cover at most ${STATISTICS_MAX_DAYS} days; ${f.from} to ${f.to} is longer.`);
    }
    if (user.role === 'admin' || !f.examId?.length) return;
    const refused = await unassignedExamIds(this.deps.db, user.id, f.examId);
    if (refused.length) throw new DomainError('forbidden', `You are not assigned to exam${refused.length > 1 ? 's' : ''} ${refused.join(', ')}.`);
  }
}
