/**
 * The LMS REST API (#13) through buildApp with real sign-in and a real database: API keys
 * created by an admin (a proctor is refused), /api/v1 with a good key, every kind of bad
 * key (missing, malformed, SQL-ish, wrong secret, revoked → 401), a per-exam key kept to its
 * exam, cookies ignored, last_used_at, and the OpenAPI document covering every /api/v1 route
 * registered in fastify (walked with an onRoute hook) and nothing more. Writes: api-v1-write.test.ts.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify';
import { createExam, ensureDiscipline, listActionsForSession, setUserPasswordHash } from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { buildTestApp } from './support/test-app.ts';
import { hashPassword } from '../src/services/auth.service.ts';
import { createdApiKey, v1Api, v1CandidateList, v1ExamList, v1SessionDetail, v1SessionList } from '../src/contract/api/v1.ts';
import { openApiPath } from '../src/http/openapi.ts';
import { seedReviewSession, type ReviewSession } from '../../tests/support/review-fixture.ts';
import { ORIGIN, PUBLIC_URL, login } from './auth-harness.ts';

const PASSWORD = 'api-v1-test-2026';

describe('REST API v1 and API keys', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let dir: string;
  let review: ReviewSession;
  let otherExamId: string;
  const routes: RouteOptions[] = [];
  const cookie = { admin: '', proctor: '' };

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-api-v1-'));
    review = await seedReviewSession(t.db, dir);
    const hash = await hashPassword(PASSWORD);
    await setUserPasswordHash(t.db, review.proctorUserId, hash);
    await setUserPasswordHash(t.db, review.adminUserId, hash);
    const disciplineId = await ensureDiscipline(t.db, 'Тарих');
    otherExamId = await createExam(t.db, {
      name: 'Қазақстан тарихы',
      disciplineId,
      startsAt: new Date('2025-03-01T08:00:00Z'),
      endsAt: new Date('2025-03-01T12:00:00Z'),
    });
    app = await buildTestApp(t.db, { recordingsDir: dir, onRoute: (r) => routes.push(r) });
    cookie.admin = await login(app, 'admin@demo.proctor.local', PASSWORD);
    cookie.proctor = await login(app, 'proctor@demo.proctor.local', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const admin = (method: 'GET' | 'POST', url: string, body?: object, who = cookie.admin): Promise<LightMyRequestResponse> =>
    app.inject({ method, url, headers: { cookie: who, origin: ORIGIN }, ...(body ? { payload: body } : {}) });
  const v1 = (url: string, key: string | null, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    app.inject({ method: 'GET', url, headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...extra } });
  const newKey = async (body: object) => {
    const res = await admin('POST', '/api/admin/api-keys', body);
    assert.equal(res.statusCode, 201, res.body);
    return createdApiKey.parse(res.json());
  };

  it('an admin creates a key, sees it once, lists it by prefix; a proctor is refused', async () => {
    const created = await newKey({ name: 'Moodle', scopes: ['read'] });
    assert.match(created.secret, /^pk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    assert.ok(created.secret.startsWith(created.key.prefix.replace('…', '')));
    const list = await admin('GET', '/api/admin/api-keys');
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(created.secret), 'the secret is never listed');
    assert.ok(list.json().items.some((k: { id: string }) => k.id === created.key.id));
    const row = await t.db.selectFrom('apiKeys').selectAll().where('id', '=', created.key.id).executeTakeFirstOrThrow();
    assert.equal(row.secretHash.length, 32);
    assert.ok(!row.secretHash.toString('latin1').includes(created.secret.slice(-43)));

    assert.equal((await admin('POST', '/api/admin/api-keys', { name: 'x', scopes: ['read'] }, cookie.proctor)).statusCode, 403);
    assert.equal((await admin('GET', '/api/admin/api-keys', undefined, cookie.proctor)).statusCode, 403);
    assert.equal((await app.inject({ method: 'GET', url: '/api/admin/api-keys' })).statusCode, 401);
  });

  it('refuses bad key input with the field named', async () => {
    for (const [body, field] of [
      [{ name: '', scopes: ['read'] }, 'name'],
      [{ name: 'a', scopes: [] }, 'scopes'],
      [{ name: 'a', scopes: ['admin'] }, 'scopes.0'],
      [{ name: 'a', scopes: ['read'], examId: 'not-a-uuid' }, 'examId'],
      [{ name: 'a', scopes: ['read'], examId: '00000000-0000-4000-8000-000000000000' }, 'examId'],
      [{ name: 'a', scopes: ['read'], extra: 1 }, ''],
    ] as const) {
      const res = await admin('POST', '/api/admin/api-keys', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      if (field) assert.equal(res.json().error.field, field, res.body);
    }
  });

  it('a global key reads exams, candidates, sessions and one session in full', async () => {
    const { secret, key } = await newKey({ name: 'LMS global', scopes: ['read'] });
    assert.equal(key.lastUsedAt, null);
    const exams = await v1('/api/v1/exams', secret);
    assert.equal(exams.statusCode, 200, exams.body);
    assert.equal(exams.headers['cache-control'], 'no-store');
    const examList = v1ExamList.parse(exams.json());
    assert.ok(examList.items.some((e) => e.id === review.examId));
    assert.ok(examList.items.some((e) => e.id === otherExamId));
    assert.ok(examList.items.every((e) => e.mediaProfile === 'grid'), 'each exam names its media profile (#11; the default here)');

    const candidates = v1CandidateList.parse((await v1(`/api/v1/exams/${review.examId}/candidates`, secret)).json());
    assert.ok(candidates.items.some((c) => c.sessionId === review.sessionId && c.fullName === review.candidateName));

    const sessions = v1SessionList.parse((await v1(`/api/v1/exams/${review.examId}/sessions?pageSize=5`, secret)).json());
    assert.ok(sessions.items.length > 0 && sessions.items.every((s) => s.examId === review.examId));
    assert.equal(sessions.pageSize, 5);

    const res = await v1(`/api/v1/sessions/${review.sessionId}`, secret);
    assert.equal(res.statusCode, 200, res.body);
    const detail = v1SessionDetail.parse(res.json());
    assert.equal(detail.session.id, review.sessionId);
    assert.equal(detail.violations.length, review.violations.length);
    assert.equal(detail.recordings.length, review.attempts.reduce((n, a) => n + Object.keys(a.recordings).length, 0));
    assert.ok(detail.honesty && detail.honesty.lines.length > 0);
    assert.equal(detail.links.report, `${PUBLIC_URL}/results/${review.sessionId}`);
    assert.equal(detail.links.photoReport, `${PUBLIC_URL}/results/${review.sessionId}/photo`);
    // Reading through the API writes nothing to the session's audit trail.
    assert.ok(!(await listActionsForSession(t.db, review.sessionId)).some((a) => a.actorName === 'API'));

    const row = await t.db.selectFrom('apiKeys').select('lastUsedAt').where('id', '=', key.id).executeTakeFirstOrThrow();
    assert.ok(row.lastUsedAt && Date.now() - row.lastUsedAt.getTime() < 60_000, 'last_used_at is set');
  });

  it('answers 401 with a JSON error for a missing, malformed, SQL-ish, wrong or revoked key', async () => {
    const { secret, key } = await newKey({ name: 'to revoke', scopes: ['read'] });
    const wrongSecret = secret.slice(0, -4) + (secret.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const unknownPrefix = `pk_zzzzzzzzzzzz_${secret.slice(-43)}`;
    const bad: (string | null)[] = [
      null,
      '',
      'pk_',
      "' OR '1'='1",
      "pk_abc'--_x",
      `pk_aaaaaaaaaaaa_${"'; DROP TABLE api_keys; --".padEnd(43, 'x')}`,
      secret.toUpperCase(),
      wrongSecret,
      unknownPrefix,
      `${secret} extra`,
    ];
    for (const k of bad) {
      const res = await v1('/api/v1/exams', k);
      assert.equal(res.statusCode, 401, `${k}: ${res.body}`);
      assert.equal(res.json().error.code, 'unauthenticated');
    }
    // Not a Bearer header at all.
    assert.equal((await v1('/api/v1/exams', null, { authorization: `Basic ${secret}` })).statusCode, 401);
    // A staff cookie is not a credential here.
    assert.equal((await v1('/api/v1/exams', null, { cookie: cookie.admin })).statusCode, 401);
    assert.equal(await t.db.selectFrom('apiKeys').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n) > 0), true);

    assert.equal((await v1('/api/v1/exams', secret)).statusCode, 200);
    assert.equal((await admin('POST', `/api/admin/api-keys/${key.id}/revoke`)).statusCode, 204);
    assert.equal((await admin('POST', `/api/admin/api-keys/${key.id}/revoke`)).statusCode, 204, 'revoking twice is harmless');
    const revoked = await v1('/api/v1/exams', secret);
    assert.equal(revoked.statusCode, 401);
    assert.match(revoked.json().error.message, /revoked/);
    assert.equal((await admin('POST', '/api/admin/api-keys/00000000-0000-4000-8000-000000000000/revoke')).statusCode, 404);
  });

  it('a per-exam key sees only its exam and its sessions', async () => {
    const { secret } = await newKey({ name: 'one exam', scopes: ['read'], examId: otherExamId });
    const exams = v1ExamList.parse((await v1('/api/v1/exams', secret)).json());
    assert.deepEqual(exams.items.map((e) => e.id), [otherExamId]);
    assert.equal(exams.total, 1);
    assert.equal((await v1(`/api/v1/exams/${otherExamId}/sessions`, secret)).statusCode, 200);
    for (const url of [`/api/v1/exams/${review.examId}/candidates`, `/api/v1/exams/${review.examId}/sessions`, `/api/v1/sessions/${review.sessionId}`]) {
      const res = await v1(url, secret);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'not_found');
    }
  });

  it('a key without the read scope is refused (403); bad ids and queries are clear errors', async () => {
    const writeOnly = await newKey({ name: 'write only', scopes: ['write'] });
    const res = await v1('/api/v1/exams', writeOnly.secret);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'forbidden');
    const { secret } = await newKey({ name: 'reader', scopes: ['read'] });
    assert.equal((await v1('/api/v1/sessions/not-a-uuid', secret)).statusCode, 404);
    assert.equal((await v1("/api/v1/exams/1'%20OR%201=1/sessions", secret)).statusCode, 404);
    const badPage = await v1('/api/v1/exams?pageSize=5000', secret);
    assert.equal(badPage.statusCode, 400);
    assert.match(badPage.json().error.message, /pageSize/);
    assert.equal((await v1('/api/v1/exams?drop=1', secret)).statusCode, 400);
  });

  it('the OpenAPI 3.1 document covers every registered /api/v1 route', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(doc.openapi, '3.1.0');
    const registered = routes
      .filter((r) => r.url.startsWith('/api/v1/'))
      .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD').map((m) => `${m} ${openApiPath(r.url)}`));
    assert.ok(registered.length >= Object.keys(v1Api).length, registered.join(', '));
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const missing = registered.filter((r) => !documented.includes(r));
    assert.deepEqual(missing, [], `undocumented /api/v1 routes: ${missing.join(', ')}`);
    // …and nothing documented that the server does not answer.
    const phantom = documented.filter((d) => !registered.includes(d));
    assert.deepEqual(phantom, [], `documented but not registered: ${phantom.join(', ')}`);
    // Every reference resolves inside the document (no dangling "#/$defs/…").
    const schemas = (doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas;
    for (const [, ref] of res.body.matchAll(/"\$ref":"([^"]+)"/g)) {
      assert.ok(ref!.startsWith('#/components/schemas/') && ref!.slice(21) in schemas, `dangling $ref ${ref}`);
    }
    // Each operation states its scope, the writes their body, and every one the per-key limit.
    const ops = Object.values(doc.paths).flatMap((o) => Object.values(o)) as { operationId: string; 'x-scope': string; requestBody?: unknown; responses: Record<string, unknown> }[];
    for (const op of ops) {
      const route = v1Api[op.operationId as keyof typeof v1Api];
      assert.ok(route, `unknown operation ${op.operationId}`);
      assert.equal(op['x-scope'], route.scope, op.operationId);
      assert.equal(op.requestBody !== undefined, route.body !== null, `${op.operationId}: requestBody`);
      assert.ok('429' in op.responses && String(route.status) in op.responses, op.operationId);
    }
    const page = await app.inject({ method: 'GET', url: '/api/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.ok(page.body.includes('/api/v1/sessions/{id}'));
  });
});
