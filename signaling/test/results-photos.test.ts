/**
 * Results row photos (manual §2.1.1.1) through buildApp with real sign-in and real files: the
 * candidate's latest verification photo, else the reference photo; a URL only for a file that
 * exists (so a page makes no request that ends in 404); the image route's access rules (a
 * proctor sees candidates of assigned exams only, 404 alike for "not yours" and "none") and
 * its bad input.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  MEDIA_DEMO_ADMIN_EMAIL,
  MEDIA_DEMO_PROCTOR_EMAIL,
  createExam,
  ensureDiscipline,
  ensureExamSession,
  makeIin,
  upsertCandidateByIin,
} from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { buildTestApp } from './support/test-app.ts';
import { DEMO_PASSWORDS, seedDemo } from '../src/cli/demo.ts';
import { resultsResponse, resultsSearchParams, sessionRowResponse, type ResultRow } from '../src/contract/api/results.ts';
import { ORIGIN, login } from './auth-harness.ts';

// Smallest valid JPEG and PNG headers: the route serves bytes, it does not decode them.
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe('Results row photos', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let recordingsDir: string;
  let photosDir: string;
  const cookie = { admin: '', proctor: '' };
  // verified: a verification photo (and a reference); referenced: a reference photo only;
  // missing: a reference path whose file is gone; escaping: a verification path that is a
  // symlink out of the recordings root; stranger: only in an exam not assigned to the proctor.
  const c = { verified: '', referenced: '', missing: '', escaping: '', stranger: '' };
  let examId = '';

  beforeAll(async () => {
    recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-photos-rec-'));
    photosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-photos-ref-'));
    process.env.PHOTOS_DIR = photosDir;
    t = await createTestDatabase();
    const db = t.db;
    const demo = await seedDemo(db);
    examId = demo.examId;
    const candidate = (fullName: string, serial: number) => upsertCandidateByIin(db, { fullName, iin: makeIin(new Date('2003-05-05'), 'female', serial) });
    c.verified = (await candidate('Әбдіқадырова Аружан', 501))!;
    c.referenced = (await candidate('Қаналбекова Ұлдана', 502))!;
    c.missing = (await candidate('Смирнова Ольга', 503))!;
    c.escaping = (await candidate('Үсенова Шаһизада', 504))!;
    c.stranger = (await candidate('Жанұзақ Ерасыл', 505))!;
    const sessions: Record<string, string> = {};
    for (const key of ['verified', 'referenced', 'missing', 'escaping'] as const) {
      sessions[key] = await ensureExamSession(db, examId, c[key]);
    }
    const other = await createExam(db, {
      name: 'Other proctor’s exam',
      disciplineId: await ensureDiscipline(db, 'Экология'),
      startsAt: new Date('2025-03-01T08:00:00Z'),
      endsAt: new Date('2025-03-01T12:00:00Z'),
    });
    await ensureExamSession(db, other, c.stranger);

    const reference = (candidateId: string, ext: 'jpg' | 'png') => `${candidateId.slice(0, 2)}/${candidateId}-0123456789ab.${ext}`;
    const writeReference = (candidateId: string, ext: 'jpg' | 'png', data: Buffer) => {
      const relative = reference(candidateId, ext);
      fs.mkdirSync(path.join(photosDir, path.dirname(relative)), { recursive: true });
      fs.writeFileSync(path.join(photosDir, relative), data);
      return relative;
    };
    await db.updateTable('candidates').set({ referencePhotoPath: writeReference(c.verified, 'png', PNG) }).where('id', '=', c.verified).execute();
    await db.updateTable('candidates').set({ referencePhotoPath: writeReference(c.referenced, 'png', PNG) }).where('id', '=', c.referenced).execute();
    await db.updateTable('candidates').set({ referencePhotoPath: reference(c.missing, 'jpg') }).where('id', '=', c.missing).execute();
    await db.updateTable('candidates').set({ referencePhotoPath: writeReference(c.stranger, 'jpg', JPEG) }).where('id', '=', c.stranger).execute();

    const started = new Date(Date.now() - 60_000);
    await db.updateTable('examSessions').set({ status: 'in_progress', startedAt: started }).where('examId', '=', examId).execute();
    const verification = (sessionId: string, facePhotoPath: string) => ({
      sessionId,
      startedAt: started,
      endedAt: started,
      result: 'successful' as const,
      facePhotoPath,
    });
    fs.mkdirSync(path.join(recordingsDir, sessions.verified!, 'verification'), { recursive: true });
    fs.writeFileSync(path.join(recordingsDir, sessions.verified!, 'verification', 'face.jpg'), JPEG);
    const outside = path.join(photosDir, 'outside.jpg');
    fs.writeFileSync(outside, JPEG);
    fs.mkdirSync(path.join(recordingsDir, sessions.escaping!), { recursive: true });
    fs.symlinkSync(outside, path.join(recordingsDir, sessions.escaping!, 'face.jpg'));
    await db
      .insertInto('verifications')
      .values([verification(sessions.verified!, `${sessions.verified}/verification/face.jpg`), verification(sessions.escaping!, `${sessions.escaping}/face.jpg`)])
      .execute();

    app = await buildTestApp(db, { recordingsDir });
    cookie.admin = await login(app, MEDIA_DEMO_ADMIN_EMAIL, DEMO_PASSWORDS.admin);
    cookie.proctor = await login(app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
    fs.rmSync(photosDir, { recursive: true, force: true });
  });

  const get = (url: string, who?: string) => app.inject({ method: 'GET', url, headers: who ? { cookie: who } : {} });
  const rowsOf = async (who: string): Promise<Map<string, ResultRow>> => {
    const res = await get(`/api/results?${resultsSearchParams({ examId: [examId] })}`, who);
    assert.equal(res.statusCode, 200, res.body);
    const body = resultsResponse.parse(res.json());
    assert.equal(body.groupBy, 'none');
    return new Map((body.rows as ResultRow[]).map((row) => [row.candidateId, row]));
  };

  it('gives a row the latest verification photo, else the reference photo, else none', async () => {
    const rows = await rowsOf(cookie.proctor);
    const verified = rows.get(c.verified)!.photoUrl;
    const referenced = rows.get(c.referenced)!.photoUrl;
    assert.match(verified ?? '', new RegExp(`^/api/results/candidates/${c.verified}/photo\\?v=[0-9a-f]{12}$`));
    assert.match(referenced ?? '', new RegExp(`^/api/results/candidates/${c.referenced}/photo\\?v=[0-9a-f]{12}$`));
    assert.equal(rows.get(c.missing)!.photoUrl, null, 'a reference photo that is not on disk gets no URL');
    assert.equal(rows.get(c.escaping)!.photoUrl, null, 'a path leading out of the recordings root is ignored');

    const image = await get(verified!, cookie.proctor);
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/jpeg');
    assert.deepEqual(image.rawPayload, JPEG, 'the verification photo, not the reference');
    assert.match(String(image.headers['cache-control']), /^private/);
    const png = await get(referenced!, cookie.admin);
    assert.equal(png.statusCode, 200);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.deepEqual(png.rawPayload, PNG);
  });

  it('puts the same photo on the grouped rows and on a pushed row', async () => {
    const res = await get(`/api/results?${resultsSearchParams({ examId: [examId], groupBy: 'candidate' })}`, cookie.admin);
    const body = resultsResponse.parse(res.json());
    const flat = await rowsOf(cookie.admin);
    for (const row of body.rows) assert.equal(row.photoUrl, flat.get(row.candidateId)!.photoUrl);
    const sessionId = flat.get(c.verified)!.sessionId;
    const decided = await app.inject({
      method: 'PATCH',
      url: `/api/sessions/${sessionId}/decision`,
      headers: { cookie: cookie.admin, origin: ORIGIN },
      payload: { decision: 'admitted' },
    });
    assert.equal(sessionRowResponse.parse(decided.json()).row.photoUrl, flat.get(c.verified)!.photoUrl);
  });

  it('answers 404 alike for no photo and for a candidate of another proctor’s exam', async () => {
    const url = (id: string) => `/api/results/candidates/${id}/photo`;
    assert.equal((await get(url(c.stranger), cookie.admin)).statusCode, 200, 'the admin sees every candidate');
    for (const [id, why] of [
      [c.stranger, 'not in an exam assigned to the proctor'],
      [c.missing, 'file gone'],
      [c.escaping, 'symlink out of the root'],
      ['00000000-0000-4000-8000-000000000000', 'unknown candidate'],
    ] as const) {
      const res = await get(url(id), cookie.proctor);
      assert.equal(res.statusCode, 404, why);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'not_found', why);
    }
  });

  it('refuses the signed-out and bad input', async () => {
    const url = `/api/results/candidates/${c.verified}/photo`;
    assert.equal((await get(url)).statusCode, 401);
    for (const bad of ['/api/results/candidates/not-a-uuid/photo', `${url}?v=../../etc`, `${url}?v=ABC`, `${url}?size=big`]) {
      const res = await get(bad, cookie.admin);
      assert.equal(res.statusCode, 400, bad);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'bad_request', bad);
    }
  });
});
