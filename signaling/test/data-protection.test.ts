/**
 * Data protection end to end on real files (tests/support/review-fixture.ts: WebM
 * recordings made with ffmpeg, violations over two attempts; snapshots grabbed by the real
 * snapshot job): the signed evidence chain ("evidence verified", a recording altered by one
 * byte named as the failing item, edited and injected violations), the candidate export
 * (zip contents), erasure (files and personal data gone, anonymised statistics kept, audit
 * redacted), and the retention job on an exam past its retention (files and rows gone,
 * audit entries present, statistics intact).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import yauzl from 'yauzl';
import type { FastifyInstance } from 'fastify';
import {
  appendAction,
  candidateStatistics,
  createLtiPlatform,
  createWebhookEndpoint,
  insertLtiProctoringAttempt,
  insertVerification,
  linkLtiUser,
  upsertLtiGradeTarget,
  listActionsForSession,
  setExamWindow,
  setUserPasswordHash,
  type DB,
} from '@proctor/db';
import type { Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { EvidenceSigner, resolveFfmpeg, runRetention, sealRecordingEvidence, sealSessionViolations, snapshotViolations } from '@proctor/recorder';
import { buildApp } from '../src/http/app.ts';
import { AuthService, hashPassword } from '../src/services/auth.service.ts';
import { sessionEvidence } from '../src/contract/api/evidence.ts';
import { sessionReport } from '../src/contract/api/report.ts';
import { seedReviewSession, type ReviewSession } from '../../tests/support/review-fixture.ts';
import { PUBLIC_URL, login, send } from './auth-harness.ts';

const PASSWORD = 'protection-test-2026';
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const exists = (file: string) => fs.stat(file).then(() => true, () => false);
const candidateOf = async (db: Kysely<DB>, sessionId: string) =>
  (await db.selectFrom('examSessions').select('candidateId').where('id', '=', sessionId).executeTakeFirstOrThrow()).candidateId;

describe('data protection', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let dir: string;
  let signer: EvidenceSigner;
  let kept: ReviewSession; // exported, then removed by retention
  let erased: ReviewSession; // erased on request
  const cookie = { admin: '', proctor: '' };

  const evidence = async (sessionId: string) => {
    const res = await send(app, 'GET', `/api/sessions/${sessionId}/evidence`, undefined, { cookie: cookie.proctor });
    assert.equal(res.statusCode, 200, res.body);
    return sessionEvidence.parse(res.json());
  };

  /** What the finalise and snapshot jobs leave behind: sealed recordings, violations and snapshots. */
  async function processLikeTheJobs(review: ReviewSession): Promise<void> {
    for (const attempt of review.attempts) for (const r of Object.values(attempt.recordings)) assert.equal(await sealRecordingEvidence({ db: t.db, signer, recordingsDir: dir }, r.id), 'sealed');
    await snapshotViolations({ db: t.db, recordingsDir: dir, ffmpeg: resolveFfmpeg(), logger: log, signer }, { sessionId: review.sessionId });
    assert.equal(await sealSessionViolations({ db: t.db, signer }, review.sessionId), 0, 'the snapshot job sealed the finished session’s violations');
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-protection-'));
    kept = await seedReviewSession(t.db, dir, { candidateIndex: 0 });
    erased = await seedReviewSession(t.db, dir, { candidateIndex: 1 });
    signer = await EvidenceSigner.generate('test-node').register(t.db);
    for (const review of [kept, erased]) {
      await processLikeTheJobs(review);
      // An identity check with its photo, as the journey stores it.
      const facePhotoPath = `${review.sessionId}/verification/face.jpg`;
      await fs.mkdir(path.join(dir, review.sessionId, 'verification'), { recursive: true });
      await fs.writeFile(path.join(dir, facePhotoPath), Buffer.from('jpeg bytes of a face'));
      const at = review.attempts[0]!.startedAt;
      await insertVerification(t.db, { sessionId: review.sessionId, startedAt: at, endedAt: at, result: 'successful', similarity: 0.8, facePhotoPath });
    }
    const hash = await hashPassword(PASSWORD);
    await setUserPasswordHash(t.db, kept.proctorUserId, hash);
    await setUserPasswordHash(t.db, kept.adminUserId, hash);
    const auth = new AuthService({ db: t.db, mailer: { send: async () => undefined }, publicUrl: PUBLIC_URL, log });
    app = await buildApp({ log, db: t.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, recordingsDir: dir, evidenceSigner: signer });
    cookie.admin = await login(app, 'admin@demo.proctor.local', PASSWORD);
    cookie.proctor = await login(app, 'proctor@demo.proctor.local', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('tamper evidence', () => {
    it('verifies an untouched session: every recording, snapshot and violation sealed and unchanged', async () => {
      const result = await evidence(kept.sessionId);
      const snapshots = await t.db.selectFrom('violations').select('id').where('sessionId', '=', kept.sessionId).where('snapshotPath', 'is not', null).execute();
      assert.ok(snapshots.length > 0, 'the snapshot job grabbed frames');
      assert.equal(result.status, 'verified', JSON.stringify(result));
      assert.equal(result.sealed, 6 + kept.violations.length + snapshots.length);
      assert.deepEqual(result.items, []);
      assert.deepEqual(result.keys, [{ id: signer.keyId, nodeId: 'test-node' }]);
    });

    it('names the recording that was altered by one byte, and only that one', async () => {
      const camera = kept.attempts[1]!.recordings.camera;
      const original = await fs.readFile(camera.file);
      const altered = Buffer.from(original);
      altered[Math.floor(altered.length / 2)]! ^= 0x01;
      await fs.writeFile(camera.file, altered);
      try {
        const result = await evidence(kept.sessionId);
        assert.equal(result.status, 'altered');
        assert.deepEqual(
          result.items.map((i) => ({ kind: i.kind, itemId: i.itemId, problem: i.problem, source: i.source, attemptNumber: i.attemptNumber })),
          [{ kind: 'recording', itemId: camera.id, problem: 'altered', source: 'camera', attemptNumber: 2 }],
        );
        assert.deepEqual(result.chain, [], 'the chain itself is intact');
      } finally {
        await fs.writeFile(camera.file, original);
      }
      assert.equal((await evidence(kept.sessionId)).status, 'verified', 'restored, it verifies again');
    });

    it('names an edited violation and one added behind the chain’s back', async () => {
      const target = kept.violations[0]!;
      const row = await t.db.selectFrom('violations').select('endsAt').where('id', '=', target.id).executeTakeFirstOrThrow();
      await t.db.updateTable('violations').set({ endsAt: new Date(row.endsAt!.getTime() + 60_000) }).where('id', '=', target.id).execute();
      const injected = await t.db
        .insertInto('violations')
        .values({ sessionId: kept.sessionId, attemptId: kept.attempts[0]!.id, type: 'other_person', category: 'behaviour', startsAt: kept.attempts[0]!.startedAt, endsAt: kept.attempts[0]!.endedAt, source: 'client' })
        .returning('id')
        .executeTakeFirstOrThrow();
      try {
        const result = await evidence(kept.sessionId);
        assert.equal(result.status, 'altered');
        const byId = new Map(result.items.map((i) => [i.itemId, i]));
        assert.equal(byId.get(target.id)?.problem, 'altered');
        assert.equal(byId.get(target.id)?.violationType, target.type);
        assert.equal(byId.get(injected.id)?.problem, 'not_sealed');
      } finally {
        await t.db.updateTable('violations').set({ endsAt: row.endsAt }).where('id', '=', target.id).execute();
        await t.db.deleteFrom('violations').where('id', '=', injected.id).execute();
      }
      assert.equal((await evidence(kept.sessionId)).status, 'verified');
    });

    it('keeps the chain append-only', async () => {
      await assert.rejects(t.db.updateTable('evidenceItems').set({ digest: 'f'.repeat(64) }).where('sessionId', '=', kept.sessionId).execute(), /append-only/);
      await assert.rejects(t.db.deleteFrom('evidenceItems').where('sessionId', '=', kept.sessionId).execute(), /append-only/);
    });
  });

  describe('export', () => {
    it('gives admins a zip of data.json and every media file, with its exact size, and logs it', async () => {
      const candidateId = await candidateOf(t.db, kept.sessionId);
      await appendAction(t.db, { actorName: kept.candidateName, sessionId: kept.sessionId, action: 'candidate.consent_given', details: { locale: 'kk' } });
      const res = await app.inject({ method: 'GET', url: `/api/admin/candidates/${candidateId}/export`, headers: { cookie: cookie.admin } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/zip');
      assert.equal(Number(res.headers['content-length']), res.rawPayload.length, 'the size is announced up front (download progress)');
      const files = await unzip(res.rawPayload);
      const data = JSON.parse(files.get('data.json')!.toString('utf8'));
      const candidate = await t.db.selectFrom('candidates').selectAll().where('id', '=', candidateId).executeTakeFirstOrThrow();
      assert.equal(data.candidate.iin, candidate.iin);
      assert.equal(data.candidate.fullName, candidate.fullName);
      const session = data.sessions.find((s: { id: string }) => s.id === kept.sessionId);
      assert.equal(session.violations.length, kept.violations.length);
      assert.equal(session.recordings.length, 6);
      for (const attempt of kept.attempts) {
        for (const r of Object.values(attempt.recordings)) {
          const listed = session.recordings.find((x: { id: string }) => x.id === r.id);
          assert.ok(listed.file && files.has(listed.file), `${r.source} of attempt ${attempt.number} is in the zip`);
          assert.equal(sha(files.get(listed.file)!), sha(await fs.readFile(r.file)), 'byte for byte');
        }
      }
      const snapshot = session.violations.find((v: { snapshot: string | null }) => v.snapshot);
      assert.ok(snapshot, JSON.stringify(session.violations));
      assert.ok(files.get(snapshot.snapshot)!.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])), 'snapshots are JPEGs in the zip');
      assert.ok(files.has(session.verifications[0].facePhoto), JSON.stringify(session.verifications));
      assert.deepEqual(data.actionLog.map((a: { action: string }) => a.action), ['candidate.consent_given'], 'the audit entries about them');
      const audit = await t.db.selectFrom('actionLog').select(['actorName', 'details']).where('action', '=', 'candidate.data_exported').executeTakeFirstOrThrow();
      assert.equal(audit.details.candidateId, candidateId);
    });

    it('is for admins only; an unknown candidate is 404', async () => {
      const candidateId = await candidateOf(t.db, kept.sessionId);
      assert.equal((await send(app, 'GET', `/api/admin/candidates/${candidateId}/export`, undefined, { cookie: cookie.proctor })).statusCode, 403);
      assert.equal((await send(app, 'GET', `/api/admin/candidates/${candidateId}/export`)).statusCode, 401);
      assert.equal((await send(app, 'GET', '/api/admin/candidates/00000000-0000-4000-8000-000000000000/export', undefined, { cookie: cookie.admin })).statusCode, 404);
      assert.equal((await send(app, 'GET', "/api/admin/candidates/1'%20OR%201=1/export", undefined, { cookie: cookie.admin })).statusCode, 400);
    });
  });

  describe('erasure', () => {
    it('needs an admin and a reason', async () => {
      const candidateId = await candidateOf(t.db, erased.sessionId);
      const url = `/api/admin/candidates/${candidateId}/erase`;
      assert.equal((await send(app, 'POST', url, { reason: 'Request no. 45' }, { cookie: cookie.proctor })).statusCode, 403);
      const noReason = await send(app, 'POST', url, { reason: '  ' }, { cookie: cookie.admin });
      assert.equal(noReason.statusCode, 400);
      assert.equal((await send(app, 'POST', url, { reason: 'x'.repeat(501) }, { cookie: cookie.admin })).statusCode, 400);
      assert.equal((await send(app, 'POST', url, { reason: 'ok reason', extra: 1 }, { cookie: cookie.admin })).statusCode, 400);
      assert.ok(await exists(erased.attempts[0]!.recordings.camera.file), 'nothing was erased by refused requests');
    });

    it('deletes media and personal data, keeps anonymised results and statistics, redacts the audit log', async () => {
      const sessionId = erased.sessionId;
      const candidateId = await candidateOf(t.db, sessionId);
      const before = await t.db.selectFrom('candidates').selectAll().where('id', '=', candidateId).executeTakeFirstOrThrow();
      // The candidate's own entry (as the journey writes it) and an admin entry about the record.
      await appendAction(t.db, { actorName: before.fullName, actorIin: before.iin, sessionId, action: 'candidate.consent_given', details: { locale: 'ru' } });
      await appendAction(t.db, { actorName: 'Admin', action: 'admin.candidate.updated', details: { candidateId, iin: before.iin, changes: { fullName: { from: 'x', to: before.fullName } } } });
      // The candidate came from an LMS (#13): a platform user linked to the record, the
      // session's score target and proctoring attempt, and the launch's entry naming the sub.
      const platformId = await createLtiPlatform(t.db, {
        name: 'Erasure LMS',
        issuer: 'https://lms.erasure.test',
        clientId: 'client-erasure',
        authLoginUrl: 'https://lms.erasure.test/auth',
        authTokenUrl: 'https://lms.erasure.test/token',
        jwksUrl: 'https://lms.erasure.test/jwks',
        deploymentIds: ['d-1'],
      });
      const sub = 'lms-user-8d1f7c';
      await linkLtiUser(t.db, platformId, 'candidate', sub, candidateId);
      await upsertLtiGradeTarget(t.db, { sessionId, platformId, sub, resourceLinkId: 'rl-erase', lineitemsUrl: 'https://lms.erasure.test/lineitems', lineitemUrl: null, scopes: [], locale: 'en' });
      await insertLtiProctoringAttempt(t.db, {
        platformId,
        sub,
        resourceLinkId: 'rl-erase',
        attemptNumber: 1,
        sessionId,
        deploymentId: 'd-1',
        sessionData: 'sd-erase-1',
        startAssessmentUrl: 'https://lms.erasure.test/start',
        resourceLink: { id: 'rl-erase' },
        endAssessmentReturn: false,
      });
      await appendAction(t.db, { actorName: before.fullName, actorIin: null, sessionId, action: 'candidate.lti_launched', details: { platformId, sub, candidateId } });
      const session = await t.db.selectFrom('examSessions').select(['honesty', 'decision', 'startedAt', 'endedAt']).where('id', '=', sessionId).executeTakeFirstOrThrow();
      const stats = await t.db.selectFrom('sessionStatistics').selectAll().where('sessionId', '=', sessionId).executeTakeFirstOrThrow();
      const snapshots = await t.db.selectFrom('violations').select('snapshotPath').where('sessionId', '=', sessionId).where('snapshotPath', 'is not', null).execute();

      const res = await send(app, 'POST', `/api/admin/candidates/${candidateId}/erase`, { reason: 'Request of 12.05.2026, ref. 45' }, { cookie: cookie.admin });
      assert.equal(res.statusCode, 200, res.body);
      const { erasure } = res.json();
      assert.equal(erasure.sessions, 1);
      assert.deepEqual(erasure.deleted, { recordings: 6, snapshots: snapshots.length, photos: 1, violations: erased.violations.length, referencePhoto: false });

      for (const attempt of erased.attempts) for (const r of Object.values(attempt.recordings)) assert.equal(await exists(r.file), false, 'recording file gone');
      for (const s of snapshots) assert.equal(await exists(path.join(dir, s.snapshotPath!)), false, 'snapshot file gone');
      assert.equal(await exists(path.join(dir, sessionId, 'verification', 'face.jpg')), false, 'photo gone');
      assert.equal((await t.db.selectFrom('violations').select('id').where('sessionId', '=', sessionId).execute()).length, 0);

      const after = await t.db.selectFrom('candidates').selectAll().where('id', '=', candidateId).executeTakeFirstOrThrow();
      assert.equal(after.iin, null);
      assert.equal(after.email, null);
      assert.equal(after.fullName, erasure.pseudonym);
      assert.ok(after.erasedAt);
      const sessionAfter = await t.db.selectFrom('examSessions').select(['honesty', 'decision', 'startedAt', 'endedAt', 'candidateName']).where('id', '=', sessionId).executeTakeFirstOrThrow();
      assert.deepEqual({ ...sessionAfter, candidateName: undefined }, { ...session, candidateName: undefined }, 'results stay');
      assert.equal(sessionAfter.candidateName, erasure.pseudonym, 'the Results row shows the pseudonym');
      assert.deepEqual(await t.db.selectFrom('sessionStatistics').selectAll().where('sessionId', '=', sessionId).executeTakeFirstOrThrow(), stats, 'statistics stay');

      const log = await t.db.selectFrom('actionLog').selectAll().execute();
      const text = JSON.stringify(log);
      assert.ok(!text.includes(before.fullName), 'the name is gone from the action log');
      assert.ok(!text.includes(before.iin!), 'the IIN is gone from the action log');
      assert.ok(!text.includes(sub), 'the platform user id is gone from the action log');
      assert.equal((await t.db.selectFrom('ltiUsers').select('sub').where('candidateId', '=', candidateId).execute()).length, 0, 'no LTI user link');
      assert.equal((await t.db.selectFrom('ltiUsers').select('sub').where('sub', '=', sub).execute()).length, 0);
      assert.equal((await t.db.selectFrom('ltiGradeTargets').select('sub').where('sessionId', '=', sessionId).execute()).length, 0, 'no score target');
      assert.equal((await t.db.selectFrom('ltiProctoringAttempts').select('sub').where('sessionId', '=', sessionId).execute()).length, 0, 'no proctoring attempt');
      const erasedEntry = log.find((e) => e.action === 'candidate.erased')!;
      assert.equal(erasedEntry.details.reason, 'Request of 12.05.2026, ref. 45');
      assert.equal(erasedEntry.actorUserId, kept.adminUserId, 'the admin who erased is named');
      const deletions = (await listActionsForSession(t.db, sessionId)).filter((a) => a.action === 'data.deleted');
      assert.deepEqual(deletions.map((d) => d.details.kind).sort(), ['photos', 'recordings', 'snapshots', 'violations']);
      assert.ok(deletions.every((d) => d.details.reason === 'erasure'));

      const evidenceAfter = await evidence(sessionId);
      assert.equal(evidenceAfter.status, 'verified', 'removals recorded in the chain are not tampering');
      assert.equal(evidenceAfter.sealed, 0);

      const again = await send(app, 'POST', `/api/admin/candidates/${candidateId}/erase`, { reason: 'second time' }, { cookie: cookie.admin });
      assert.equal(again.statusCode, 409);
      const exported = await app.inject({ method: 'GET', url: `/api/admin/candidates/${candidateId}/export`, headers: { cookie: cookie.admin } });
      const data = (await unzip(exported.rawPayload)).get('data.json')!.toString('utf8');
      assert.ok(!data.includes(before.fullName) && !data.includes(before.iin!), 'an export afterwards holds no personal data');
    });
  });

  describe('retention', () => {
    it('deletes settled webhook deliveries older than the delivery retention, keeps open and recent ones', async () => {
      const now = new Date();
      const day = 86_400_000;
      const endpointId = await createWebhookEndpoint(t.db, {
        name: 'Retention receiver',
        integrationId: null,
        url: 'https://receiver.test/hooks',
        events: ['session.finished'],
        examId: null,
        enabled: true,
        secret: 'x'.repeat(40),
        createdBy: null,
      });
      const delivery = (label: string, status: 'delivered' | 'failed' | 'retrying', ageDays: number) => ({
        endpointId,
        eventId: randomUUID(),
        eventType: 'session.finished',
        sessionId: null,
        body: JSON.stringify({ label }),
        status,
        createdAt: new Date(now.getTime() - ageDays * day),
      });
      await t.db
        .insertInto('webhookDeliveries')
        .values([
          delivery('old-delivered', 'delivered', 31),
          delivery('old-failed', 'failed', 45),
          delivery('old-open', 'retrying', 40),
          delivery('recent-delivered', 'delivered', 29),
          delivery('short-policy', 'delivered', 8),
        ])
        .execute();
      const left = async () => (await t.db.selectFrom('webhookDeliveries').select('body').where('endpointId', '=', endpointId).execute()).map((r) => JSON.parse(r.body).label).sort();
      const deps = { db: t.db, signer, recordingsDir: dir, logger: log };
      const first = await runRetention(deps, now); // default: 30 days
      assert.equal(first.webhookDeliveries, 2);
      assert.deepEqual(await left(), ['old-open', 'recent-delivered', 'short-policy']);
      const shorter = await runRetention({ ...deps, webhookDeliveryRetentionDays: 7 }, now);
      assert.equal(shorter.webhookDeliveries, 2);
      assert.deepEqual(await left(), ['old-open'], 'a delivery still on its way stays, however old');
    });

    it('deletes what is past the exam’s retention, logs each deletion, keeps the statistics', { timeout: 120_000 }, async () => {
      const sessionId = kept.sessionId;
      const examId = kept.examId;
      const now = new Date();
      const day = 86_400_000;
      await setExamWindow(t.db, examId, { startsAt: new Date(now.getTime() - 10 * day), endsAt: new Date(now.getTime() - 10 * day + 3_600_000) });
      await t.db
        .updateTable('exams')
        .set({ retentionRecordingsDays: 7, retentionSnapshotsDays: 7, retentionPhotosDays: 7, retentionViolationsDays: 30 })
        .where('id', '=', examId)
        .execute();
      const viewer = { userId: kept.adminUserId, role: 'admin' as const };
      const filters = { from: new Date(now.getTime() - 365 * day).toISOString().slice(0, 10), to: now.toISOString().slice(0, 10) };
      const statsBefore = await candidateStatistics(t.db, viewer, filters, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
      const sessionBefore = await t.db.selectFrom('sessionStatistics').selectAll().where('sessionId', '=', sessionId).executeTakeFirstOrThrow();
      const honesty = (await t.db.selectFrom('examSessions').select('honesty').where('id', '=', sessionId).executeTakeFirstOrThrow()).honesty;
      const snapshots = await t.db.selectFrom('violations').select('snapshotPath').where('sessionId', '=', sessionId).where('snapshotPath', 'is not', null).execute();

      const deps = { db: t.db, signer, recordingsDir: dir, logger: log };
      const first = await runRetention(deps, now);
      assert.deepEqual(
        { recordings: first.recordings.items, snapshots: first.snapshots.items, photos: first.photos.items, violations: first.violations.items },
        { recordings: 6, snapshots: snapshots.length, photos: 1, violations: 0 },
        'violations are kept for 30 days, the rest for 7',
      );
      for (const attempt of kept.attempts) for (const r of Object.values(attempt.recordings)) assert.equal(await exists(r.file), false);
      for (const s of snapshots) assert.equal(await exists(path.join(dir, s.snapshotPath!)), false);
      assert.equal((await t.db.selectFrom('violations').select('id').where('sessionId', '=', sessionId).where('snapshotPath', 'is not', null).execute()).length, 0);
      assert.equal((await t.db.selectFrom('violations').select('id').where('sessionId', '=', sessionId).execute()).length, kept.violations.length);

      // A month later the violations go too; the erased candidate's session had nothing left.
      const later = new Date(now.getTime() + 31 * day);
      const second = await runRetention(deps, later);
      assert.equal(second.violations.items, kept.violations.length);
      assert.equal(second.violations.sessions, 1);
      assert.equal((await t.db.selectFrom('violations').select('id').where('sessionId', '=', sessionId).execute()).length, 0);

      const deletions = (await listActionsForSession(t.db, sessionId)).filter((a) => a.action === 'data.deleted');
      assert.deepEqual(deletions.map((d) => d.details.kind).sort(), ['photos', 'recordings', 'snapshots', 'violations']);
      for (const d of deletions) {
        assert.equal(d.actorName, 'system');
        assert.equal(d.details.reason, 'retention');
        assert.equal(d.details.examId, examId);
      }

      const statsAfter = await candidateStatistics(t.db, viewer, filters, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
      assert.deepEqual(statsAfter.rows.map((r) => ({ ...r, candidateName: undefined })), statsBefore.rows.map((r) => ({ ...r, candidateName: undefined })), 'statistics by candidate unchanged');
      assert.deepEqual(await t.db.selectFrom('sessionStatistics').selectAll().where('sessionId', '=', sessionId).executeTakeFirstOrThrow(), sessionBefore);
      assert.equal((await t.db.selectFrom('examSessions').select('honesty').where('id', '=', sessionId).executeTakeFirstOrThrow()).honesty, honesty);

      const again = await runRetention(deps, later);
      assert.deepEqual([again.snapshots, again.violations, again.recordings, again.photos].map((c) => c.sessions), [0, 0, 0, 0], 'a second run has nothing left to do');
      assert.equal((await listActionsForSession(t.db, sessionId)).filter((a) => a.action === 'data.deleted').length, 4, 'and logs nothing twice');

      const report = sessionReport.parse((await send(app, 'GET', `/api/sessions/${sessionId}/report`, undefined, { cookie: cookie.proctor })).json());
      assert.ok(report.attempts.every((a) => a.recordings.every((r) => r.problem === 'deleted')));
      assert.deepEqual(report.removals.map((r) => r.kind).sort(), ['photos', 'recordings', 'snapshots', 'violations']);
      assert.equal(report.honesty, null, 'nothing is left to explain the stored honesty with');
      assert.equal((await evidence(sessionId)).status, 'verified');
    });
  });
});
