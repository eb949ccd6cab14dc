/**
 * The Results HTTP API through buildApp with real sign-in: filters from the query string,
 * grouping and "Expand", decisions with their audit entry and live push, proctor scoping,
 * and bad input (each a clear 4xx that changes nothing).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import {
  assignProctor,
  createExam,
  ensureDiscipline,
  ensureExamSession,
  ensureGroup,
  listActionsForSession,
  makeIin,
  upsertCandidateByIin,
  upsertUserByEmail,
} from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { buildApp, candidatePhotos } from '../src/http/app.ts';
import { AuthService, hashPassword } from '../src/services/auth.service.ts';
import { ResultsService } from '../src/services/results.service.ts';
import { createEventBus } from '../src/events/event-bus.ts';
import { HttpError } from '../src/http/errors.ts';
import {
  candidateSessionsResponse,
  resultsChoicesResponse,
  resultsResponse,
  resultsSearchParams,
  sessionRowResponse,
  type ResultRow,
  type ResultsQueryInput,
} from '../src/contract/api/results.ts';
import { ORIGIN, PUBLIC_URL, login } from './auth-harness.ts';

const PASSWORD = 'results-test-2026';

describe('Results API', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  const pushes: { examId: string; row: ResultRow }[] = [];
  const cookie = { admin: '', a: '', b: '' };
  const ids = { e1: '', e2: '', c1: '', c2: '', c3: '', c4: '', a: '' };
  const s: Record<'e1c1' | 'e1c2' | 'e1c3' | 'e1c4' | 'e2c1' | 'e2c4', string> = { e1c1: '', e1c2: '', e1c3: '', e1c4: '', e2c1: '', e2c4: '' };

  beforeAll(async () => {
    t = await createTestDatabase();
    const db = t.db;
    const passwordHash = await hashPassword(PASSWORD);
    const user = (email: string, fullName: string, role: 'admin' | 'proctor', serial: number) =>
      upsertUserByEmail(db, { email, fullName, role, passwordHash, iin: makeIin(new Date('1990-01-01'), 'female', serial) });
    await user('admin@results.test', 'Серікбаев Дәурен', 'admin', 1);
    ids.a = await user('a@results.test', 'Нұрланова Айгүл', 'proctor', 2);
    const b = await user('b@results.test', 'Смирнова Ольга', 'proctor', 3);

    const disciplineId = await ensureDiscipline(db, 'Экология');
    const groupId = await ensureGroup(db, 'ИС-22-1');
    const window = { startsAt: new Date('2025-03-01T08:00:00Z'), endsAt: new Date('2025-03-01T12:00:00Z') };
    ids.e1 = await createExam(db, { name: 'Экология: аралық бақылау', disciplineId, ...window });
    ids.e2 = await createExam(db, { name: 'Экология: итоговый экзамен', disciplineId, ...window });
    await assignProctor(db, ids.e1, ids.a);
    await assignProctor(db, ids.e2, b);

    const names = ['Әбдіқадыров Нұрсұлтан', 'Қаналбекова Ұлдана', 'Үсенова Шаһизада', 'Смирнов Алексей'];
    const [c1, c2, c3, c4] = await Promise.all(
      names.map((fullName, i) => upsertCandidateByIin(db, { fullName, iin: makeIin(new Date('2004-01-01'), 'male', 100 + i), groupId })),
    );
    Object.assign(ids, { c1, c2, c3, c4 });
    const session = async (examId: string, candidateId: string, values: Record<string, unknown>) => {
      const id = await ensureExamSession(db, examId, candidateId);
      if (Object.keys(values).length) await db.updateTable('examSessions').set(values).where('id', '=', id).execute();
      return id;
    };
    const at = (hhmm: string) => new Date(`2025-03-01T${hhmm}:00Z`);
    s.e1c1 = await session(ids.e1, c1!, { status: 'finished', startedAt: at('09:00'), endedAt: at('09:40'), honesty: 80 });
    s.e1c2 = await session(ids.e1, c2!, { status: 'in_progress', startedAt: at('09:05'), honesty: 55 });
    s.e1c3 = await session(ids.e1, c3!, {});
    s.e1c4 = await session(ids.e1, c4!, { status: 'finished', startedAt: at('08:10'), endedAt: at('08:50'), honesty: 99, archived: true });
    s.e2c1 = await session(ids.e2, c1!, { status: 'finished', startedAt: at('10:00'), endedAt: at('10:30'), honesty: 30, decision: 'not_admitted' });
    s.e2c4 = await session(ids.e2, c4!, { status: 'finished', startedAt: at('10:02'), endedAt: at('10:45'), honesty: 95 });

    const log = pino({ level: 'silent' });
    const auth = new AuthService({ db, mailer: { send: async () => undefined }, publicUrl: PUBLIC_URL, log });
    // The media node's wiring: the app publishes decisions on the bus, a subscriber pushes the row.
    const events = await createEventBus({ log });
    const rows = new ResultsService({ db, emitSessionChanged: (examId, row) => pushes.push({ examId, row }), photos: candidatePhotos(null), events });
    events.subscribe('decision.changed', (e) => rows.publishSession(e.sessionId));
    events.subscribe('session.updated', (e) => rows.publishSession(e.sessionId));
    app = await buildApp({
      log,
      db,
      pool: { size: 0, pids: () => [] },
      webBuildDir: null,
      auth,
      devMailbox: null,
      events,
    });
    cookie.admin = await login(app, 'admin@results.test', PASSWORD);
    cookie.a = await login(app, 'a@results.test', PASSWORD);
    cookie.b = await login(app, 'b@results.test', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const get = (url: string, who?: string) => app.inject({ method: 'GET', url, headers: who ? { cookie: who } : {} });
  const results = async (query: ResultsQueryInput, who = cookie.admin) => {
    const res = await get(`/api/results?${resultsSearchParams(query)}`, who);
    assert.equal(res.statusCode, 200, res.body);
    return resultsResponse.parse(res.json());
  };
  const sessionIds = async (query: ResultsQueryInput, who = cookie.admin) => {
    const r = await results(query, who);
    assert.equal(r.groupBy, 'none');
    return r.rows.map((row) => Object.entries(s).find(([, id]) => id === (row as ResultRow).sessionId)?.[0]);
  };
  const patch = (sessionId: string, body: unknown, who = cookie.admin, origin = ORIGIN) =>
    app.inject({ method: 'PATCH', url: `/api/sessions/${sessionId}/decision`, headers: { cookie: who, origin }, payload: body as object });
  const error = (res: { statusCode: number; json(): unknown }) => [res.statusCode, (res.json() as { error: { code: string; message: string } }).error];
  const decisionOf = async (id: string) =>
    (await t.db.selectFrom('examSessions').select('decision').where('id', '=', id).executeTakeFirstOrThrow()).decision;

  it('requires a signed-in proctor or admin on every route', async () => {
    for (const res of [
      await get('/api/results'),
      await get(`/api/results/candidates/${ids.c1}/sessions`),
      await app.inject({ method: 'PATCH', url: `/api/sessions/${s.e1c1}/decision`, headers: { origin: ORIGIN }, payload: { decision: 'admitted' } }),
    ]) {
      assert.equal(res.statusCode, 401);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'unauthenticated');
    }
  });

  it('lists current sessions newest first with a total, as the contract describes', async () => {
    const r = await results({});
    assert.deepEqual([r.groupBy, r.total, r.totalExact, r.page, r.pageSize], ['none', 5, true, 1, 50]);
    const first = r.rows[0] as ResultRow;
    assert.deepEqual(first, {
      sessionId: s.e2c4,
      examId: ids.e2,
      candidateId: ids.c4,
      photoUrl: null,
      candidateName: 'Смирнов Алексей',
      groupId: first.groupId,
      groupName: 'ИС-22-1',
      status: 'finished',
      startedAt: '2025-03-01T10:02:00.000Z',
      endedAt: '2025-03-01T10:45:00.000Z',
      honesty: 95,
      examName: 'Экология: итоговый экзамен',
      timeZone: 'Asia/Almaty',
      decision: 'none',
      reviewStatus: 'not_viewed',
    });
    // Not started (e1c3) counts as the earliest start.
    assert.deepEqual(await sessionIds({}), ['e2c4', 'e2c1', 'e1c2', 'e1c1', 'e1c3']);
  });

  it('reads filters, sorting and paging from the query string', async () => {
    assert.deepEqual(await sessionIds({ status: ['finished', 'in_progress'], sort: 'honesty', dir: 'asc' }), ['e2c1', 'e1c2', 'e1c1', 'e2c4']);
    const comma = await get('/api/results?status=finished,in_progress&sort=honesty&dir=asc', cookie.admin);
    assert.deepEqual((comma.json() as { total: number }).total, 4);
    assert.deepEqual(await sessionIds({ search: 'ҚАНАЛ' }), ['e1c2']);
    assert.deepEqual(await sessionIds({ examId: [ids.e2], sort: 'candidate', dir: 'asc' }), ['e2c1', 'e2c4']);
    // 09:01Z–10:00Z, bounds inclusive: e2c1 started at exactly 10:00Z.
    assert.deepEqual(await sessionIds({ from: '2025-03-01T14:01:00+05:00', to: '2025-03-01T15:00:00+05:00' }), ['e2c1', 'e1c2']);
    assert.deepEqual(await sessionIds({ honestyMin: '50', honestyMax: '90' }), ['e1c2', 'e1c1']);
    assert.deepEqual(await sessionIds({ decision: ['not_admitted'] }), ['e2c1']);
    assert.deepEqual(await sessionIds({ archived: 'true' }), ['e1c4']);
    const page = await results({ pageSize: '2', page: '3' });
    assert.deepEqual([page.rows.length, page.total, page.page], [1, 5, 3]);
    const past = await results({ pageSize: '2', page: '4' });
    assert.deepEqual([past.rows.length, past.total], [0, 5]);
  });

  it('groups by candidate and expands one candidate under the same filters', async () => {
    const grouped = await results({ groupBy: 'candidate' });
    assert.equal(grouped.groupBy, 'candidate');
    assert.equal(grouped.total, 4);
    assert.deepEqual(
      grouped.rows.map((r) => ('sessionCount' in r ? [r.candidateName, r.sessionCount] : [])),
      [['Әбдіқадыров Нұрсұлтан', 2], ['Қаналбекова Ұлдана', 1], ['Смирнов Алексей', 1], ['Үсенова Шаһизада', 1]],
    );
    const bySessions = await results({ groupBy: 'candidate', sort: 'sessions', dir: 'desc' });
    assert.equal(bySessions.rows[0]!.candidateId, ids.c1);

    const expand = await get(`/api/results/candidates/${ids.c1}/sessions?${resultsSearchParams({ honestyMax: '50' })}`, cookie.admin);
    assert.equal(expand.statusCode, 200, expand.body);
    assert.deepEqual(candidateSessionsResponse.parse(expand.json()).rows.map((r) => r.sessionId), [s.e2c1]);
    const all = candidateSessionsResponse.parse((await get(`/api/results/candidates/${ids.c1}/sessions?sort=startedAt&dir=asc`, cookie.admin)).json());
    assert.deepEqual(all.rows.map((r) => r.sessionId), [s.e1c1, s.e2c1]);
  });

  it('shows a proctor only their exams and refuses another proctor’s exam by name', async () => {
    assert.deepEqual(await sessionIds({}, cookie.a), ['e1c2', 'e1c1', 'e1c3']);
    assert.deepEqual(await sessionIds({}, cookie.b), ['e2c4', 'e2c1']);
    const grouped = await results({ groupBy: 'candidate' }, cookie.b);
    assert.deepEqual(grouped.rows.map((r) => r.candidateId), [ids.c1, ids.c4]);
    const expand = candidateSessionsResponse.parse((await get(`/api/results/candidates/${ids.c1}/sessions`, cookie.a)).json());
    assert.deepEqual(expand.rows.map((r) => r.sessionId), [s.e1c1]);

    const refused = await get(`/api/results?examId=${ids.e2}`, cookie.a);
    assert.deepEqual(error(refused), [403, { code: 'forbidden', message: `You are not assigned to exam ${ids.e2}.` }]);
    const refusedExpand = await get(`/api/results/candidates/${ids.c1}/sessions?examId=${ids.e1},${ids.e2}`, cookie.b);
    assert.deepEqual(error(refusedExpand), [403, { code: 'forbidden', message: `You are not assigned to exam ${ids.e1}.` }]);
  });

  it('sets a decision: returns the row, logs from → to, pushes it to the exam’s proctors', async () => {
    pushes.length = 0;
    const res = await patch(s.e1c1, { decision: 'admitted' }, cookie.a);
    assert.equal(res.statusCode, 200, res.body);
    const { row } = sessionRowResponse.parse(res.json());
    assert.deepEqual([row.sessionId, row.decision], [s.e1c1, 'admitted']);
    assert.deepEqual(pushes, [{ examId: ids.e1, row }]);
    const log = await listActionsForSession(t.db, s.e1c1);
    assert.deepEqual(
      log.map((e) => [e.action, e.details, e.actorUserId, e.actorName]),
      [['session.decision_changed', { from: 'none', to: 'admitted' }, ids.a, 'Нұрланова Айгүл']],
    );
    // The same decision again changes nothing: no entry, no push.
    assert.equal((await patch(s.e1c1, { decision: 'admitted' }, cookie.a)).statusCode, 200);
    assert.equal((await listActionsForSession(t.db, s.e1c1)).length, 1);
    assert.equal(pushes.length, 1);
    // Admins decide on any exam.
    assert.equal((await patch(s.e2c4, { decision: 'annulled' })).statusCode, 200);
    assert.equal(await decisionOf(s.e2c4), 'annulled');
  });

  it('refuses a decision on another proctor’s session and changes nothing', async () => {
    pushes.length = 0;
    const res = await patch(s.e2c1, { decision: 'admitted' }, cookie.a);
    // The same answer as for a session that does not exist: ids of other exams reveal nothing.
    assert.deepEqual(error(res), [404, { code: 'not_found', message: 'There is no such exam session.' }]);
    assert.equal(await decisionOf(s.e2c1), 'not_admitted');
    assert.deepEqual(await listActionsForSession(t.db, s.e2c1), []);
    assert.deepEqual(pushes, []);
  });

  it('answers bad decision requests with 400/404/403 and changes nothing', async () => {
    const unknownSession = await patch('00000000-0000-4000-8000-000000000000', { decision: 'admitted' });
    assert.deepEqual(error(unknownSession), [404, { code: 'not_found', message: 'There is no such exam session.' }]);
    const badDecision = await patch(s.e1c2, { decision: 'maybe' });
    assert.equal(badDecision.statusCode, 400);
    assert.match((badDecision.json() as { error: { message: string } }).error.message, /^decision: .*"none"/);
    assert.equal((await patch(s.e1c2, { decision: 'admitted', note: 'x' })).statusCode, 400);
    assert.equal((await patch(s.e1c2, {})).statusCode, 400);
    const badId = await patch("1'; DROP TABLE exam_sessions; --", { decision: 'admitted' });
    assert.equal(badId.statusCode, 400);
    assert.match((badId.json() as { error: { message: string } }).error.message, /^id: /);
    const crossSite = await patch(s.e1c2, { decision: 'admitted' }, cookie.admin, 'http://evil.test');
    assert.equal(crossSite.statusCode, 403);
    assert.equal(await decisionOf(s.e1c2), 'none');
    assert.deepEqual(await listActionsForSession(t.db, s.e1c2), []);
  });

  it('marks a report viewed (pushing the first view) and publishes changes made elsewhere', async () => {
    const seen: { examId: string; row: ResultRow }[] = [];
    const events = await createEventBus({ log: pino({ level: 'silent' }) });
    const service = new ResultsService({ db: t.db, emitSessionChanged: (examId, row) => seen.push({ examId, row }), photos: candidatePhotos(null), events });
    events.subscribe('session.updated', (e) => service.publishSession(e.sessionId));
    const proctorA = { id: ids.a, role: 'proctor' as const, fullName: 'Нұрланова Айгүл', iin: null };
    const first = await service.markViewed(proctorA, s.e1c2);
    assert.equal(first.row.reviewStatus, 'viewed');
    await service.markViewed(proctorA, s.e1c2);
    assert.deepEqual(seen, [{ examId: ids.e1, row: first.row }], 'only the first view changes the row');
    assert.deepEqual((await listActionsForSession(t.db, s.e1c2)).map((e) => e.action), ['session.viewed', 'session.viewed']);
    // Another exam's session answers like an unknown one.
    await assert.rejects(service.markViewed(proctorA, s.e2c1), (e: unknown) => e instanceof HttpError && e.statusCode === 404);

    // e.g. the media path finished the session
    await t.db.updateTable('examSessions').set({ status: 'finished', endedAt: new Date('2025-03-01T09:50:00Z') }).where('id', '=', s.e1c2).execute();
    await service.publishSession(s.e1c2);
    assert.deepEqual([seen[1]?.examId, seen[1]?.row.status, seen[1]?.row.endedAt], [ids.e1, 'finished', '2025-03-01T09:50:00.000Z']);
  });

  it('answers bad list queries with a clear 400', async () => {
    const cases: [string, RegExp][] = [
      ['sort=password', /^sort: unknown sort column "password"; expected one of candidate, group, status/],
      ['groupBy=candidate&sort=exam', /^sort: unknown sort column "exam" for the grouped view; expected one of candidate, group, sessions/],
      ['dir=sideways', /^dir: /],
      ['page=-1', /^page: .*>=1/],
      ['page=0', /^page: /],
      ['page=1000000000', /^page: .*<=1000000/],
      ['page=abc', /^page: /],
      ['pageSize=201', /^pageSize: .*<=200/],
      ['pageSize=0', /^pageSize: /],
      ['honestyMin=150&honestyMax=-3', /^honesty(Min|Max): /],
      ['honestyMin=80&honestyMax=20', /^honestyMin: must not exceed honestyMax \(80 > 20\)/],
      ['honestyMin=5.5', /^honestyMin: /],
      ['from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z', /^from: must not be later than to/],
      ['from=yesterday', /^from: /],
      ['decision=maybe', /^decision\.0: /],
      ['status=paused', /^status\.0: /],
      ['examId=1;DROP', /^examId\.0: /],
      ['archived=yes', /^archived: /],
      ['search=%00', /contains a NUL character/],
      ['search=%01', /^search: control characters are not allowed/],
      [`search=${'я'.repeat(201)}`, /^search: /],
      ['colour=red', /colour/],
    ];
    for (const [query, message] of cases) {
      const res = await get(`/api/results?${query}`, cookie.admin);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      const body = res.json() as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'bad_request', query);
      assert.match(body.error.message, message, query);
    }
    const expand = await get(`/api/results/candidates/not-a-uuid/sessions`, cookie.admin);
    assert.equal(expand.statusCode, 400);
  });

  it('searches the filter choices as the user types, within the user’s exams; bad input is a 400', async () => {
    const choices = async (query: string, who = cookie.admin) => {
      const res = await get(`/api/results/choices?${query}`, who);
      assert.equal(res.statusCode, 200, res.body);
      return resultsChoicesResponse.parse(res.json());
    };
    const all = await choices('kind=exam&search=%D1%8D%D0%BA%D0%B7%D0%B0%D0%BC%D0%B5%D0%BD'); // "экзамен"
    assert.deepEqual(all.items.map((c) => [c.id, c.name, c.timeZone]), [[ids.e2, 'Экология: итоговый экзамен', 'Asia/Almaty']]);
    assert.equal(all.items[0]!.startsAt, '2025-03-01T08:00:00.000Z');
    assert.deepEqual((await choices('kind=exam', cookie.a)).items.map((c) => c.id), [ids.e1], 'proctor A: their exam only');
    assert.deepEqual((await choices(`kind=exam&id=${ids.e2}`, cookie.a)).items, [], 'naming another exam does not reveal it');
    assert.deepEqual((await choices('kind=group', cookie.b)).items.map((c) => c.name), ['ИС-22-1']);
    assert.deepEqual((await choices('kind=discipline', cookie.b)).items.map((c) => c.name), ['Экология']);
    const one = await choices('kind=exam&limit=1');
    assert.deepEqual([one.items.length, one.more], [1, true]);

    assert.equal((await get('/api/results/choices?kind=exam')).statusCode, 401);
    for (const [query, message] of [
      ['kind=user', /^kind: /],
      ['', /^kind: /],
      ['kind=exam&limit=0', /^limit: /],
      ['kind=exam&limit=51', /^limit: /],
      ['kind=exam&search=%00', /contains a NUL character/],
      ['kind=exam&search=a%01b', /^search: control characters/],
      ['kind=exam&id=1;DROP', /^id\.0: /],
      ['kind=exam&sort=name', /sort/],
    ] as const) {
      const res = await get(`/api/results/choices?${query}`, cookie.admin);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.match((res.json() as { error: { message: string } }).error.message, message, query);
    }
  });

  it('treats SQL-looking search text as text: 200, no rows, table intact', async () => {
    for (const search of ["'; DROP TABLE exam_sessions; --", "' OR 1=1 --", '%', '_', '\\']) {
      const r = await results({ search });
      assert.deepEqual([r.rows.length, r.total], [0, 0], search);
    }
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM exam_sessions`.execute(t.db);
    assert.equal(rows[0]!.n, 6);
  });
});
