// The statistics tables (manual §4.4 reconnections, §4.5 report by candidates) and the
// per-session figures they read (migration 0009), on support/statistics-fixture.ts.
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { candidateStatistics, reconnectStatistics } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';
import { admin, at, C, p2, range, S, seedStatisticsFixture } from './support/statistics-fixture.ts';

describe('statistics tables', () => {
  let t: TestDatabase;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    await seedStatisticsFixture(t.db);
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
