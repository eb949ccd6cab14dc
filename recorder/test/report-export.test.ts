/**
 * The report-export job end to end: a report_exports row, the job through BullMQ on a real
 * Redis (own prefix), the .xlsx written to disk and read back with exceljs: row count,
 * headers in the chosen language, dates as real Excel dates in the exam's zone, Cyrillic
 * and Kazakh letters intact, per-type counts, attempts and recording durations. Also the
 * requester's scope and a row whose filters are invalid. And the grade sheet: xlsx read
 * back, PDF through pdftotext listing the candidates in order.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, test } from 'vitest';
import ExcelJS from 'exceljs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  VIOLATION_TYPES,
  createReportExport,
  getGradeSheetHeader,
  getReportExport,
  listGradeSheetRows,
  type ReportExport,
} from '@proctor/db';
import { type TestDatabase, createTestDatabase } from '@proctor/db/testing';
import { startJobWorkers, type JobWorkers } from '../src/jobs/worker.ts';
import { QUEUES, reportExportJobId } from '../src/jobs/types.ts';
import { closePdfBrowser, renderPdf } from '../src/pdf/render-pdf.ts';
import { createJobQueue, type JobQueue } from '../src/queue.ts';
import { gradeSheetHtml } from '../src/reports/grade-sheet-html.ts';
import { gradeSheetXlsx } from '../src/reports/grade-sheet-xlsx.ts';
import { REPORT_TEXTS } from '../src/reports/report-texts.ts';
import { resolveReportPath } from '../src/reports/reports-dir.ts';
import { type ExportFixture, FIXTURE_DAY, seedExportFixture } from './export-fixture.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = promisify(execFile);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Excel keeps dates as day numbers; exceljs gives them back as Dates whose UTC fields are the wall clock. */
const utcWall = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

async function waitSettled(db: TestDatabase['db'], id: string): Promise<ReportExport> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = await getReportExport(db, id);
    if (row && (row.status === 'done' || row.status === 'failed')) return row;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${row?.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readSheet(file: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  assert.ok(sheet, 'the workbook has a sheet');
  return sheet;
}

/**
 * Seconds of a duration cell. Its [h]:mm:ss format makes exceljs read it back as a Date
 * counted from Excel's day 0 (1899-12-30).
 */
function durationSeconds(value: ExcelJS.CellValue): number {
  assert.ok(value instanceof Date, 'a duration cell');
  return Math.round((value.getTime() - Date.UTC(1899, 11, 30)) / 1000);
}

const rowValues = (sheet: ExcelJS.Worksheet, n: number) => (sheet.getRow(n).values as ExcelJS.CellValue[]).slice(1);

describe('report export job', () => {
  let t: TestDatabase;
  let fx: ExportFixture;
  let reportsDir: string;
  let queue: JobQueue;
  let workers: JobWorkers;
  const prefix = `test-export-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    fx = await seedExportFixture(t.db);
    reportsDir = await mkdtemp(path.join(os.tmpdir(), 'reports-'));
    queue = createJobQueue({ redisUrl: REDIS_URL, namespace: prefix, logger });
    workers = await startJobWorkers({ db: t.db, queue, recordingsDir: reportsDir, reportsDir, logger, requeueStopped: false });
  });
  afterAll(async () => {
    await workers?.close();
    await queue?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await closePdfBrowser();
    await t?.drop();
    await rm(reportsDir, { recursive: true, force: true });
  });

  async function runExport(requestedBy: string, filters: Record<string, unknown>, locale: 'kk' | 'ru' | 'en') {
    const id = await createReportExport(t.db, { kind: 'exam_report', requestedBy, filters, locale });
    await queue.add(QUEUES.reportExport, { exportId: id }, { jobId: reportExportJobId(id), attempts: 1 });
    return waitSettled(t.db, id);
  }

  test('an admin exports a day of an exam in Russian: every row, localised headers, real dates', async () => {
    const row = await runExport(fx.adminId, { from: FIXTURE_DAY, to: FIXTURE_DAY, examIds: [fx.exams.e1] }, 'ru');
    assert.equal(row.status, 'done', row.error ?? '');
    assert.equal(row.totalRows, 5);
    assert.equal(row.progressRows, 5);
    assert.equal(row.filePath, `exports/${row.id}.xlsx`);
    const file = resolveReportPath(reportsDir, row.filePath!);
    assert.equal(row.bytes, (await readFile(file)).length);

    const sheet = await readSheet(file);
    assert.equal(sheet.name, REPORT_TEXTS.ru.examReport.sheet);
    assert.equal(sheet.actualRowCount, 1 + 5, 'header + one row per session');
    const header = rowValues(sheet, 1);
    const ru = REPORT_TEXTS.ru.examReport.columns;
    assert.deepEqual(header.slice(0, 9), [ru.number, ru.candidate, ru.iin, ru.group, ru.exam, ru.discipline, ru.status, ru.start, ru.end]);
    for (const type of VIOLATION_TYPES) assert.ok(header.includes(REPORT_TEXTS.ru.violation[type]), `a column for ${type}`);
    const view = sheet.views[0] as ExcelJS.WorksheetViewFrozen;
    assert.equal(view.state, 'frozen');
    assert.equal(view.ySplit, 1, 'the header row is frozen');
    assert.ok(sheet.autoFilter, 'filters are on');
    assert.ok((sheet.getColumn(2).width ?? 0) > 20, 'the name column is widened');

    // Rows in start order; names, IINs and times exactly as stored, in the exam's zone (UTC+5).
    const col = (name: string) => header.indexOf(name);
    fx.e1Started.forEach((expected, i) => {
      const values = rowValues(sheet, 2 + i);
      assert.equal(values[col(ru.number)], i + 1);
      assert.equal(values[col(ru.candidate)], expected.name);
      assert.equal(values[col(ru.iin)], expected.iin);
      const start = values[col(ru.start)];
      assert.ok(start instanceof Date, `start of row ${i + 1} is an Excel date`);
      assert.equal(utcWall(start), utcWall(new Date(expected.startedAt.getTime() + 5 * 3_600_000)));
      assert.equal(values[col(ru.honesty)] ?? null, expected.honesty);
      assert.equal(values[col(ru.sessionId)], expected.sessionId);
    });
    assert.equal(utcWall(rowValues(sheet, 2)[col(ru.start)] as Date), '2025-03-01 00:30:00', 'a 19:30 UTC start is 00:30 local');
    assert.equal(sheet.getRow(2).getCell(col(ru.start) + 1).numFmt, 'dd.mm.yyyy hh:mm:ss');

    // The session with violations, two attempts and recordings.
    const rich = rowValues(sheet, 2 + fx.e1Started.findIndex((s) => s.sessionId === fx.richSessionId));
    assert.equal(rich[col(ru.status)], 'Завершён');
    assert.equal(rich[col(ru.decision)], 'Засчитан');
    assert.equal(rich[col(ru.review)], 'Просмотрено');
    assert.equal(rich[col(ru.violationsTotal)], 7);
    assert.equal(rich[col(REPORT_TEXTS.ru.violation.focus_lost)], 3);
    assert.equal(rich[col(REPORT_TEXTS.ru.violation.copy)], 2);
    assert.equal(rich[col(REPORT_TEXTS.ru.violation.no_face)], 1);
    assert.equal(rich[col(REPORT_TEXTS.ru.violation.network_lost)], 1);
    assert.equal(rich[col(REPORT_TEXTS.ru.violation.paste)] ?? null, null, 'a type with none is a blank cell');
    assert.equal(rich[col(ru.attempts)], 2);
    assert.equal(rich[col(ru.reconnects)], 1);
    // 20:00 + 19:15 of camera = 39:15, as a fraction of a day formatted [h]:mm:ss.
    assert.equal(durationSeconds(rich[col(ru.cameraRecording)]), 39 * 60 + 15);
    assert.equal(durationSeconds(rich[col(ru.screenRecording)]), 20 * 60);
    assert.equal(rich[col(ru.microphoneRecording)] ?? null, null);
  });

  test('Kazakh headers and values; a proctor gets only the exams assigned to them', async () => {
    // No exam filter: proctor B is assigned only to e2, whose one session is on 2 March.
    const row = await runExport(fx.proctorBId, { from: '2025-02-01', to: '2025-03-31' }, 'kk');
    assert.equal(row.status, 'done', row.error ?? '');
    assert.equal(row.totalRows, 1);
    const sheet = await readSheet(resolveReportPath(reportsDir, row.filePath!));
    const header = rowValues(sheet, 1);
    assert.equal(header[1], 'Тапсырушы');
    assert.ok(header.includes('Адалдық, %'));
    assert.equal(sheet.actualRowCount, 2);
    const values = rowValues(sheet, 2);
    assert.equal(values[header.indexOf('Емтихан атауы')], 'Экология: итоговый экзамен');
    assert.equal(values[header.indexOf('Күйі')], 'Аяқталды');

    const a = await runExport(fx.proctorAId, { from: '2025-02-01', to: '2025-03-31' }, 'en');
    assert.equal(a.totalRows, 5, 'proctor A sees e1 only');
  });

  test('an empty selection still gives a valid file with the header row', async () => {
    const row = await runExport(fx.adminId, { from: '2020-01-01', to: '2020-01-31' }, 'en');
    assert.equal(row.status, 'done');
    assert.equal(row.totalRows, 0);
    const sheet = await readSheet(resolveReportPath(reportsDir, row.filePath!));
    assert.equal(sheet.actualRowCount, 1);
    assert.equal(rowValues(sheet, 1)[1], 'Candidate');
  });

  test('stored filters the job cannot trust fail the export with a reason, no file', async () => {
    const row = await runExport(fx.adminId, { from: FIXTURE_DAY, to: FIXTURE_DAY, examIds: ["1' OR '1'='1"] }, 'en');
    assert.equal(row.status, 'failed');
    assert.match(row.error ?? '', /stored filters are invalid/);
    assert.equal(row.filePath, null);
  });

  test('grade sheet: xlsx read back and PDF text list the candidates in order', async () => {
    const header = await getGradeSheetHeader(t.db, fx.exams.e1, fx.groupIds.is);
    assert.ok(header);
    const rows = await listGradeSheetRows(t.db, fx.exams.e1, fx.groupIds.is);
    assert.deepEqual(rows.map((r) => r.candidateName), fx.e1IsGroupNames);

    const workbook = new ExcelJS.Workbook();
    // exceljs's typings predate Node's generic Buffer; the bytes are what it reads.
    await workbook.xlsx.load((await gradeSheetXlsx({ header, rows }, 'kk')) as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    const texts = REPORT_TEXTS.kk.gradeSheet;
    let headRow = 0;
    sheet.eachRow((row, n) => {
      if (row.getCell(1).value === texts.columns.number) headRow = n;
    });
    assert.ok(headRow > 0, 'the column titles are in Kazakh');
    assert.deepEqual(rowValues(sheet, headRow), Object.values(texts.columns));
    const names = fx.e1IsGroupNames.map((_, i) => sheet.getRow(headRow + 1 + i).getCell(2).value);
    assert.deepEqual(names, fx.e1IsGroupNames);
    const first = sheet.getRow(headRow + 1);
    assert.equal(first.getCell(1).value, 1);
    assert.ok(first.getCell(5).value instanceof Date, 'start is an Excel date');
    assert.equal(first.getCell(8).value, REPORT_TEXTS.kk.decision.admitted);

    const pdf = await renderPdf(gradeSheetHtml({ header, rows }, 'kk', new Date('2025-03-02T06:00:00Z')));
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'grade-sheet-'));
    try {
      await writeFile(path.join(dir, 'sheet.pdf'), pdf);
      // Layout mode keeps each page's lines in print order; a long name may wrap inside its
      // cell, so the order is checked on the surname, the first line of every name.
      const { stdout } = await run('pdftotext', ['-layout', path.join(dir, 'sheet.pdf'), '-']);
      assert.ok(stdout.includes(texts.title), 'the Kazakh title prints (ә, қ, ө … survive)');
      assert.match(stdout, /ИС-22-1/);
      let from = 0;
      for (const name of fx.e1IsGroupNames) {
        const surname = name.split(' ')[0]!;
        const at = stdout.indexOf(surname, from);
        assert.ok(at >= 0, `${name} listed after the previous candidate`);
        from = at + surname.length;
      }
      assert.ok(stdout.includes('Әбдіқадыров Нұрсұлтан'), 'a name that fits prints whole');
      assert.ok(stdout.includes('Үсенова') === false, 'another group is not on the sheet');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
