/**
 * The candidate journey's HTTP API against a real database: token-only authentication,
 * consent once in the audit trail, device-check outcomes in connection_events (resolved
 * by a later pass), verification uploads (type and size checked, result decided by the
 * server) and the staff list of candidate links (access rules, expiry, audit).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import {
  MEDIA_DEMO_ADMIN_EMAIL,
  MEDIA_DEMO_PROCTOR_EMAIL,
  VERIFICATION_FLAGGED_ACTION,
  listConnectionEvents,
  seedMediaDemo,
  setUserPasswordHash,
  type MediaDemo,
} from '@proctor/db';
import { buildTestApp } from './support/test-app.ts';
import { hashPassword } from '../src/services/auth.service.ts';
import { PhotoStore } from '../src/services/admin-photo.service.ts';
import { ServerFaceChecker } from '../src/services/face-check.service.ts';
import { resolveFfmpeg } from '@proctor/recorder';
import { mintToken, verifyToken } from '../src/auth/token.ts';
import { LINK_GRACE_SECONDS, VERIFICATION_MAX_ATTEMPTS, VERIFICATION_MIN_SIMILARITY, journeyApi } from '../src/contract/api/journey.ts';
import { JPEG_BYTES, PNG_1PX } from './admin-harness.ts';
import { ORIGIN, PUBLIC_URL, login } from './auth-harness.ts';

const PASSWORD = 'journey-test-pass-2026';

describe('candidate journey API', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let demo: MediaDemo;
  let recordingsDir: string;
  let photosDir: string;
  let secret: string;
  let adminCookie: string;
  let proctorCookie: string;

  const token = (sessionId: string, ttl = 600) => mintToken({ role: 'candidate', sessionId }, secret, ttl);
  const call = (method: 'GET' | 'POST', url: string, opts: { token?: string; body?: unknown; origin?: string | null; cookie?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    const origin = opts.origin === undefined ? ORIGIN : opts.origin;
    if (origin !== null) headers.origin = origin;
    return app.inject({ method, url, headers, ...(opts.body === undefined ? {} : { payload: opts.body as object }) });
  };
  const verify = async (tok: string, files: Record<string, { filename: string; data: Uint8Array | string }>, meta?: unknown) => {
    // A browser-identical multipart body (undici's FormData): the meta text field, then the files.
    const form = new FormData();
    if (meta !== undefined) form.set('meta', JSON.stringify(meta));
    for (const [field, f] of Object.entries(files)) form.append(field, new Blob([typeof f.data === 'string' ? Buffer.from(f.data) : f.data]), f.filename);
    const response = new Response(form);
    return app.inject({
      method: 'POST',
      url: journeyApi.verify.path,
      headers: { authorization: `Bearer ${tok}`, origin: ORIGIN, 'content-type': response.headers.get('content-type')! },
      payload: Buffer.from(await response.arrayBuffer()),
    });
  };
  const json = <T>(res: LightMyRequestResponse): T => JSON.parse(res.body) as T;

  beforeAll(async () => {
    photosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-journey-photos-'));
    recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-journey-rec-'));
    process.env.PHOTOS_DIR = photosDir;
    t = await createTestDatabase();
    demo = await seedMediaDemo(t.db, { candidates: 4, passwordHash: await hashPassword(PASSWORD) });
    await setUserPasswordHash(t.db, demo.adminUserId, await hashPassword(PASSWORD));
    secret = randomBytes(32).toString('base64url');
    app = await buildTestApp(t.db, { recordingsDir, tokenSecret: secret });
    adminCookie = await login(app, MEDIA_DEMO_ADMIN_EMAIL, PASSWORD);
    proctorCookie = await login(app, MEDIA_DEMO_PROCTOR_EMAIL, PASSWORD);
    // The third and fourth candidates have a reference photo.
    for (const s of [demo.sessions[2]!, demo.sessions[3]!]) {
      const { candidateId } = await t.db.selectFrom('examSessions').select('candidateId').where('id', '=', s.sessionId).executeTakeFirstOrThrow();
      const stored = await new PhotoStore(photosDir).save(candidateId, JPEG_BYTES, 'jpeg');
      await t.db.updateTable('candidates').set({ referencePhotoPath: stored }).where('id', '=', candidateId).execute();
    }
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    fs.rmSync(photosDir, { recursive: true, force: true });
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('accept only a valid candidate token, and take the session from it', async () => {
    const sessionId = demo.sessions[0]!.sessionId;
    assert.equal((await call('GET', journeyApi.state.path)).statusCode, 401);
    assert.equal((await call('GET', journeyApi.state.path, { token: `${token(sessionId)}x` })).statusCode, 401);
    assert.equal((await call('GET', journeyApi.state.path, { token: token(sessionId, -5) })).statusCode, 401);
    const proctorToken = mintToken({ role: 'proctor', userId: demo.proctorUserId }, secret, 600);
    assert.equal((await call('GET', journeyApi.state.path, { token: proctorToken })).statusCode, 403);
    // A staff cookie is not a candidate identity.
    assert.equal((await call('GET', journeyApi.state.path, { cookie: adminCookie })).statusCode, 401);

    const res = await call('GET', `${journeyApi.state.path}?sessionId=${demo.sessions[1]!.sessionId}`, { token: token(sessionId) });
    assert.equal(res.statusCode, 200);
    const state = json<{ sessionId: string; consentGiven: boolean; hasReferencePhoto: boolean; verification: unknown }>(res);
    assert.equal(state.sessionId, sessionId);
    assert.equal(state.consentGiven, false);
    assert.equal(state.hasReferencePhoto, false);
    assert.equal(state.verification, null);
  });

  it('store the consent once, in the append-only audit trail', async () => {
    const sessionId = demo.sessions[0]!.sessionId;
    const tok = token(sessionId);
    assert.equal((await call('POST', journeyApi.consent.path, { token: tok, body: { locale: 'fr' } })).statusCode, 400);
    assert.equal((await call('POST', journeyApi.consent.path, { token: tok, body: { locale: 'kk' }, origin: 'https://evil.example' })).statusCode, 403);
    assert.equal((await call('POST', journeyApi.consent.path, { token: tok, body: { locale: 'kk' } })).statusCode, 204);
    assert.equal((await call('POST', journeyApi.consent.path, { token: tok, body: { locale: 'ru' } })).statusCode, 204);
    const rows = await t.db.selectFrom('actionLog').selectAll().where('sessionId', '=', sessionId).where('action', '=', 'candidate.consent_given').execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]!.details, { locale: 'kk', examId: demo.examId });
    assert.equal(json<{ consentGiven: boolean }>(await call('GET', journeyApi.state.path, { token: tok })).consentGiven, true);
  });

  it('store device-check failures and resolve them when the check later passes', async () => {
    const sessionId = demo.sessions[1]!.sessionId;
    const tok = token(sessionId);
    const post = (body: unknown) => call('POST', journeyApi.deviceCheck.path, { token: tok, body });
    assert.equal((await post({ outcome: 'failed', error: "camera_denied'; DROP TABLE connection_events; --" })).statusCode, 400);
    assert.equal((await post({ outcome: 'failed', error: 'camera_denied', sessionId: demo.sessions[0]!.sessionId })).statusCode, 400);
    assert.equal((await post({ outcome: 'failed', error: 'screen_not_entire' })).statusCode, 204);
    assert.equal((await post({ outcome: 'failed', error: 'second_display' })).statusCode, 204);
    let events = await listConnectionEvents(t.db, sessionId);
    assert.deepEqual(events.map((e) => [e.kind, e.error, e.resolved]), [
      ['device_check_failed', 'screen_not_entire', false],
      ['device_check_failed', 'second_display', false],
    ]);
    assert.equal((await post({ outcome: 'passed', uplinkKbps: 4200 })).statusCode, 204);
    events = await listConnectionEvents(t.db, sessionId);
    assert.deepEqual(events.map((e) => [e.kind, e.error, e.resolved]), [
      ['device_check_failed', 'screen_not_entire', true],
      ['device_check_failed', 'second_display', true],
      ['device_check_passed', null, null],
    ]);
    assert.equal((await listConnectionEvents(t.db, demo.sessions[0]!.sessionId)).length, 0);
  });

  it('take the uplink probe only from a candidate and within its size', async () => {
    const tok = token(demo.sessions[1]!.sessionId);
    assert.equal((await call('POST', journeyApi.uplinkProbe.path, { body: { padding: 'x' } })).statusCode, 401);
    assert.equal((await call('POST', journeyApi.uplinkProbe.path, { token: tok, body: { padding: 'x'.repeat(1000) } })).statusCode, 204);
    assert.equal((await call('POST', journeyApi.uplinkProbe.path, { token: tok, body: { padding: 'x'.repeat(600 * 1024) } })).statusCode, 400);
  });

  it('store verifications: no reference, successful, failed; photos checked and kept under the recordings dir', async () => {
    const noRef = token(demo.sessions[0]!.sessionId);
    const withRef = token(demo.sessions[2]!.sessionId);
    const startedAt = new Date(Date.now() - 4000).toISOString();
    const face = { filename: 'face.jpg', data: JPEG_BYTES };

    let res = await verify(noRef, { face }, { startedAt, faces: 1, similarity: 0.99 });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(json<{ result: string; similarity: unknown }>(res).result, 'no_reference');
    assert.equal(json<{ similarity: unknown }>(res).similarity, null);

    res = await verify(withRef, { face, document: { filename: 'id.png', data: PNG_1PX } }, { startedAt, faces: 1, similarity: Math.min(1, VERIFICATION_MIN_SIMILARITY + 0.05) });
    assert.equal(res.statusCode, 201, res.body);
    const ok = json<{ id: string; result: string; startedAt: string }>(res);
    assert.equal(ok.result, 'successful');
    assert.equal(ok.startedAt, startedAt);
    const row = await t.db.selectFrom('verifications').selectAll().where('id', '=', ok.id).executeTakeFirstOrThrow();
    assert.match(row.facePhotoPath, new RegExp(`^${demo.sessions[2]!.sessionId}/verification/\\d+-[0-9a-f]{8}-face\\.jpg$`));
    assert.match(row.documentPhotoPath ?? '', /-document\.png$/);
    assert.deepEqual(fs.readFileSync(path.join(recordingsDir, row.facePhotoPath)), JPEG_BYTES);
    assert.deepEqual(fs.readFileSync(path.join(recordingsDir, row.documentPhotoPath!)), PNG_1PX);

    res = await verify(withRef, { face }, { startedAt, faces: 1, similarity: 0.3 });
    assert.equal(json<{ result: string }>(res).result, 'failed');
    res = await verify(withRef, { face }, { startedAt, faces: 2, similarity: null });
    assert.equal(json<{ result: string }>(res).result, 'failed');
    const state = json<{ verification: { result: string }; hasReferencePhoto: boolean }>(await call('GET', journeyApi.state.path, { token: withRef }));
    assert.equal(state.hasReferencePhoto, true);
    assert.equal(state.verification.result, 'failed');

    // The reference photo is served to its own candidate only.
    const photo = await call('GET', journeyApi.referencePhoto.path, { token: withRef });
    assert.equal(photo.statusCode, 200);
    assert.equal(photo.headers['content-type'], 'image/jpeg');
    assert.equal((await call('GET', journeyApi.referencePhoto.path, { token: noRef })).statusCode, 404);
  });

  it(`let a failed identity check be retaken ${VERIFICATION_MAX_ATTEMPTS} times, then flag the session for the proctor and refuse more`, async () => {
    const sessionId = demo.sessions[3]!.sessionId;
    const tok = token(sessionId);
    const startedAt = new Date(Date.now() - 2000).toISOString();
    const face = { filename: 'face.jpg', data: JPEG_BYTES };
    const flags = () => t.db.selectFrom('actionLog').selectAll().where('sessionId', '=', sessionId).where('action', '=', VERIFICATION_FLAGGED_ACTION).execute();
    const state = async () => json<{ verificationAttemptsLeft: number }>(await call('GET', journeyApi.state.path, { token: tok })).verificationAttemptsLeft;
    assert.equal(await state(), VERIFICATION_MAX_ATTEMPTS);
    for (let attempt = 1; attempt <= VERIFICATION_MAX_ATTEMPTS; attempt++) {
      const res = await verify(tok, { face }, { startedAt, faces: 1, similarity: 0.1 });
      assert.equal(res.statusCode, 201, res.body);
      const out = json<{ result: string; attemptsLeft: number; flagged: boolean }>(res);
      assert.equal(out.result, 'failed');
      assert.equal(out.attemptsLeft, VERIFICATION_MAX_ATTEMPTS - attempt);
      assert.equal(out.flagged, attempt === VERIFICATION_MAX_ATTEMPTS);
      assert.equal((await flags()).length, attempt === VERIFICATION_MAX_ATTEMPTS ? 1 : 0, `flags after attempt ${attempt}`);
    }
    const [flag] = await flags();
    assert.equal(flag!.actorUserId, null);
    assert.equal((flag!.details as { failures: number }).failures, VERIFICATION_MAX_ATTEMPTS);
    assert.equal(await state(), 0);
    // A fourth upload is refused and stores nothing; the flag stays single.
    const before = (await t.db.selectFrom('verifications').select('id').where('sessionId', '=', sessionId).execute()).length;
    const res = await verify(tok, { face }, { startedAt, faces: 1, similarity: 0.99 });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal((await t.db.selectFrom('verifications').select('id').where('sessionId', '=', sessionId).execute()).length, before);
    assert.equal((await flags()).length, 1);
  });

  it('refuse bad verification uploads without storing anything', async () => {
    const tok = token(demo.sessions[1]!.sessionId);
    const startedAt = new Date().toISOString();
    const before = await t.db.selectFrom('verifications').select('id').execute();
    const statuses = [
      (await verify(tok, { face: { filename: 'face.jpg', data: '<html>not an image</html>' } }, { startedAt, faces: 1, similarity: null })).statusCode,
      (await verify(tok, { face: { filename: 'face.jpg', data: Buffer.alloc(2 * 1024 * 1024 + 10, 0xff) } }, { startedAt, faces: 1, similarity: null })).statusCode,
      (await verify(tok, { document: { filename: 'd.jpg', data: JPEG_BYTES } }, { startedAt, faces: 1, similarity: null })).statusCode,
      (await verify(tok, { face: { filename: 'face.jpg', data: JPEG_BYTES } })).statusCode,
      (await verify(tok, { face: { filename: '../../x.jpg', data: JPEG_BYTES } }, { startedAt, faces: 1, similarity: 7 })).statusCode,
      (await verify(tok, { face: { filename: 'face.jpg', data: JPEG_BYTES } }, { startedAt: '2020-01-01T00:00:00Z', faces: 1, similarity: null })).statusCode,
    ];
    assert.deepEqual(statuses, [415, 413, 400, 400, 400, 400]);
    assert.equal((await t.db.selectFrom('verifications').select('id').execute()).length, before.length);
    assert.equal(fs.existsSync(path.join(recordingsDir, demo.sessions[1]!.sessionId)), false);
  });

  it('list candidate links for admins and assigned proctors, expiring after the exam plus the grace period', async () => {
    const url = journeyApi.candidateLinks.path.replace(':id', demo.examId);
    assert.equal((await call('GET', url)).statusCode, 401);
    assert.equal((await call('GET', journeyApi.candidateLinks.path.replace(':id', "1' OR '1'='1"), { cookie: adminCookie })).statusCode, 400);
    const res = await call('GET', url, { cookie: adminCookie });
    assert.equal(res.statusCode, 200, res.body);
    const body = json<{ expiresAt: string; examEndsAt: string; expired: boolean; links: { sessionId: string; url: string | null }[] }>(res);
    assert.equal(body.expired, false);
    assert.equal(new Date(body.expiresAt).getTime() - new Date(body.examEndsAt).getTime(), LINK_GRACE_SECONDS * 1000);
    assert.deepEqual(new Set(body.links.map((l) => l.sessionId)), new Set(demo.sessions.map((s) => s.sessionId)));
    for (const link of body.links) {
      const u = new URL(link.url!);
      assert.equal(u.origin + u.pathname, `${PUBLIC_URL}/exam`);
      const claims = verifyToken(u.searchParams.get('token'), secret);
      assert.deepEqual({ role: claims.role, sessionId: (claims as { sessionId: string }).sessionId }, { role: 'candidate', sessionId: link.sessionId });
      assert.ok(Math.abs(claims.exp * 1000 - new Date(body.expiresAt).getTime()) < 5000);
      // The link's token opens the journey.
      assert.equal((await call('GET', journeyApi.state.path, { token: u.searchParams.get('token')! })).statusCode, 200);
    }
    const audit = await t.db.selectFrom('actionLog').selectAll().where('action', '=', 'exam.candidate_links_viewed').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actorUserId, demo.adminUserId);

    // The demo proctor is assigned to the demo exam; unassign them and they are refused.
    assert.equal((await call('GET', url, { cookie: proctorCookie })).statusCode, 200);
    await t.db.deleteFrom('examProctors').where('examId', '=', demo.examId).execute();
    assert.equal((await call('GET', url, { cookie: proctorCookie })).statusCode, 403);
  });

  it('decide the verification from the server\'s own face analysis, whatever the page claims', async () => {
    const ffmpeg = resolveFfmpeg().ffmpeg;
    const checked = await buildTestApp(t.db, { recordingsDir, tokenSecret: secret, faceChecker: new ServerFaceChecker(ffmpeg) });
    try {
      // Reference: a London-set portrait (bench/detect/identities, CC BY 4.0); uploads: the same
      // person smiling, and another person.
      const photos = path.join(import.meta.dirname, '../../bench/detect/identities/photos');
      const pictures = { reference: 'london-025-neutral.jpg', same: 'london-025-smiling.jpg', other: 'london-062-smiling.jpg' };
      const sessionId = demo.sessions[1]!.sessionId;
      const { candidateId } = await t.db.selectFrom('examSessions').select('candidateId').where('id', '=', sessionId).executeTakeFirstOrThrow();
      const stored = await new PhotoStore(photosDir).save(candidateId, fs.readFileSync(path.join(photos, pictures.reference)), 'jpeg');
      await t.db.updateTable('candidates').set({ referencePhotoPath: stored }).where('id', '=', candidateId).execute();

      const upload = async (file: string, meta: unknown) => {
        const form = new FormData();
        form.set('meta', JSON.stringify(meta));
        form.append('face', new Blob([fs.readFileSync(path.join(photos, file))]), 'face.jpg');
        const response = new Response(form);
        const res = await checked.inject({
          method: 'POST',
          url: journeyApi.verify.path,
          headers: { authorization: `Bearer ${token(sessionId)}`, origin: ORIGIN, 'content-type': response.headers.get('content-type')! },
          payload: Buffer.from(await response.arrayBuffer()),
        });
        assert.equal(res.statusCode, 201, res.body);
        return json<{ result: string; similarity: number | null; faces: number }>(res);
      };
      const startedAt = new Date().toISOString();
      // The page says "no face": the server finds him and passes the check.
      const same = await upload(pictures.same, { startedAt, faces: 0, similarity: null });
      assert.equal(same.result, 'successful');
      assert.equal(same.faces, 1);
      assert.ok(same.similarity! >= VERIFICATION_MIN_SIMILARITY, `same person: ${same.similarity}`);
      // The page claims a perfect match for someone else: the server refuses it.
      const other = await upload(pictures.other, { startedAt, faces: 1, similarity: 0.99 });
      assert.equal(other.result, 'failed');
      assert.ok(other.similarity! < VERIFICATION_MIN_SIMILARITY, `other person: ${other.similarity}`);
    } finally {
      await checked.close();
    }
  });
});
