/**
 * Report downloads through the HTTP API with real sign-in, a real Redis queue and the job
 * worker: the detailed exam report started, polled and downloaded (read back with exceljs,
 * same count as the statistics page), the grade sheet as xlsx and PDF, who may see what
 * (a proctor only their exams and their own exports, an admin all), the audit entries, and
 * bad input (each a clear 4xx that creates nothing).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import ExcelJS from 'exceljs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { closePdfBrowser, createJobQueue, startJobWorkers, type JobQueue, type JobWorkers } from '@proctor/recorder';
import { buildApp } from '../src/http/app.ts';
import { AuthService, hashPassword } from '../src/services/auth.service.ts';
import { exportResponse, gradeSheetUrl, type ExportView } from '../src/contract/api/exports.ts';
import { statisticsOverview, statisticsSearchParams } from '../src/contract/api/statistics.ts';
import { ORIGIN, PUBLIC_URL, login } from './auth-harness.ts';
import { FIXTURE_DAY, seedExportFixture, type ExportFixture } from '../../recorder/test/export-fixture.ts';

const PASSWORD = 'export-test-2026';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('report exports API', () => {
  let t: TestDatabase;
  let fx: ExportFixture;
  let app: FastifyInstance;
  let queue: JobQueue;
  let workers: JobWorkers;
  let reportsDir: string;
  const prefix = `test-exports-api-${randomBytes(4).toString('hex')}`;
  const cookie = { admin: '', a: '', b: '' };

  beforeAll(async () => {
    t = await createTestDatabase();
    fx = await seedExportFixture(t.db, { passwordHash: await hashPassword(PASSWORD) });
    reportsDir = await mkdtemp(path.join(os.tmpdir(), 'exports-api-'));
    const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    queue = createJobQueue({ redisUrl: REDIS_URL, namespace: prefix, logger: log });
    workers = await startJobWorkers({ db: t.db, queue, recordingsDir: reportsDir, reportsDir, logger: log, requeueStopped: false });
    const auth = new AuthService({ db: t.db, mailer: { send: async () => undefined }, publicUrl: PUBLIC_URL, log });
    app = await buildApp({ log, db: t.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, jobQueue: queue, reportsDir });
    cookie.admin = await login(app, 'admin@export.test', PASSWORD);
    cookie.a = await login(app, 'a@export.test', PASSWORD);
    cookie.b = await login(app, 'b@export.test', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
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

  const get = (url: string, who?: string) => app.inject({ method: 'GET', url, headers: who ? { cookie: who } : {} });
  const post = (body: unknown, who?: string) =>
    app.inject({ method: 'POST', url: '/api/exports', headers: { origin: ORIGIN, ...(who ? { cookie: who } : {}) }, payload: body as object });
  const errorOf = (res: LightMyRequestResponse) => [res.statusCode, (res.json() as { error: { code: string } }).error.code];
  const exportCount = async () => Number((await t.db.selectFrom('reportExports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const actions = async (action: string) => t.db.selectFrom('actionLog').selectAll().where('action', '=', action).execute();

  async function untilSettled(id: string, who: string): Promise<ExportView> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await get(`/api/exports/${id}`, who);
      assert.equal(res.statusCode, 200, res.body);
      const view = exportResponse.parse(res.json()).export;
      if (view.status === 'done' || view.status === 'failed') return view;
      if (Date.now() > deadline) throw new Error(`export still ${view.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('requires a signed-in proctor or admin', async () => {
    for (const res of [
      await post({ locale: 'ru', filters: { from: FIXTURE_DAY, to: FIXTURE_DAY } }),
      await get(`/api/exports/${randomUUID()}`),
      await get(`/api/exports/${randomUUID()}/file`),
      await get(gradeSheetUrl({ examId: fx.exams.e1, format: 'xlsx', locale: 'ru' })),
    ]) {
      assert.deepEqual(errorOf(res), [401, 'unauthenticated']);
    }
  });

  it('a proctor exports their exam: progress, then a file with as many rows as the statistics page counts', async () => {
    const filters = { from: FIXTURE_DAY, to: FIXTURE_DAY, examId: [fx.exams.e1] };
    const created = await post({ locale: 'ru', filters }, cookie.a);
    assert.equal(created.statusCode, 202, created.body);
    const { export: started } = exportResponse.parse(created.json());
    assert.ok(['queued', 'running', 'done'].includes(started.status));

    const done = await untilSettled(started.id, cookie.a);
    assert.equal(done.status, 'done');
    assert.equal(done.totalRows, 5);
    assert.equal(done.progressRows, 5);

    const overview = await get(`/api/statistics/overview?${statisticsSearchParams(filters)}`, cookie.a);
    assert.equal(overview.statusCode, 200, overview.body);
    assert.equal(statisticsOverview.parse(overview.json()).totals.sessions, done.totalRows, 'the page and the file count the same sessions');

    const file = await get(`/api/exports/${started.id}/file`, cookie.a);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(file.headers['content-disposition']), /^attachment; filename="exam-report_2025-03-01_2025-03-01\.xlsx"/);
    assert.equal(file.rawPayload.length, done.bytes);
    const workbook = new ExcelJS.Workbook();
    // exceljs's typings predate Node's generic Buffer; the bytes are what it reads.
    await workbook.xlsx.load(file.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    assert.equal(sheet.actualRowCount, 1 + 5);
    assert.equal(sheet.getRow(1).getCell(2).value, 'Кандидат');
    assert.deepEqual(
      fx.e1Started.map((_, i) => sheet.getRow(2 + i).getCell(2).value),
      fx.e1Started.map((s) => s.name),
    );

    const downloaded = await actions('report.downloaded');
    assert.equal(downloaded.length, 1);
    assert.equal(downloaded[0]!.actorUserId, fx.proctorAId);
    assert.equal(downloaded[0]!.details.exportId, started.id);

    // Another proctor may neither watch nor download it; an admin may.
    assert.deepEqual(errorOf(await get(`/api/exports/${started.id}`, cookie.b)), [403, 'forbidden']);
    assert.deepEqual(errorOf(await get(`/api/exports/${started.id}/file`, cookie.b)), [403, 'forbidden']);
    assert.equal((await get(`/api/exports/${started.id}/file`, cookie.admin)).statusCode, 200);
    assert.equal((await actions('report.downloaded')).length, 2);
  });

  it("a proctor's export without an exam filter covers only their exams; an admin's all", async () => {
    const range = { from: '2025-02-01', to: '2025-03-31' };
    const b = exportResponse.parse((await post({ locale: 'kk', filters: range }, cookie.b)).json()).export;
    assert.equal((await untilSettled(b.id, cookie.b)).totalRows, 1);
    const admin = exportResponse.parse((await post({ locale: 'en', filters: range }, cookie.admin)).json()).export;
    assert.equal((await untilSettled(admin.id, cookie.admin)).totalRows, 6);
  });

  it('refuses bad filters with a clear error and creates nothing', async () => {
    const before = await exportCount();
    const cases: [unknown, number, string][] = [
      [{ locale: 'ru', filters: { from: '2025-03-02', to: '2025-03-01' } }, 400, 'date_range_inverted'],
      [{ locale: 'ru', filters: { from: '2023-01-01', to: '2025-03-01' } }, 400, 'date_range_too_long'],
      [{ locale: 'ru', filters: { from: '2025-02-30', to: '2025-03-01' } }, 400, 'bad_request'],
      [{ locale: 'ru', filters: { from: FIXTURE_DAY, to: FIXTURE_DAY, examId: ["1' OR '1'='1"] } }, 400, 'bad_request'],
      [{ locale: 'ru', filters: { from: FIXTURE_DAY, to: FIXTURE_DAY, status: 'finished' } }, 400, 'bad_request'],
      [{ locale: 'de', filters: { from: FIXTURE_DAY, to: FIXTURE_DAY } }, 400, 'bad_request'],
      [{ locale: 'ru', filters: { from: FIXTURE_DAY, to: FIXTURE_DAY }, file: '../../etc/passwd' }, 400, 'bad_request'],
      [{ locale: 'ru' }, 400, 'bad_request'],
      [{ locale: 'ru', filters: { from: FIXTURE_DAY, to: FIXTURE_DAY, examId: [fx.exams.e2] } }, 403, 'forbidden'],
    ];
    for (const [body, status, code] of cases) {
      assert.deepEqual(errorOf(await post(body, cookie.a)), [status, code], JSON.stringify(body));
    }
    assert.deepEqual(errorOf(await get('/api/exports/..%2F..%2Fetc', cookie.a)), [400, 'bad_request']);
    assert.deepEqual(errorOf(await get(`/api/exports/${randomUUID()}`, cookie.admin)), [404, 'not_found']);
    assert.deepEqual(errorOf(await get(`/api/exports/${randomUUID()}/file`, cookie.admin)), [404, 'not_found']);
    assert.equal(await exportCount(), before);
  });

  it('grade sheet: xlsx and PDF for an exam the user may see; others refused', async () => {
    const xlsx = await get(gradeSheetUrl({ examId: fx.exams.e1, groupId: fx.groupIds.is, format: 'xlsx', locale: 'kk' }), cookie.a);
    assert.equal(xlsx.statusCode, 200, xlsx.body);
    assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(xlsx.headers['content-disposition']), /filename\*=UTF-8''%D0%92%D0%B5%D0%B4%D0%BE%D0%BC%D0%BE%D1%81%D1%82%D1%8C_/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const names: unknown[] = [];
    workbook.worksheets[0]!.eachRow((row) => {
      if (typeof row.getCell(1).value === 'number') names.push(row.getCell(2).value);
    });
    assert.deepEqual(names, fx.e1IsGroupNames);

    const pdf = await get(gradeSheetUrl({ examId: fx.exams.e1, format: 'pdf', locale: 'ru' }), cookie.admin);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

    const logged = await actions('report.grade_sheet_downloaded');
    assert.deepEqual(logged.map((a) => [a.actorUserId, a.details.format]), [[fx.proctorAId, 'xlsx'], [fx.adminId, 'pdf']]);

    assert.deepEqual(errorOf(await get(gradeSheetUrl({ examId: fx.exams.e2, format: 'xlsx', locale: 'ru' }), cookie.a)), [403, 'forbidden']);
    assert.deepEqual(errorOf(await get(gradeSheetUrl({ examId: randomUUID(), format: 'xlsx', locale: 'ru' }), cookie.admin)), [404, 'not_found']);
    assert.deepEqual(
      errorOf(await get(gradeSheetUrl({ examId: fx.exams.e1, groupId: randomUUID(), format: 'xlsx', locale: 'ru' }), cookie.admin)),
      [404, 'not_found'],
    );
    assert.deepEqual(errorOf(await get(`/api/grade-sheet?examId=${fx.exams.e1}&format=docx&locale=ru`, cookie.admin)), [400, 'bad_request']);
    assert.deepEqual(errorOf(await get(`/api/grade-sheet?examId=../../etc/passwd&format=pdf&locale=ru`, cookie.admin)), [400, 'bad_request']);
    assert.equal((await actions('report.grade_sheet_downloaded')).length, 2, 'refused requests log nothing');
  });
});
