// The statistics queries (manual §4.1–4.5) on a hand-made fixture whose answers are written
// out below. Two exams in different zones straddle day boundaries: Asia/Almaty (UTC+5) with
// sessions at 18:30 UTC (23:30 local, same day) and 19:30 UTC (00:30 local, next day), and
// America/New_York (UTC−4 in March 2026) with sessions whose UTC date is the day after their
// local one. Range 2026-03-09 … 2026-03-11.
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  activityStatistics,
  candidateStatistics,
  connectionStatistics,
  daysOf,
  reconnectStatistics,
  statisticsOptions,
  type StatisticsFilters,
  type StatisticsViewer,
} from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';

const id = (prefix: number, n: number) => `00000000-0000-4000-8000-${String(prefix).padStart(6, '0')}${String(n).padStart(6, '0')}`;
const S = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`s${i + 1}`, id(1, i + 1)])) as Record<`s${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}`, string>;
const C = { c1: id(2, 1), c2: id(2, 2), c3: id(2, 3), c4: id(2, 4), c5: id(2, 5), c6: id(2, 6) };
const G = { g1: id(3, 1), g2: id(3, 2) };
const D = { ecology: id(4, 1), physics: id(4, 2) };
const E = { almaty: id(5, 1), newYork: id(5, 2) };
const U = { admin: id(6, 1), p1: id(6, 2), p2: id(6, 3), idle: id(6, 4) };

const admin: StatisticsViewer = { userId: U.admin, role: 'admin' };
const p1: StatisticsViewer = { userId: U.p1, role: 'proctor' };
const p2: StatisticsViewer = { userId: U.p2, role: 'proctor' };
const range: StatisticsFilters = { from: '2026-03-09', to: '2026-03-11' };
const at = (iso: string) => new Date(iso);

describe('statistics repository', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const db = t.db;
    await db.insertInto('disciplines').values([{ id: D.ecology, name: 'Экология' }, { id: D.physics, name: 'Физика' }]).execute();
    await db.insertInto('groups').values([{ id: G.g1, name: 'ИС-22-1' }, { id: G.g2, name: 'ВТ-23-1' }]).execute();
    const window = { startsAt: at('2026-03-01T00:00:00Z'), endsAt: at('2026-03-31T00:00:00Z') };
    await db
      .insertInto('exams')
      .values([
        { id: E.almaty, name: 'Экология: аралық бақылау', disciplineId: D.ecology, ...window, timeZone: 'Asia/Almaty' },
        { id: E.newYork, name: 'Физика: итоговый экзамен', disciplineId: D.physics, ...window, timeZone: 'America/New_York' },
      ])
      .execute();
    await db
      .insertInto('users')
      .values([
        { id: U.admin, email: 'admin@stats.test', fullName: 'Әкімші', role: 'admin' },
        { id: U.p1, email: 'p1@stats.test', fullName: 'Нұрланова Айгүл', role: 'proctor' },
        { id: U.p2, email: 'p2@stats.test', fullName: 'Смирнова Ольга', role: 'proctor' },
        { id: U.idle, email: 'idle@stats.test', fullName: 'Бос Проктор', role: 'proctor' },
      ])
      .execute();
    await db.insertInto('examProctors').values([{ examId: E.almaty, userId: U.p1 }, { examId: E.newYork, userId: U.p2 }]).execute();
    const candidate = (cid: string, fullName: string, groupId: string, n: number) => ({ id: cid, fullName, iin: String(900000000000 + n), groupId });
    await db
      .insertInto('candidates')
      .values([
        candidate(C.c1, 'Әбдіқадыров Нұрсұлтан', G.g1, 1),
        candidate(C.c2, 'Қаналбекова Ұлдана', G.g1, 2),
        candidate(C.c3, 'Смирнов Алексей', G.g2, 3),
        candidate(C.c4, 'Үсенова Шаһизада', G.g2, 4),
        candidate(C.c5, 'Жұмабаев Ерлан', G.g1, 5),
        candidate(C.c6, 'Иванова Мария', G.g1, 6),
      ])
      .execute();

    const session = (sid: string, examId: string, candidateId: string, startedAt: string | null, honesty: number | null, decision = 'none' as const) => ({
      id: sid,
      examId,
      candidateId,
      status: startedAt ? ('finished' as const) : ('not_started' as const),
      startedAt: startedAt ? at(startedAt) : null,
      endedAt: startedAt ? new Date(at(startedAt).getTime() + 3_600_000) : null,
      honesty,
      decision,
    });
    await db
      .insertInto('examSessions')
      .values([
        // Almaty: 19:30 UTC is 00:30 of the next local day; 18:30 UTC is 23:30 the same day.
        { ...session(S.s1, E.almaty, C.c1, '2026-03-10T19:30:00Z', 80), decision: 'admitted' },
        session(S.s2, E.almaty, C.c2, '2026-03-10T18:30:00Z', 60),
        { ...session(S.s3, E.almaty, C.c3, '2026-03-09T04:00:00Z', 100), decision: 'not_admitted' },
        // Never got in: only failed device checks.
        session(S.s4, E.almaty, C.c4, null, null),
        // Outside the range by a minute on either side, locally.
        session(S.s5, E.almaty, C.c5, '2026-03-08T18:59:00Z', 90),
        session(S.s8, E.almaty, C.c6, '2026-03-11T19:00:00Z', 90),
        // New York (EDT, UTC−4): 02:30 UTC on the 11th is 22:30 on the 10th locally.
        { ...session(S.s6, E.newYork, C.c1, '2026-03-11T02:30:00Z', 40), decision: 'annulled' },
        { ...session(S.s7, E.newYork, C.c2, '2026-03-12T03:00:00Z', 90), decision: 'admitted' },
      ])
      .execute();

    // Attempts: s1 three (offline 40 s + 20 s), s3 two (90 s), s7 two (30 s), the rest one.
    const attempt = (sessionId: string, number: number, from: string, to: string | null) => ({
      sessionId,
      number,
      nodeId: 'node-1',
      startedAt: at(from),
      endedAt: to ? at(to) : null,
      endReason: to ? ('disconnected' as const) : null,
    });
    await db
      .insertInto('attempts')
      .values([
        attempt(S.s1, 1, '2026-03-10T19:30:00Z', '2026-03-10T19:40:00Z'),
        attempt(S.s1, 2, '2026-03-10T19:40:40Z', '2026-03-10T19:50:00Z'),
        attempt(S.s1, 3, '2026-03-10T19:50:20Z', null),
        attempt(S.s2, 1, '2026-03-10T18:30:00Z', '2026-03-10T19:30:00Z'),
        attempt(S.s3, 1, '2026-03-09T04:00:00Z', '2026-03-09T04:10:00Z'),
        attempt(S.s3, 2, '2026-03-09T04:11:30Z', '2026-03-09T05:00:00Z'),
        attempt(S.s5, 1, '2026-03-08T18:59:00Z', '2026-03-08T19:10:00Z'),
        attempt(S.s5, 2, '2026-03-08T19:20:00Z', '2026-03-08T19:59:00Z'),
        attempt(S.s6, 1, '2026-03-11T02:30:00Z', '2026-03-11T03:30:00Z'),
        attempt(S.s7, 1, '2026-03-12T03:00:00Z', '2026-03-12T03:20:00Z'),
        attempt(S.s7, 2, '2026-03-12T03:20:30Z', '2026-03-12T04:00:00Z'),
        attempt(S.s8, 1, '2026-03-11T19:00:00Z', '2026-03-11T20:00:00Z'),
      ])
      .execute();

    type Kind = 'joined' | 'device_check_passed' | 'device_check_failed' | 'ice_failed' | 'reconnected';
    const event = (sessionId: string, kind: Kind, when: string, error: string | null = null, resolved: boolean | null = null) => ({
      sessionId,
      kind,
      at: at(when),
      error,
      resolved,
    });
    await db
      .insertInto('connectionEvents')
      .values([
        event(S.s1, 'joined', '2026-03-10T19:28:00Z'),
        event(S.s1, 'device_check_failed', '2026-03-10T19:29:00Z', 'screen_not_shared', true),
        event(S.s1, 'device_check_passed', '2026-03-10T19:30:00Z'),
        event(S.s1, 'ice_failed', '2026-03-10T19:31:00Z', 'ice_failed', true),
        event(S.s1, 'reconnected', '2026-03-10T19:40:40Z'),
        event(S.s2, 'device_check_passed', '2026-03-10T18:29:00Z'),
        event(S.s3, 'device_check_failed', '2026-03-09T03:58:00Z', 'camera_denied', true),
        event(S.s3, 'device_check_passed', '2026-03-09T03:59:00Z'),
        event(S.s4, 'device_check_failed', '2026-03-10T05:00:00Z', 'camera_denied', false),
        event(S.s4, 'device_check_failed', '2026-03-10T05:02:00Z', 'second_display', false),
        // 23:58 on the 8th in Almaty: outside the range.
        event(S.s5, 'device_check_passed', '2026-03-08T18:58:00Z'),
        event(S.s6, 'device_check_passed', '2026-03-11T02:29:00Z'),
        event(S.s7, 'device_check_failed', '2026-03-12T02:58:00Z', 'camera_denied', true),
        event(S.s7, 'device_check_passed', '2026-03-12T02:59:00Z'),
        event(S.s7, 'ice_failed', '2026-03-12T03:10:00Z', null, null),
      ])
      .execute();

    const violation = (sessionId: string, type: string, when: string) => ({
      sessionId,
      type: type as 'no_face',
      category: 'behaviour' as const,
      startsAt: at(when),
      endsAt: at(when),
      source: 'client' as const,
    });
    await db
      .insertInto('violations')
      .values([
        violation(S.s1, 'focus_lost', '2026-03-10T19:35:00Z'),
        violation(S.s1, 'focus_lost', '2026-03-10T19:36:00Z'),
        violation(S.s1, 'no_face', '2026-03-10T19:37:00Z'),
        violation(S.s2, 'tab_hidden', '2026-03-10T18:40:00Z'),
        violation(S.s5, 'no_face', '2026-03-08T19:00:00Z'),
        violation(S.s6, 'second_display', '2026-03-11T02:40:00Z'),
      ])
      .execute();
  });
  afterAll(() => t?.drop());

  describe('§4.1 per day and §4.2 per hour', () => {
    it('buckets sessions by the local day and hour of their exam', async () => {
      const a = await activityStatistics(t.db, admin, range);
      assert.deepEqual(a.perDay, [
        { date: '2026-03-09', sessions: 1, exams: 1 },
        { date: '2026-03-10', sessions: 2, exams: 2 },
        { date: '2026-03-11', sessions: 2, exams: 2 },
      ]);
      const hours = Object.fromEntries(a.perHour.filter((h) => h.sessions > 0).map((h) => [h.hour, h.sessions]));
      assert.deepEqual(hours, { 0: 1, 9: 1, 22: 1, 23: 2 });
      assert.equal(a.perHour.length, 24);
      assert.deepEqual(a.totals, { sessions: 5, exams: 2, candidates: 3 });
    });

    it('moves a session across midnight with the zone, both ways', async () => {
      // The Almaty 19:30 UTC session is the 11th locally; the 18:30 one stays on the 10th.
      const eleventh = await activityStatistics(t.db, admin, { from: '2026-03-11', to: '2026-03-11', examIds: [E.almaty] });
      assert.deepEqual(eleventh.perDay, [{ date: '2026-03-11', sessions: 1, exams: 1 }]);
      assert.equal(eleventh.perHour[0]!.sessions, 1);
      // New York: 03:00 UTC on the 12th is still the 11th locally; the 8th-in-Almaty one is out.
      const twelfth = await activityStatistics(t.db, admin, { from: '2026-03-12', to: '2026-03-12' });
      assert.deepEqual(twelfth.perDay, [{ date: '2026-03-12', sessions: 1, exams: 1 }]); // s8: 00:00 on the 12th in Almaty
      const eighth = await activityStatistics(t.db, admin, { from: '2026-03-08', to: '2026-03-08' });
      assert.deepEqual(eighth.perDay, [{ date: '2026-03-08', sessions: 1, exams: 1 }]); // s5: 23:59 on the 8th
    });

    it('scopes a proctor to their exams and applies the filters', async () => {
      const mine = await activityStatistics(t.db, p1, range);
      assert.deepEqual(mine.perDay.map((d) => d.sessions), [1, 1, 1]);
      assert.deepEqual(mine.totals, { sessions: 3, exams: 1, candidates: 3 });
      const other = await activityStatistics(t.db, p2, range);
      assert.deepEqual(other.perDay.map((d) => d.sessions), [0, 1, 1]);
      // A proctor naming someone else's exam gets nothing from it (the service refuses it first).
      const foreign = await activityStatistics(t.db, p1, { ...range, examIds: [E.newYork] });
      assert.equal(foreign.totals.sessions, 0);
      const idle = await activityStatistics(t.db, { userId: U.idle, role: 'proctor' }, range);
      assert.equal(idle.totals.sessions, 0);
      assert.equal(idle.perDay.length, 3);

      assert.equal((await activityStatistics(t.db, admin, { ...range, groupIds: [G.g2] })).totals.sessions, 1);
      assert.equal((await activityStatistics(t.db, admin, { ...range, disciplineIds: [D.physics] })).totals.sessions, 2);
      assert.equal((await activityStatistics(t.db, admin, { ...range, examIds: [E.almaty], groupIds: [G.g1] })).totals.sessions, 2);
    });

    it('lists every day of a year-long range', async () => {
      assert.equal(daysOf('2024-01-01', '2024-12-31').length, 366);
      const year = await activityStatistics(t.db, admin, { from: '2025-03-12', to: '2026-03-11' });
      assert.equal(year.perDay.length, 365);
      assert.equal(year.totals.sessions, 6); // the five in range plus s5 on the 8th
    });
  });

  describe('§4.3 connections', () => {
    it('counts device checks and ICE failures, with errors resolved or not', async () => {
      const c = await connectionStatistics(t.db, admin, range);
      assert.equal(c.successful, 5);
      assert.equal(c.failed, 7);
      assert.equal(c.attempts, 12);
      assert.deepEqual({ sessionsWithErrors: c.sessionsWithErrors, sessionsResolved: c.sessionsResolved }, { sessionsWithErrors: 4, sessionsResolved: 2 });
      assert.deepEqual(c.errors, [
        { kind: 'device_check_failed', error: 'camera_denied', count: 3, resolved: 2, unresolved: 1 },
        { kind: 'device_check_failed', error: 'screen_not_shared', count: 1, resolved: 1, unresolved: 0 },
        { kind: 'device_check_failed', error: 'second_display', count: 1, resolved: 0, unresolved: 1 },
        { kind: 'ice_failed', error: 'ice_failed', count: 1, resolved: 1, unresolved: 0 },
        { kind: 'ice_failed', error: 'unknown', count: 1, resolved: 0, unresolved: 1 },
      ]);
    });

    it('scopes connection events like sessions, including candidates who never started', async () => {
      const c = await connectionStatistics(t.db, p1, range);
      assert.deepEqual([c.successful, c.failed, c.sessionsWithErrors, c.sessionsResolved], [3, 5, 3, 2]);
      const none = await connectionStatistics(t.db, admin, { from: '2026-01-01', to: '2026-01-31' });
      assert.deepEqual([none.attempts, none.sessionsWithErrors, none.errors.length], [0, 0, 0]);
    });
  });

  describe('§4.4 reconnections', () => {
    const page = { sort: 'reconnects' as const, direction: 'desc' as const, page: 1, pageSize: 10 };
    it('counts connections and offline time per session, worst first', async () => {
      const r = await reconnectStatistics(t.db, admin, range, page);
      assert.deepEqual(
        r.rows.map((x) => [x.sessionId, x.connections, x.reconnects, x.offlineMs]),
        [
          [S.s1, 3, 2, 60_000],
          [S.s3, 2, 1, 90_000],
          [S.s7, 2, 1, 30_000],
          [S.s6, 1, 0, 0], // ties broken by session id, same direction
          [S.s2, 1, 0, 0],
        ],
      );
      assert.equal(r.total, 5);
      assert.deepEqual(r.summary, { sessions: 5, sessionsWithReconnects: 3, reconnects: 4, offlineMs: 180_000 });
      const first = r.rows[0]!;
      assert.equal(first.candidateName, 'Әбдіқадыров Нұрсұлтан');
      assert.equal(first.examName, 'Экология: аралық бақылау');
      assert.equal(first.timeZone, 'Asia/Almaty');
      assert.equal(first.startedAt.toISOString(), '2026-03-10T19:30:00.000Z');
    });

    it('sorts by offline time and pages on the server', async () => {
      const byOffline = await reconnectStatistics(t.db, admin, range, { ...page, sort: 'offline' });
      assert.deepEqual(byOffline.rows.slice(0, 3).map((x) => x.sessionId), [S.s3, S.s1, S.s7]);
      const second = await reconnectStatistics(t.db, admin, range, { ...page, pageSize: 2, page: 2 });
      assert.deepEqual(second.rows.map((x) => x.sessionId), [S.s7, S.s6]);
      assert.equal(second.total, 5);
      const past = await reconnectStatistics(t.db, admin, range, { ...page, page: 9 });
      assert.deepEqual([past.rows.length, past.total], [0, 5]);
      const asc = await reconnectStatistics(t.db, admin, range, { ...page, sort: 'candidate', direction: 'asc' });
      assert.equal(asc.rows[0]!.candidateName, 'Әбдіқадыров Нұрсұлтан');
      const mine = await reconnectStatistics(t.db, p2, range, page);
      assert.deepEqual(mine.rows.map((x) => x.sessionId), [S.s7, S.s6]);
    });
  });

  describe('§4.5 report by candidates', () => {
    const page = { sort: 'candidate' as const, direction: 'asc' as const, page: 1, pageSize: 10 };
    it('sums each candidate’s sessions, honesty, violations by type and decisions', async () => {
      const r = await candidateStatistics(t.db, admin, range, page);
      assert.equal(r.total, 3);
      assert.deepEqual(r.rows, [
        {
          candidateId: C.c1,
          candidateName: 'Әбдіқадыров Нұрсұлтан',
          groupName: 'ИС-22-1',
          sessions: 2,
          avgHonesty: 60,
          violations: 4,
          violationsByType: { focus_lost: 2, no_face: 1, second_display: 1 },
          decisions: { none: 0, admitted: 1, not_admitted: 0, annulled: 1 },
        },
        {
          candidateId: C.c2,
          candidateName: 'Қаналбекова Ұлдана',
          groupName: 'ИС-22-1',
          sessions: 2,
          avgHonesty: 75,
          violations: 1,
          violationsByType: { tab_hidden: 1 },
          decisions: { none: 1, admitted: 1, not_admitted: 0, annulled: 0 },
        },
        {
          candidateId: C.c3,
          candidateName: 'Смирнов Алексей',
          groupName: 'ВТ-23-1',
          sessions: 1,
          avgHonesty: 100,
          violations: 0,
          violationsByType: {},
          decisions: { none: 0, admitted: 0, not_admitted: 1, annulled: 0 },
        },
      ]);
    });

    it('sorts by violations and honesty, pages, and scopes proctors', async () => {
      const worst = await candidateStatistics(t.db, admin, range, { ...page, sort: 'violations', direction: 'desc' });
      assert.deepEqual(worst.rows.map((r) => r.candidateId), [C.c1, C.c2, C.c3]);
      const honest = await candidateStatistics(t.db, admin, range, { ...page, sort: 'honesty', direction: 'desc' });
      assert.deepEqual(honest.rows.map((r) => r.candidateId), [C.c3, C.c2, C.c1]);
      const second = await candidateStatistics(t.db, admin, range, { ...page, pageSize: 2, page: 2 });
      assert.deepEqual([second.rows.map((r) => r.candidateId), second.total], [[C.c3], 3]);
      const mine = await candidateStatistics(t.db, p2, range, page);
      assert.deepEqual(
        mine.rows.map((r) => [r.candidateId, r.sessions, r.violations]),
        [
          [C.c1, 1, 1],
          [C.c2, 1, 0],
        ],
      );
    });
  });

  it('offers a proctor only their exams, disciplines and groups', async () => {
    const mine = await statisticsOptions(t.db, p2);
    assert.deepEqual(mine.exams.map((e) => [e.id, e.timeZone]), [[E.newYork, 'America/New_York']]);
    assert.deepEqual(mine.disciplines.map((d) => d.id), [D.physics]);
    assert.deepEqual(mine.groups.map((g) => g.id), [G.g1]);
    const all = await statisticsOptions(t.db, admin);
    assert.equal(all.exams.length, 2);
    assert.deepEqual(all.groups.map((g) => g.name), ['ВТ-23-1', 'ИС-22-1']);
    const none = await statisticsOptions(t.db, { userId: U.idle, role: 'proctor' });
    assert.deepEqual(none, { exams: [], disciplines: [], groups: [] });
  });
  // Runs last: it changes the fixture.
  it('keeps the per-session figures (migration 0009) exact as attempts and violations change', async () => {
    const db = t.db;
    const stats = async (sessionId: string) =>
      db.selectFrom('sessionStatistics').select(['connections', 'offlineMs', 'violations']).where('sessionId', '=', sessionId).executeTakeFirst();
    assert.deepEqual(await stats(S.s1), { connections: 3, offlineMs: 60_000, violations: 3 });
    assert.deepEqual(await stats(S.s4), undefined); // never connected, no violations

    // The open attempt ends, then a fourth one starts 30 s later.
    await db.updateTable('attempts').set({ endedAt: at('2026-03-10T20:00:00Z'), endReason: 'disconnected' }).where('sessionId', '=', S.s1).where('number', '=', 3).execute();
    await db.insertInto('attempts').values({ sessionId: S.s1, number: 4, nodeId: 'node-1', startedAt: at('2026-03-10T20:00:30Z'), endedAt: null, endReason: null }).execute();
    assert.deepEqual(await stats(S.s1), { connections: 4, offlineMs: 90_000, violations: 3 });
    // Without attempt 2, attempt 1 (ends 19:40:00) is followed by attempt 3 (starts 19:50:20).
    await db.deleteFrom('attempts').where('sessionId', '=', S.s1).where('number', '=', 2).execute();
    assert.deepEqual(await stats(S.s1), { connections: 3, offlineMs: 620_000 + 30_000, violations: 3 });

    // Violations one by one, in bulk and deleted.
    await db.insertInto('violations').values({ sessionId: S.s4, type: 'no_face', category: 'behaviour', startsAt: at('2026-03-10T05:10:00Z'), source: 'server' }).execute();
    assert.deepEqual(await stats(S.s4), { connections: 0, offlineMs: 0, violations: 1 });
    await db
      .insertInto('violations')
      .values(['copy', 'paste', 'cut'].map((type) => ({ sessionId: S.s2, type: type as 'copy', category: 'behaviour' as const, startsAt: at('2026-03-10T18:45:00Z'), source: 'client' as const })))
      .execute();
    assert.equal((await stats(S.s2))?.violations, 4);
    await db.deleteFrom('violations').where('sessionId', '=', S.s2).where('type', '=', 'cut').execute();
    assert.equal((await stats(S.s2))?.violations, 3);

    // Every row equals a count from scratch.
    const drift = await db
      .selectFrom('sessionStatistics as st')
      .select('st.sessionId')
      .where((eb) =>
        eb.or([
          eb('st.violations', '!=', eb.selectFrom('violations as v').select((x) => x.fn.countAll<number>().as('n')).whereRef('v.sessionId', '=', 'st.sessionId')),
          eb('st.connections', '!=', eb.selectFrom('attempts as a').select((x) => x.fn.countAll<number>().as('n')).whereRef('a.sessionId', '=', 'st.sessionId')),
        ]),
      )
      .execute();
    assert.deepEqual(drift, []);

    // Deleting a session cascades to its attempts, violations and figures without error.
    assert.deepEqual(await stats(S.s5), { connections: 2, offlineMs: 600_000, violations: 1 });
    await db.deleteFrom('examSessions').where('id', '=', S.s5).execute();
    assert.equal(await stats(S.s5), undefined);

    // The reconnection table reads them.
    const r = await reconnectStatistics(t.db, admin, range, { sort: 'reconnects', direction: 'desc', page: 1, pageSize: 1 });
    assert.deepEqual(r.rows.map((x) => [x.sessionId, x.connections, x.offlineMs]), [[S.s1, 3, 650_000]]);
  });
});
