/**
 * The Statistics HTTP API through buildApp with real sign-in: who may see what (a proctor
 * their exams only, an admin all), the date-range rules (inverted, longer than a year) with
 * their own error codes, malformed input, and the audit entry of a view.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import {
  assignProctor,
  createExam,
  ensureDiscipline,
  ensureExamSession,
  ensureGroup,
  makeIin,
  upsertCandidateByIin,
  upsertUserByEmail,
} from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { buildTestApp } from './support/test-app.ts';
import { hashPassword } from '../src/services/auth.service.ts';
import {
  candidateStatsResponse,
  reconnectsResponse,
  statisticsOptions,
  statisticsOverview,
  statisticsSearchParams,
  type StatisticsFiltersInput,
} from '../src/contract/api/statistics.ts';
import { login } from './auth-harness.ts';

const PASSWORD = 'statistics-test-2026';
const RANGE = { from: '2026-03-01', to: '2026-03-31' };

describe('Statistics API', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  const cookie = { admin: '', a: '', b: '' };
  const ids = { e1: '', e2: '', adminId: '' };

  beforeAll(async () => {
    t = await createTestDatabase();
    const db = t.db;
    const passwordHash = await hashPassword(PASSWORD);
    const user = (email: string, fullName: string, role: 'admin' | 'proctor', serial: number) =>
      upsertUserByEmail(db, { email, fullName, role, passwordHash, iin: makeIin(new Date('1990-01-01'), 'female', serial) });
    ids.adminId = await user('admin@stats.test', 'Серікбаев Дәурен', 'admin', 1);
    const a = await user('a@stats.test', 'Нұрланова Айгүл', 'proctor', 2);
    const b = await user('b@stats.test', 'Смирнова Ольга', 'proctor', 3);

    const disciplineId = await ensureDiscipline(db, 'Экология');
    const groupId = await ensureGroup(db, 'ИС-22-1');
    const window = { startsAt: new Date('2026-03-10T04:00:00Z'), endsAt: new Date('2026-03-10T08:00:00Z') };
    ids.e1 = await createExam(db, { name: 'Экология: аралық бақылау', disciplineId, ...window });
    ids.e2 = await createExam(db, { name: 'Экология: итоговый экзамен', disciplineId, ...window });
    await assignProctor(db, ids.e1, a);
    await assignProctor(db, ids.e2, b);

    const candidates = await Promise.all(
      ['Әбдіқадыров Нұрсұлтан', 'Қаналбекова Ұлдана', 'Үсенова Шаһизада'].map((fullName, i) =>
        upsertCandidateByIin(db, { fullName, iin: makeIin(new Date('2004-01-01'), 'male', 100 + i), groupId }),
      ),
    );
    // e1: two sessions (one reconnected once); e2: one session. All on 10 March, Almaty.
    const start = async (examId: string, candidateId: string, startedAt: string, attempts: [string, string | null][]) => {
      const sessionId = await ensureExamSession(db, examId, candidateId);
      await db.updateTable('examSessions').set({ status: 'finished', startedAt: new Date(startedAt), honesty: 90 }).where('id', '=', sessionId).execute();
      await db
        .insertInto('attempts')
        .values(
          attempts.map(([from, to], i) => ({
            sessionId,
            number: i + 1,
            nodeId: 'n1',
            startedAt: new Date(from),
            endedAt: to ? new Date(to) : null,
            endReason: to ? ('disconnected' as const) : null,
          })),
        )
        .execute();
      await db.insertInto('connectionEvents').values({ sessionId, kind: 'device_check_passed', at: new Date(startedAt) }).execute();
      return sessionId;
    };
    const s1 = await start(ids.e1, candidates[0]!, '2026-03-10T05:00:00Z', [
      ['2026-03-10T05:00:00Z', '2026-03-10T05:10:00Z'],
      ['2026-03-10T05:11:00Z', null],
    ]);
    await start(ids.e1, candidates[1]!, '2026-03-10T05:05:00Z', [['2026-03-10T05:05:00Z', null]]);
    await start(ids.e2, candidates[2]!, '2026-03-10T06:00:00Z', [['2026-03-10T06:00:00Z', null]]);
    await db
      .insertInto('connectionEvents')
      .values({ sessionId: s1, kind: 'device_check_failed', error: 'camera_denied', resolved: true, at: new Date('2026-03-10T04:59:00Z') })
      .execute();

    app = await buildTestApp(db);
    cookie.admin = await login(app, 'admin@stats.test', PASSWORD);
    cookie.a = await login(app, 'a@stats.test', PASSWORD);
    cookie.b = await login(app, 'b@stats.test', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const get = (url: string, who?: string) => app.inject({ method: 'GET', url, headers: who ? { cookie: who } : {} });
  const overview = async (query: StatisticsFiltersInput, who = cookie.admin) => {
    const res = await get(`/api/statistics/overview?${statisticsSearchParams(query)}`, who);
    assert.equal(res.statusCode, 200, res.body);
    return statisticsOverview.parse(res.json());
  };
  const error = (res: { statusCode: number; json(): unknown }) => {
    const body = res.json() as { error: { code: string; message: string } };
    return [res.statusCode, body.error.code, body.error.message] as const;
  };

  it('requires a signed-in proctor or admin on every route', async () => {
    const q = statisticsSearchParams(RANGE);
    for (const path of ['overview', 'reconnects', 'candidates']) {
      const [status, code] = error(await get(`/api/statistics/${path}?${q}`));
      assert.deepEqual([status, code], [401, 'unauthenticated'], path);
    }
    assert.equal((await get('/api/statistics/options')).statusCode, 401);
  });

  it('shows an admin every exam and a proctor only theirs', async () => {
    const all = await overview(RANGE);
    assert.equal(all.totals.sessions, 3);
    assert.equal(all.perDay.length, 31);
    assert.deepEqual(all.perDay.find((d) => d.date === '2026-03-10'), { date: '2026-03-10', sessions: 3, exams: 2 });
    // 05:00 UTC is 10:00 in Almaty, 06:00 UTC 11:00.
    assert.deepEqual([all.perHour[10]!.sessions, all.perHour[11]!.sessions], [2, 1]);
    assert.deepEqual(
      [all.connections.attempts, all.connections.successful, all.connections.successPercent, all.connections.failedPercent],
      [4, 3, 75, 25],
    );
    assert.deepEqual(all.connections.errors, [{ kind: 'device_check_failed', error: 'camera_denied', count: 1, resolved: 1, unresolved: 0 }]);
    assert.equal(all.connections.resolvedPercent, 100);

    assert.equal((await overview(RANGE, cookie.a)).totals.sessions, 2);
    const b = await overview(RANGE, cookie.b);
    assert.deepEqual([b.totals.sessions, b.connections.failed], [1, 0]);

    const res = await get(`/api/statistics/reconnects?${statisticsSearchParams(RANGE)}`, cookie.a);
    const reconnects = reconnectsResponse.parse(res.json());
    assert.deepEqual(
      reconnects.rows.map((r) => [r.candidateName, r.reconnects, r.offlineMs]),
      [
        ['Әбдіқадыров Нұрсұлтан', 1, 60_000],
        ['Қаналбекова Ұлдана', 0, 0],
      ],
    );
    assert.deepEqual(reconnects.summary, { sessions: 2, sessionsWithReconnects: 1, reconnects: 1, offlineMs: 60_000 });

    const people = candidateStatsResponse.parse((await get(`/api/statistics/candidates?${statisticsSearchParams({ ...RANGE, sort: 'sessions', dir: 'desc' })}`, cookie.b)).json());
    assert.deepEqual(people.rows.map((r) => r.candidateName), ['Үсенова Шаһизада']);

    const mine = statisticsOptions.parse((await get('/api/statistics/options', cookie.a)).json());
    assert.deepEqual(mine.exams.map((e) => e.id), [ids.e1]);
    const every = statisticsOptions.parse((await get('/api/statistics/options', cookie.admin)).json());
    assert.equal(every.exams.length, 2);
  });

  it('refuses a proctor who names an exam not assigned to them', async () => {
    const [status, code] = error(await get(`/api/statistics/overview?${statisticsSearchParams({ ...RANGE, examId: [ids.e2] })}`, cookie.a));
    assert.deepEqual([status, code], [403, 'forbidden']);
    assert.equal((await overview({ ...RANGE, examId: [ids.e1] }, cookie.a)).totals.sessions, 2);
    assert.equal((await overview({ ...RANGE, examId: [ids.e2] })).totals.sessions, 1);
  });

  it('refuses inverted and over-long ranges with their own codes, on every route', async () => {
    for (const path of ['overview', 'reconnects', 'candidates']) {
      const inverted = error(await get(`/api/statistics/${path}?from=2026-03-31&to=2026-03-01`, cookie.admin));
      assert.deepEqual(inverted.slice(0, 2), [400, 'date_range_inverted'], path);
      assert.match(inverted[2], /2026-03-31.*after.*2026-03-01/);
      const decade = error(await get(`/api/statistics/${path}?from=2016-01-01&to=2026-01-01`, cookie.a));
      assert.deepEqual(decade.slice(0, 2), [400, 'date_range_too_long'], path);
      assert.match(decade[2], /366 days/);
    }
    // 366 days is the most allowed; one more is refused.
    assert.equal((await overview({ from: '2025-03-11', to: '2026-03-11' })).perDay.length, 366);
    assert.equal(error(await get('/api/statistics/overview?from=2025-03-10&to=2026-03-11', cookie.admin))[1], 'date_range_too_long');
  });

  it('answers malformed or hostile input with bad_request and changes nothing', async () => {
    const before = await t.db.selectFrom('examSessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    for (const query of [
      '', // from/to are required
      'from=2026-03-01',
      'from=2026-02-30&to=2026-03-01', // not a calendar day
      'from=01.03.2026&to=31.03.2026',
      `from=2026-03-01&to=2026-03-31&examId=${encodeURIComponent("1' OR '1'='1")}`,
      'from=2026-03-01&to=2026-03-31&groupId=../../etc/passwd',
      'from=2026-03-01&to=2026-03-31&unknown=1',
    ]) {
      const [status, code] = error(await get(`/api/statistics/overview?${query}`, cookie.admin));
      assert.deepEqual([status, code], [400, 'bad_request'], query);
    }
    for (const query of ['sort=offlineMs', 'dir=sideways', 'pageSize=201', 'page=0']) {
      const [status, code] = error(await get(`/api/statistics/reconnects?from=2026-03-01&to=2026-03-31&${query}`, cookie.admin));
      assert.deepEqual([status, code], [400, 'bad_request'], query);
    }
    const after = await t.db.selectFrom('examSessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });

  it('records who viewed which statistics in the audit log', async () => {
    await overview({ ...RANGE, examId: [ids.e2] });
    const entry = await t.db
      .selectFrom('actionLog')
      .selectAll()
      .where('action', '=', 'statistics.viewed')
      .where('actorUserId', '=', ids.adminId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(entry.actorName, 'Серікбаев Дәурен');
    assert.deepEqual(entry.details, { ...RANGE, examId: [ids.e2] });
  });
});
