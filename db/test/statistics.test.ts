// The statistics queries of the page's figures (manual §4.1–4.3) and its filter choices, on
// the hand-made fixture of support/statistics-fixture.ts (two exams in different zones
// straddling day boundaries; range 2026-03-09 … 2026-03-11). §4.4, §4.5:
// statistics-tables.test.ts.
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { activityStatistics, connectionStatistics, daysOf, statisticsOptions } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';
import { admin, D, E, G, p1, p2, range, seedStatisticsFixture, U } from './support/statistics-fixture.ts';

describe('statistics repository', () => {
  let t: TestDatabase;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    await seedStatisticsFixture(t.db);
  });

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
});
