/**
 * The detailed exam report (manual §4.6) as an .xlsx file: one row per session with the
 * Results columns, violation counts per type, attempts, reconnects and recording durations.
 *
 * Written with exceljs's streaming WorkbookWriter: rows arrive from a database cursor in
 * batches and each row is committed (serialised into the zip stream) at once, so memory
 * stays flat whatever the row count. Strings are inline (no shared-strings table, which
 * would be kept in memory to the end). After each batch the writer waits until the
 * compressor has taken the sheet's XML (see compressorCaughtUp), so a database and row
 * builder faster than deflate cannot pile up XML in memory.
 *
 * The background job and `pnpm bench:export` both call `writeExamReport`.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  type ExamReportRow,
  type Locale,
  type StatisticsFilters,
  type StatisticsViewer,
  VIOLATION_TYPES,
  streamExamReportRows,
} from '@proctor/db';
import type { Db } from '../db.ts';
import { type ReportTexts, reportTexts } from './report-texts.ts';
import { EXCEL_DATE_TIME_FORMAT, EXCEL_DURATION_FORMAT, msToExcelDuration, wallClock } from './wall-clock.ts';

interface Column {
  header: string;
  width: number;
  numFmt?: string;
  value: (row: ExamReportRow, index: number) => ExcelJS.CellValue;
}

function columns(t: ReportTexts): Column[] {
  const c = t.examReport.columns;
  const time = (date: Date | null, zone: string) => (date ? wallClock(date, zone) : null);
  const duration = (ms: number) => (ms > 0 ? msToExcelDuration(ms) : null);
  return [
    { header: c.number, width: 8, value: (_, i) => i },
    { header: c.candidate, width: 34, value: (r) => r.candidateName },
    { header: c.iin, width: 15, value: (r) => r.iin },
    { header: c.group, width: 14, value: (r) => r.groupName },
    { header: c.exam, width: 36, value: (r) => r.examName },
    { header: c.discipline, width: 24, value: (r) => r.disciplineName },
    { header: c.status, width: 14, value: (r) => t.status[r.status] },
    { header: c.start, width: 20, numFmt: EXCEL_DATE_TIME_FORMAT, value: (r) => time(r.startedAt, r.timeZone) },
    { header: c.end, width: 20, numFmt: EXCEL_DATE_TIME_FORMAT, value: (r) => time(r.endedAt, r.timeZone) },
    { header: c.timeZone, width: 14, value: (r) => r.timeZone },
    { header: c.honesty, width: 11, value: (r) => r.honesty },
    { header: c.decision, width: 16, value: (r) => t.decision[r.decision] },
    { header: c.review, width: 16, value: (r) => t.review[r.reviewStatus] },
    { header: c.archived, width: 10, value: (r) => (r.archived ? t.yes : t.no) },
    { header: c.violationsTotal, width: 12, value: (r) => r.violationsTotal },
    // Per type, a blank cell for none (as a printed table leaves it): most sessions have a
    // few types only, and a cell not written is the cheapest part of a 100 000-row file.
    // SUM and filters treat blanks as zero; the total column always has its number.
    ...VIOLATION_TYPES.map((type, k): Column => ({ header: t.violation[type], width: 13, value: (r) => r.violationCounts[k] || null })),
    { header: c.attempts, width: 10, value: (r) => r.attempts },
    { header: c.reconnects, width: 14, value: (r) => r.reconnects },
    { header: c.cameraRecording, width: 13, numFmt: EXCEL_DURATION_FORMAT, value: (r) => duration(r.cameraMs) },
    { header: c.screenRecording, width: 13, numFmt: EXCEL_DURATION_FORMAT, value: (r) => duration(r.screenMs) },
    { header: c.microphoneRecording, width: 13, numFmt: EXCEL_DURATION_FORMAT, value: (r) => duration(r.microphoneMs) },
    { header: c.sessionId, width: 38, value: (r) => r.sessionId },
  ];
}

/**
 * exceljs's sheet stream writes into the zip's compressor without heeding its return
 * value, so nothing slows the producer down: the XML would queue in the compressor's
 * write buffer. Waiting for that buffer to drain is the missing backpressure. The stream
 * and its pipe list are exceljs internals (StreamBuf); if they are ever absent this
 * degrades to no waiting rather than failing.
 */
async function compressorCaughtUp(sheet: ExcelJS.Worksheet): Promise<void> {
  type LegacyWritable = Writable & { _writableState?: { needDrain?: boolean } };
  const stream = (sheet as unknown as { stream?: { pipes?: LegacyWritable[] } }).stream;
  const compressor = stream?.pipes?.[0];
  // archiver's streams come from readable-stream 2, which predates `writableNeedDrain`.
  while (compressor && (compressor.writableNeedDrain ?? compressor._writableState?.needDrain)) await once(compressor, 'drain');
}

export interface WriteExamReportOptions {
  db: Db;
  /** Whose report: a proctor's covers only the exams assigned to them. */
  viewer: StatisticsViewer;
  /** The statistics page's filters: the file covers exactly the sessions the page counts. */
  filters: StatisticsFilters;
  locale: Locale;
  /** Absolute path of the .xlsx to create; written under a temporary name, then renamed. */
  file: string;
  /** Rows per database round trip (and per progress call). Default 2000. */
  batchSize?: number;
  /** Before the first row, with the number of rows the file will have. */
  onStart?: (totalRows: number) => Promise<void> | void;
  /** After every batch, with the number of rows written so far. */
  onProgress?: (rows: number) => Promise<void> | void;
}

export interface WrittenReport {
  rows: number;
  bytes: number;
}

export async function writeExamReport(opts: WriteExamReportOptions): Promise<WrittenReport> {
  const t = reportTexts(opts.locale);
  const cols = columns(t);
  const tmp = path.join(path.dirname(opts.file), `.${path.basename(opts.file)}.${process.pid}.tmp`);
  const output = createWriteStream(tmp);
  const zipped = new PassThrough();
  zipped.pipe(output);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: zipped,
    useStyles: true,
    useSharedStrings: false,
    // Level 1: most of the size win of deflate at a fraction of the CPU of the default 6.
    zip: { zlib: { level: 1 } },
  } as Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions>);
  workbook.creator = 'Proctor';
  workbook.title = t.examReport.title;
  const sheet = workbook.addWorksheet(t.examReport.sheet, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }],
  });
  sheet.columns = cols.map((c) => ({ width: c.width }));
  // One style object per column, shared by all its cells: exceljs caches a style's id by
  // object identity, so it serialises each style once instead of once per cell.
  const styles = cols.map((c): Partial<ExcelJS.Style> => (c.numFmt ? { numFmt: c.numFmt } : {}));

  let rows = 0;
  try {
    const header = sheet.addRow(cols.map((c) => c.header));
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
    header.height = 32;
    header.commit();

    for await (const batch of streamExamReportRows(opts.db, opts.viewer, opts.filters, {
      batchSize: opts.batchSize,
      onTotal: opts.onStart,
    })) {
      for (const row of batch) {
        rows++;
        const line = sheet.addRow(cols.map((c) => c.value(row, rows)));
        line.eachCell({ includeEmpty: true }, (cell, col) => {
          cell.style = styles[col - 1]!;
        });
        line.commit();
      }
      // Backpressure: let the compressor and the disk catch up before the next batch.
      await compressorCaughtUp(sheet);
      if (output.writableNeedDrain) await once(output, 'drain');
      await opts.onProgress?.(rows);
    }
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows + 1, column: cols.length } };
    sheet.commit();
    await workbook.commit();
    if (!output.writableFinished) await once(output, 'finish');
    await rename(tmp, opts.file);
  } catch (error) {
    output.destroy();
    await unlink(tmp).catch(() => {});
    throw error;
  }
  return { rows, bytes: (await stat(opts.file)).size };
}
