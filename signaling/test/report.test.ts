/**
 * The detailed report API through buildApp with real sign-in, a real database and real
 * WebM files (tests/support/review-fixture.ts): the report's content, recording streaming
 * with Range, access rules, path safety, downloads and views in the audit log, and a
 * recording whose file is gone.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  assignProctor,
  createExam,
  ensureDiscipline,
  getResultRow,
  listActionsForSession,
  makeIin,
  setUserPasswordHash,
  upsertUserByEmail,
} from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { buildTestApp } from './support/test-app.ts';
import { hashPassword } from '../src/services/auth.service.ts';
import { sessionReport } from '../src/contract/api/report.ts';
import { seedReviewSession, type ReviewSession } from '../../tests/support/review-fixture.ts';
import { ORIGIN, login } from './auth-harness.ts';

const PASSWORD = 'report-test-2026';

describe('detailed report API', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let dir: string;
  let review: ReviewSession;
  const cookie = { proctor: '', other: '', admin: '' };

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-report-'));
    review = await seedReviewSession(t.db, dir);
    const hash = await hashPassword(PASSWORD);
    await setUserPasswordHash(t.db, review.proctorUserId, hash);
    await setUserPasswordHash(t.db, review.adminUserId, hash);
    // A proctor of another exam only.
    const otherId = await upsertUserByEmail(t.db, {
      email: 'other@report.test',
      fullName: 'Смирнова Ольга',
      role: 'proctor',
      passwordHash: hash,
      iin: makeIin(new Date('1991-02-03'), 'female', 7),
    });
    const disciplineId = await ensureDiscipline(t.db, 'Тарих');
    const otherExam = await createExam(t.db, {
      name: 'Қазақстан тарихы',
      disciplineId,
      startsAt: new Date('2025-03-01T08:00:00Z'),
      endsAt: new Date('2025-03-01T12:00:00Z'),
    });
    await assignProctor(t.db, otherExam, otherId);

    app = await buildTestApp(t.db, { recordingsDir: dir });
    cookie.proctor = await login(app, 'proctor@demo.proctor.local', PASSWORD);
    cookie.admin = await login(app, 'admin@demo.proctor.local', PASSWORD);
    cookie.other = await login(app, 'other@report.test', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, who: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    app.inject({ method: 'GET', url, headers: { ...(who ? { cookie: who } : {}), ...headers } });
  const camera1 = () => review.attempts[0]!.recordings.camera;

  it('reports attempts with their recordings, violations in time order, and the honesty arithmetic', async () => {
    const res = await get(`/api/sessions/${review.sessionId}/report`, cookie.proctor);
    assert.equal(res.statusCode, 200, res.body);
    const report = sessionReport.parse(res.json());
    assert.deepEqual(report.attempts.map((a) => a.number), [1, 2]);
    for (const attempt of report.attempts) {
      assert.deepEqual(attempt.recordings.map((r) => r.source).sort(), ['camera', 'microphone', 'screen']);
      assert.ok(attempt.recordings.every((r) => r.available && r.problem === null));
    }
    assert.deepEqual(report.violations.map((v) => v.id), review.violations.map((v) => v.id));
    assert.deepEqual(report.violations.map((v) => v.attemptNumber), review.violations.map((v) => v.attemptNumber));
    assert.ok(report.honesty, 'a finished session has a breakdown');
    assert.deepEqual(new Set(report.honesty.lines.map((l) => l.type)), new Set(review.violations.map((v) => v.type)));
    const deducted = report.honesty.lines.reduce((sum, l) => sum + l.deduction, 0);
    const expected = Math.min(100, Math.max(0, 100 - deducted));
    assert.ok(Math.abs(expected - report.honesty.honesty) <= 1, `honesty ${report.honesty.honesty} = clamp(100 − ${deducted})`);
    const exam = await t.db.selectFrom('exams').select('honestyThreshold').where('id', '=', report.session.examId).executeTakeFirstOrThrow();
    assert.equal(report.honesty.threshold, exam.honestyThreshold, "the exam's verdict line comes with the arithmetic");
  });

  it('answers Range: bytes=1000-1999 with 206 and exactly those 1 000 bytes of the file', async () => {
    const res = await get(`/api/recordings/${camera1().id}`, cookie.proctor, { range: 'bytes=1000-1999' });
    assert.equal(res.statusCode, 206);
    assert.equal(res.rawPayload.length, 1000);
    const file = await fs.readFile(camera1().file);
    assert.ok(res.rawPayload.equals(file.subarray(1000, 2000)));
    assert.equal(res.headers['content-range'], `bytes 1000-1999/${file.length}`);
    assert.equal(res.headers['accept-ranges'], 'bytes');
    assert.equal(res.headers['content-type'], 'video/webm');
    assert.equal(Number(res.headers['content-length']), 1000);
  });

  it('serves the whole file without Range, audio as audio/webm, and 416 past the end', async () => {
    const mic = review.attempts[1]!.recordings.microphone;
    const whole = await get(`/api/recordings/${mic.id}`, cookie.admin);
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers['content-type'], 'audio/webm');
    assert.ok(whole.rawPayload.equals(await fs.readFile(mic.file)));
    const past = await get(`/api/recordings/${mic.id}`, cookie.admin, { range: `bytes=${mic.bytes}-` });
    assert.equal(past.statusCode, 416);
    assert.equal(past.headers['content-range'], `bytes */${mic.bytes}`);
  });

  it('refuses a proctor of another exam and a forged id alike (404), and anyone signed out (401)', async () => {
    assert.equal((await get(`/api/recordings/${camera1().id}`, cookie.other, { range: 'bytes=0-99' })).statusCode, 404);
    assert.equal((await get(`/api/sessions/${review.sessionId}/report`, cookie.other)).statusCode, 404);
    const forged = '0b7c3f4e-9a0d-4c8e-8d6f-2f4b1e0a9c31';
    assert.equal((await get(`/api/recordings/${forged}`, cookie.proctor)).statusCode, 404);
    assert.equal((await get(`/api/sessions/${forged}/report`, cookie.proctor)).statusCode, 404);
    assert.equal((await get(`/api/recordings/${camera1().id}`, '')).statusCode, 401);
    const view = await app.inject({ method: 'POST', url: `/api/sessions/${review.sessionId}/viewed`, headers: { cookie: cookie.other, origin: ORIGIN } });
    assert.equal(view.statusCode, 404);
  });

  it('answers 400 to `../` in any parameter', async () => {
    const id = camera1().id;
    for (const url of [
      '/api/recordings/..%2F..%2Fetc%2Fpasswd',
      '/api/recordings/../../etc/passwd',
      `/api/recordings/${id}?download=..%2F..%2Fetc%2Fpasswd`,
      `/api/recordings/${id}?path=../../etc/passwd`,
      `/api/recordings/${id}%2F..%2F..`,
      '/api/sessions/..%2F..%2Fetc/report',
    ]) {
      const res = await get(url, cookie.admin);
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${url}: ${res.statusCode}`);
      if (url.includes('%2F') || url.includes('?')) assert.equal(res.statusCode, 400, url);
      assert.notEqual(res.headers['content-type'], 'video/webm', url);
    }
  });

  it('offers a download as an attachment and logs it once', async () => {
    const screen = review.attempts[1]!.recordings.screen;
    const res = await get(`/api/recordings/${screen.id}?download=1`, cookie.proctor);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="attempt-2-screen\.webm"/);
    assert.equal(res.rawPayload.length, screen.bytes);
    // Playback (no download=1) is not a download.
    await get(`/api/recordings/${screen.id}`, cookie.proctor, { range: 'bytes=0-' });
    const downloads = (await listActionsForSession(t.db, review.sessionId)).filter((a) => a.action === 'recording.downloaded');
    assert.equal(downloads.length, 1);
    assert.deepEqual(downloads[0]!.details, { recordingId: screen.id, source: 'screen', attemptNumber: 2 });
    assert.equal(downloads[0]!.actorName, 'Нұрланова Айгүл Бекқызы');
  });

  it('logs a view on POST …/viewed (not on GET) and marks the session viewed', async () => {
    assert.equal((await getResultRow(t.db, review.sessionId))?.reviewStatus, 'not_viewed');
    const res = await app.inject({ method: 'POST', url: `/api/sessions/${review.sessionId}/viewed`, headers: { cookie: cookie.proctor, origin: ORIGIN } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().row.reviewStatus, 'viewed');
    const report = sessionReport.parse((await get(`/api/sessions/${review.sessionId}/report`, cookie.proctor)).json());
    const views = report.actions.filter((a) => a.action === 'session.viewed');
    assert.equal(views.length, 1, 'reading the report is not a view');
    assert.equal(views[0]!.actorName, 'Нұрланова Айгүл Бекқызы');
    assert.match(views[0]!.actorIin ?? '', /^\d{12}$/);
    assert.equal(report.actions[0]!.action, 'session.viewed', 'newest first');
  });

  it('says which track is missing when its file is gone, and still reports the rest', async () => {
    const screen2 = review.attempts[1]!.recordings.screen;
    await fs.rm(screen2.file);
    const report = sessionReport.parse((await get(`/api/sessions/${review.sessionId}/report`, cookie.proctor)).json());
    const tracks = report.attempts.flatMap((a) => a.recordings.map((r) => ({ ...r, attempt: a.number })));
    const missing = tracks.filter((r) => !r.available);
    assert.deepEqual(missing.map((r) => [r.attempt, r.source, r.problem]), [[2, 'screen', 'file_missing']]);
    assert.equal(report.violations.length, review.violations.length);
    const res = await get(`/api/recordings/${screen2.id}`, cookie.proctor);
    assert.equal(res.statusCode, 404);
    assert.match(res.json().error.message, /screen recording file is missing/);
  });

  it('says honestly that a track recorded as an RTP dump is still being prepared, and does not serve the dump', async () => {
    const mic = review.attempts[0]!.recordings.microphone;
    const row = await t.db.selectFrom('recordings').select(['path', 'status']).where('id', '=', mic.id).executeTakeFirstOrThrow();
    const dumpPath = row.path.replace(/\.webm$/, '.rtpdump');
    await fs.writeFile(path.join(dir, dumpPath), 'PRD1 dump bytes');
    const describeMic = async () => {
      const report = sessionReport.parse((await get(`/api/sessions/${review.sessionId}/report`, cookie.proctor)).json());
      return report.attempts[0]!.recordings.find((r) => r.id === mic.id)!;
    };
    try {
      await t.db.updateTable('recordings').set({ path: dumpPath, status: 'stopped' }).where('id', '=', mic.id).execute();
      const waiting = await describeMic();
      assert.equal(waiting.available, false, 'no player for a dump');
      assert.equal(waiting.problem, 'preparing');
      const res = await get(`/api/recordings/${mic.id}`, cookie.proctor);
      assert.equal(res.statusCode, 409);
      assert.match(res.json().error.message, /still being prepared/);

      await t.db.updateTable('recordings').set({ status: 'failed', error: 'finalise failed' }).where('id', '=', mic.id).execute();
      const failed = await describeMic();
      assert.deepEqual([failed.available, failed.problem], [false, 'not_converted']);
    } finally {
      await t.db.updateTable('recordings').set({ path: row.path, status: row.status, error: null }).where('id', '=', mic.id).execute();
      await fs.rm(path.join(dir, dumpPath), { force: true });
    }
  });

  it('does not follow a symlink out of the recordings directory', async () => {
    const cam2 = review.attempts[1]!.recordings.camera;
    await fs.rm(cam2.file);
    await fs.symlink('/etc/passwd', cam2.file);
    assert.equal((await get(`/api/recordings/${cam2.id}`, cookie.admin)).statusCode, 404);
  });
});
