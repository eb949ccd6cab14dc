/**
 * The write side of the LMS REST API (#13) through buildApp on a real database: scopes (a
 * read key on a write route → 403 naming the scope), per-exam keys (404 for other exams,
 * 403 for creating one), exam create/update, idempotent candidate upsert by externalId /
 * IIN / e-mail, a candidate link that opens the candidate's session, a decision audit-logged
 * under the key, bad and SQL-ish input, oversized bodies (413), and the per-key rate limit
 * (429 with Retry-After).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createIntegration, listActionsForSession, makeIin, setUserPasswordHash } from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { buildTestApp } from './support/test-app.ts';
import { verifyToken } from '../src/auth/token.ts';
import { hashPassword } from '../src/services/auth.service.ts';
import { createdApiKey, v1CandidatesUpserted, v1DecisionResult, v1ExamDetail, v1SignOnLink } from '../src/contract/api/v1.ts';
import { seedReviewSession, type ReviewSession } from '../../tests/support/review-fixture.ts';
import { ORIGIN, PUBLIC_URL, login } from './auth-harness.ts';

const PASSWORD = 'api-v1-write-2026';
const RATE_MAX = 40;
/** Valid IINs (birth date and check digit), one per role in the tests. */
const IIN: string[] = Array.from({ length: 7 }, (_, i) => makeIin(new Date('2002-03-04'), i % 2 ? 'female' : 'male', 100 + i));

describe('REST API v1: writes, scopes, limits', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let dir: string;
  let review: ReviewSession;
  let integrationId: string;
  let tokenSecret: string;
  let adminCookie = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-api-v1w-'));
    review = await seedReviewSession(t.db, dir);
    await setUserPasswordHash(t.db, review.adminUserId, await hashPassword(PASSWORD));
    integrationId = await createIntegration(t.db, { name: 'Moodle KazNU', sharedSecret: randomBytes(32).toString('hex'), jwksUrl: null, issuers: ['https://moodle.test'] });
    tokenSecret = randomBytes(32).toString('base64url');
    app = await buildTestApp(t.db, { recordingsDir: dir, tokenSecret, rateLimitPrefix: `rl-${randomBytes(4).toString('hex')}`, apiV1RateLimit: { max: RATE_MAX, timeWindowMs: 60_000 } });
    adminCookie = await login(app, 'admin@demo.proctor.local', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const newKey = async (body: object) => {
    const res = await app.inject({ method: 'POST', url: '/api/admin/api-keys', headers: { cookie: adminCookie, origin: ORIGIN }, payload: body });
    assert.equal(res.statusCode, 201, res.body);
    return createdApiKey.parse(res.json()).secret;
  };
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, key: string, body?: unknown): Promise<LightMyRequestResponse> =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(body === undefined ? {} : { payload: body as object }) });

  const examBody = {
    name: 'Алгебра — LMS',
    discipline: 'Математика',
    startsAt: new Date(Date.now() - 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    assessmentUrl: 'https://moodle.test/mod/quiz/view.php?id=7',
    violationWeights: { no_face: 2.5 },
  };

  it('a read key on a write route gets 403 naming the scope; a write key creates and updates an exam', async () => {
    const reader = await newKey({ name: 'reader', scopes: ['read'] });
    const refused = await call('POST', '/api/v1/exams', reader, examBody);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().error.code, 'forbidden');
    assert.match(refused.json().error.message, /"write" scope/);

    const writer = await newKey({ name: 'LMS writer', scopes: ['read', 'write'], integrationId });
    const created = await call('POST', '/api/v1/exams', writer, examBody);
    assert.equal(created.statusCode, 201, created.body);
    const exam = v1ExamDetail.parse(created.json());
    assert.equal(exam.name, examBody.name);
    assert.equal(exam.discipline, 'Математика');
    assert.equal(exam.assessmentUrl, examBody.assessmentUrl);
    assert.equal(exam.violationWeights.no_face, 2.5);
    assert.equal(exam.honestyThreshold, 70);

    const updated = await call('PATCH', `/api/v1/exams/${exam.id}`, writer, { name: 'Алгебра (қайта)', honestyThreshold: 80 });
    assert.equal(updated.statusCode, 200, updated.body);
    const after = v1ExamDetail.parse(updated.json());
    assert.equal(after.name, 'Алгебра (қайта)');
    assert.equal(after.honestyThreshold, 80);
    assert.equal(after.violationWeights.no_face, 2.5, 'fields not sent stay');
    const audit = await t.db.selectFrom('actionLog').select(['actorName', 'actorUserId', 'action']).where('action', 'in', ['admin.exam.created', 'admin.exam.updated']).execute();
    assert.ok(audit.length >= 2 && audit.every((a) => a.actorName === 'API: LMS writer' && a.actorUserId === null), JSON.stringify(audit));
  });

  it('refuses bad, SQL-ish and oversized bodies with the field named', async () => {
    const writer = await newKey({ name: 'bad input', scopes: ['write'] });
    for (const [body, field] of [
      [{ ...examBody, endsAt: examBody.startsAt }, 'endsAt'],
      [{ ...examBody, name: '' }, 'name'],
      [{ ...examBody, startsAt: "2025-01-01' OR 1=1 --" }, 'startsAt'],
      [{ ...examBody, assessmentUrl: 'javascript:alert(1)' }, 'assessmentUrl'],
      [{ ...examBody, violationWeights: { no_face: -1 } }, 'violationWeights.no_face'],
      [{ ...examBody, proctoringMode: "online'; DROP TABLE exams; --" }, 'proctoringMode'],
      [{ ...examBody, extra: 1 }, ''],
    ] as const) {
      const res = await call('POST', '/api/v1/exams', writer, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().error.code, 'bad_request');
      if (field) assert.ok(res.json().error.message.startsWith(`${field}:`), res.body);
    }
    const bad = await call('PUT', `/api/v1/exams/${review.examId}/candidates`, writer, { candidates: [{ fullName: 'A B', iin: "1' OR '1'='1" }] });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /^candidates\.0\.iin:/);
    const huge = await call('PUT', `/api/v1/exams/${review.examId}/candidates`, writer, { candidates: [{ fullName: 'x'.repeat(300_000), iin: IIN[6] }] });
    assert.equal(huge.statusCode, 413, huge.body);
    assert.equal(huge.json().error.code, 'payload_too_large');
    const tooMany = await call('PUT', `/api/v1/exams/${review.examId}/candidates`, writer, {
      candidates: Array.from({ length: 501 }, (_, i) => ({ fullName: 'А Б', iin: makeIin(new Date('2001-01-01'), 'male', 500 + i) })),
    });
    assert.equal(tooMany.statusCode, 400);
    assert.equal((await call('PATCH', "/api/v1/exams/1'%20OR%201=1", writer, { name: 'x' })).statusCode, 404);
    assert.ok(await t.db.selectFrom('exams').select('id').executeTakeFirst(), 'the exams table is intact');
  });

  it('upserts candidates idempotently by externalId, IIN and e-mail, each with a session', async () => {
    const writer = await newKey({ name: 'roster', scopes: ['read', 'write'], integrationId });
    const url = `/api/v1/exams/${review.examId}/candidates`;
    const list = {
      candidates: [
        { externalId: 'moodle-501', fullName: 'Серіков Әлихан', iin: IIN[0], email: 'alikhan@uni.test', group: 'МТ-21' },
        { fullName: 'Омарова Дана', iin: IIN[1], email: 'dana@uni.test' },
      ],
    };
    const first = v1CandidatesUpserted.parse((await call('PUT', url, writer, list)).json());
    assert.deepEqual(first.items.map((i) => i.result), ['created', 'created']);
    const again = await call('PUT', url, writer, list);
    assert.equal(again.statusCode, 200, again.body);
    const second = v1CandidatesUpserted.parse(again.json());
    assert.deepEqual(second.items.map((i) => i.result), ['unchanged', 'unchanged']);
    assert.deepEqual(second.items.map((i) => [i.id, i.sessionId]), first.items.map((i) => [i.id, i.sessionId]), 'same candidates, same sessions');

    // A new IIN under the same externalId is the same person corrected; a known e-mail with a new IIN finds nobody twice.
    const renamed = v1CandidatesUpserted.parse(
      (await call('PUT', url, writer, { candidates: [{ externalId: 'moodle-501', fullName: 'Серіков Әлихан Б.', iin: IIN[0] }] })).json(),
    );
    assert.equal(renamed.items[0]!.id, first.items[0]!.id);
    assert.equal(renamed.items[0]!.result, 'updated');
    // Matched by e-mail when the IIN is new to us (the LMS corrected a typo in it).
    const byEmail = v1CandidatesUpserted.parse((await call('PUT', url, writer, { candidates: [{ fullName: 'Омарова Дана', iin: IIN[5], email: 'DANA@uni.test' }] })).json());
    assert.equal(byEmail.items[0]!.id, first.items[1]!.id);
    assert.equal(byEmail.items[0]!.result, 'updated');
    const rows = await t.db.selectFrom('candidates').select(['id', 'fullName']).where('iin', 'in', [IIN[0]!, IIN[1]!, IIN[5]!]).execute();
    assert.equal(rows.length, 2);
    const candidates = (await call('GET', url, writer)).json() as { items: { id: string; externalId: string | null }[] };
    assert.equal(candidates.items.find((c) => c.id === first.items[0]!.id)?.externalId, 'moodle-501');

    // An IIN of another candidate under a linked externalId is a conflict, and nothing of the list is applied.
    const clash = await call('PUT', url, writer, {
      candidates: [
        { fullName: 'Жаңа Адам', iin: IIN[2] },
        { externalId: 'moodle-501', fullName: 'X Y', iin: IIN[5] },
      ],
    });
    assert.equal(clash.statusCode, 409, clash.body);
    assert.equal(await t.db.selectFrom('candidates').select('id').where('iin', '=', IIN[2]!).executeTakeFirst(), undefined);
    // externalId needs a key of an integration.
    const loose = await newKey({ name: 'no integration', scopes: ['write'] });
    assert.equal((await call('PUT', url, loose, { candidates: [{ externalId: 'z', fullName: 'А Б', iin: IIN[3] }] })).statusCode, 400);
  });

  it("mints a candidate link for a session and sets the decision, audit-logged under the key", async () => {
    const writer = await newKey({ name: 'decider', scopes: ['write'], integrationId });
    const [roster] = v1CandidatesUpserted.parse(
      (await call('PUT', `/api/v1/exams/${(await firstOpenExam())}/candidates`, writer, { candidates: [{ fullName: 'Байтұрсын Ахмет', iin: IIN[4] }] })).json(),
    ).items;
    const linkRes = await call('POST', `/api/v1/sessions/${roster!.sessionId}/sign-on-link`, writer);
    assert.equal(linkRes.statusCode, 201, linkRes.body);
    const link = v1SignOnLink.parse(linkRes.json());
    const token = new URL(link.url).searchParams.get('token')!;
    assert.ok(link.url.startsWith(`${PUBLIC_URL}/exam?token=`));
    const claims = verifyToken(token, tokenSecret);
    assert.ok(claims.role === 'candidate' && claims.sessionId === roster!.sessionId, JSON.stringify(claims));
    assert.ok((await listActionsForSession(t.db, roster!.sessionId)).some((a) => a.action === 'api.candidate_link_created' && a.actorName === 'API: decider'));

    const res = await call('PUT', `/api/v1/sessions/${review.sessionId}/decision`, writer, { decision: 'annulled' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(v1DecisionResult.parse(res.json()).session.decision, 'annulled');
    const entry = (await listActionsForSession(t.db, review.sessionId)).find((a) => a.action === 'session.decision_changed');
    assert.ok(entry && entry.actorName === 'API: decider' && entry.actorUserId === null, JSON.stringify(entry));
    assert.equal((entry!.details as { apiKeyId?: string }).apiKeyId !== undefined, true);
    assert.equal((await call('PUT', `/api/v1/sessions/${review.sessionId}/decision`, writer, { decision: "x' OR 1=1" })).statusCode, 400);
  });

  it('a per-exam key writes only to its exam (404 elsewhere) and cannot create exams', async () => {
    const writer = await newKey({ name: 'global', scopes: ['write'] });
    const other = v1ExamDetail.parse((await call('POST', '/api/v1/exams', writer, { ...examBody, name: 'Басқа емтихан' })).json());
    const scoped = await newKey({ name: 'one exam', scopes: ['read', 'write'], examId: other.id });
    assert.equal((await call('PATCH', `/api/v1/exams/${other.id}`, scoped, { honestyThreshold: 60 })).statusCode, 200);
    for (const [method, url, body] of [
      ['PATCH', `/api/v1/exams/${review.examId}`, { honestyThreshold: 60 }],
      ['PUT', `/api/v1/exams/${review.examId}/candidates`, { candidates: [{ fullName: 'А Б', iin: IIN[3] }] }],
      ['POST', `/api/v1/sessions/${review.sessionId}/sign-on-link`, undefined],
      ['PUT', `/api/v1/sessions/${review.sessionId}/decision`, { decision: 'admitted' }],
    ] as const) {
      const res = await call(method, url, scoped, body);
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'not_found');
    }
    const create = await call('POST', '/api/v1/exams', scoped, examBody);
    assert.equal(create.statusCode, 403);
    assert.match(create.json().error.message, /one exam/);
  });

  it('limits requests per key: 429 with Retry-After, other keys unaffected', async () => {
    const busy = await newKey({ name: 'busy', scopes: ['read'] });
    const calm = await newKey({ name: 'calm', scopes: ['read'] });
    for (let i = 0; i < RATE_MAX; i++) assert.equal((await call('GET', '/api/v1/exams?pageSize=1', busy)).statusCode, 200, `request ${i + 1}`);
    const over = await call('GET', '/api/v1/exams?pageSize=1', busy);
    assert.equal(over.statusCode, 429, over.body);
    assert.equal(over.json().error.code, 'rate_limited');
    const retry = Number(over.headers['retry-after']);
    assert.ok(retry > 0 && retry <= 60, `Retry-After ${over.headers['retry-after']}`);
    // The limit counts every route of the key, not each route apart.
    assert.equal((await call('GET', `/api/v1/sessions/${review.sessionId}`, busy)).statusCode, 429);
    assert.equal((await call('GET', '/api/v1/exams?pageSize=1', calm)).statusCode, 200);
  });

  /** An exam whose window is open now (the one the first test created). */
  async function firstOpenExam(): Promise<string> {
    const row = await t.db.selectFrom('exams').select('id').where('endsAt', '>', new Date()).where('archivedAt', 'is', null).orderBy('createdAt', 'desc').executeTakeFirstOrThrow();
    return row.id;
  }
});
