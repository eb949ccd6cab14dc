// The Results grouped view's trigger-kept summary table (migration 0004), under concurrent
// changes, and the search's two ways (by id, by pattern) on a larger fixture.
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { listResults, listResultsByCandidate, type ResultsFilters, type ResultsViewer } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';
import { admin, U } from './support/results-fixture.ts';

describe('results grouped by candidate, summary table', () => {
  let t: TestDatabase;
  useTestDatabase((db) => (t = db));

  it('gives the same pages from the trigger-kept aggregates as from the sessions themselves', async () => {
    const db = t.db;
    const { id: disciplineId } = await db.insertInto('disciplines').values({ name: 'Химия' }).returning('id').executeTakeFirstOrThrow();
    const window = { startsAt: new Date('2025-02-01T00:00:00Z'), endsAt: new Date('2025-02-02T00:00:00Z') };
    const exams = await db
      .insertInto('exams')
      .values([1, 2, 3].map((i) => ({ name: `Химия ${i}`, disciplineId, ...window })))
      .returning('id')
      .execute();
    const candidates = await db
      .insertInto('candidates')
      .values(['Ахметова Дана', 'Бекова Әсел', 'Ким Ольга', 'Оспанов Ерлан'].map((fullName, i) => ({ fullName, iin: String(200000000000 + i) })))
      .returning('id')
      .execute();
    // One statement inserting many sessions, then single-row and bulk changes of every kind.
    const sessions = await db
      .insertInto('examSessions')
      .values(
        exams.flatMap((e, x) =>
          candidates.slice(x).map((c, i) => ({
            examId: e.id,
            candidateId: c.id,
            status: 'finished' as const,
            startedAt: new Date(Date.UTC(2025, 1, 1, 9 + x, i)),
            endedAt: new Date(Date.UTC(2025, 1, 1, 10 + x, i)),
            honesty: 40 + 13 * i + 7 * x,
          })),
        ),
      )
      .returning('id')
      .execute();
    await db.updateTable('examSessions').set({ decision: 'admitted', reviewStatus: 'viewed' }).where('id', '=', sessions[0]!.id).execute();
    await db.updateTable('examSessions').set({ archived: true }).where('examId', '=', exams[0]!.id).execute();
    await db.updateTable('examSessions').set({ honesty: 5, endedAt: new Date('2025-02-01T23:00:00Z') }).where('id', '=', sessions[5]!.id).execute();
    await db.deleteFrom('examSessions').where('id', '=', sessions[8]!.id).execute();
    await db.updateTable('candidates').set({ fullName: 'Ахметова Дана Ерланқызы' }).where('id', '=', candidates[0]!.id).execute();

    const adminViewer: ResultsViewer = { userId: U.admin, role: 'admin' };
    const everyStatus = ['not_started', 'in_progress', 'finished'] as const;
    for (const archived of [false, true]) {
      for (const sort of ['sessions', 'startedAt', 'endedAt', 'honesty'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const pageOf = (filters: ResultsFilters) => listResultsByCandidate(db, adminViewer, filters, { sort, direction, page: 1, pageSize: 50 });
          // A status filter that keeps everything still forces aggregation on the fly.
          const [summary, live] = await Promise.all([pageOf({ archived }), pageOf({ archived, statuses: [...everyStatus] })]);
          assert.deepEqual(summary, live, `${archived ? 'archived' : 'current'} by ${sort} ${direction}`);
        }
      }
    }
    // Ахметова's only session was archived; Оспанов lost one to the delete.
    const current = await listResultsByCandidate(db, adminViewer, { archived: false }, { sort: 'sessions', direction: 'desc', page: 1, pageSize: 50 });
    assert.deepEqual(current.rows.map((r) => [r.candidateName, r.sessionCount]), [['Ким Ольга', 2], ['Оспанов Ерлан', 1], ['Бекова Әсел', 1]]);
    const archived = await listResultsByCandidate(db, adminViewer, { archived: true }, { sort: 'sessions', direction: 'desc', page: 1, pageSize: 50 });
    assert.deepEqual(archived.rows.map((r) => r.candidateName).sort(), ['Ахметова Дана Ерланқызы', 'Бекова Әсел', 'Ким Ольга', 'Оспанов Ерлан']);
  });
});

describe('results summary under concurrent changes', () => {
  let t: TestDatabase;
  useTestDatabase((db) => (t = db));

  it('stays exact when two transactions change one candidate’s sessions at once', async () => {
    const db = t.db;
    const { id: disciplineId } = await db.insertInto('disciplines').values({ name: 'Тарих' }).returning('id').executeTakeFirstOrThrow();
    const window = { startsAt: new Date('2025-02-01T00:00:00Z'), endsAt: new Date('2025-02-02T00:00:00Z') };
    const exams = await db.insertInto('exams').values([{ name: 'Тарих 1', disciplineId, ...window }, { name: 'Тарих 2', disciplineId, ...window }]).returning('id').execute();
    const { id: candidateId } = await db.insertInto('candidates').values({ fullName: 'Нұрланов Ілияс', iin: '300000000001' }).returning('id').executeTakeFirstOrThrow();
    const [a, b] = await db.insertInto('examSessions').values(exams.map((e) => ({ examId: e.id, candidateId }))).returning('id').execute();

    // The first transaction changes session a and stays open while the second changes b;
    // the second must not write aggregates from before the first one's commit.
    let updated!: () => void;
    let release!: () => void;
    const firstUpdated = new Promise<void>((resolve) => (updated = resolve));
    const firstHolds = new Promise<void>((resolve) => (release = resolve));
    const first = db.transaction().execute(async (trx) => {
      await trx.updateTable('examSessions').set({ decision: 'admitted' }).where('id', '=', a!.id).execute();
      updated();
      await firstHolds;
    });
    await firstUpdated;
    const second = db.transaction().execute((trx) => trx.updateTable('examSessions').set({ decision: 'annulled' }).where('id', '=', b!.id).execute());
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);

    const summary = await db.selectFrom('candidateResults').select(['sessionCount', 'undecidedCount']).where('candidateId', '=', candidateId).executeTakeFirstOrThrow();
    assert.deepEqual(summary, { sessionCount: 2, undecidedCount: 0 });
  });
});

describe('results search, specific and broad', () => {
  let t: TestDatabase;
  const perGroup = new Map<number, number>();
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    const { id: disciplineId } = await t.db.insertInto('disciplines').values({ name: 'Физика' }).returning('id').executeTakeFirstOrThrow();
    const { id: examId } = await t.db
      .insertInto('exams')
      .values({ name: 'Физика: емтихан', disciplineId, startsAt: new Date('2025-01-01T00:00:00Z'), endsAt: new Date('2025-01-02T00:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
    // 60 groups and 1100 "Тестов…" candidates: more than a specific search fetches by id
    // (50 groups, 1000 candidates).
    const groups = await t.db
      .insertInto('groups')
      .values(Array.from({ length: 60 }, (_, i) => ({ name: `ФН-${i + 10}` })))
      .returning('id')
      .execute();
    const candidates = await t.db
      .insertInto('candidates')
      .values(
        Array.from({ length: 1100 }, (_, i) => {
          perGroup.set(i % 60, (perGroup.get(i % 60) ?? 0) + 1);
          return { fullName: `Тестов${i % 2 ? 'а' : ''} Кандидат ${String(i).padStart(4, '0')}`, iin: String(100000000000 + i), groupId: groups[i % 60]!.id };
        }),
      )
      .returning('id')
      .execute();
    await t.db.insertInto('examSessions').values(candidates.map((c) => ({ examId, candidateId: c.id }))).execute();
  });

  const page = (search: string, pageSize: number) =>
    listResults(t.db, admin, { archived: false, search }, { sort: 'candidate', direction: 'asc', page: 1, pageSize });
  // One page holds every match, so the total is exact whichever way the search went.
  const total = async (search: string) => (await page(search, 2000)).total;
  const groupsTotal = (from: number, to: number) => [...perGroup].filter(([g]) => g >= from && g <= to).reduce((n, [, c]) => n + c, 0);

  it('finds the same sessions whether the search is specific or broad', async () => {
    assert.equal(await total('кандидат 0007'), 1, 'one candidate, by id');
    assert.equal(await total('тестова'), 550, '550 candidates, by id');
    assert.equal(await total('тест'), 1100, '1100 candidates: broad, by pattern');
    assert.equal(await total('фн-'), 1100, '60 groups: broad');
    assert.equal(await total('фн-1'), groupsTotal(0, 9), 'ФН-10…ФН-19, by id');
    assert.equal(await total('фн-21'), groupsTotal(11, 11), 'one group, by id');
    assert.equal(await total('нет такого'), 0);
  });

  it('estimates the total of a broad search instead of checking every session by pattern', async () => {
    const broad = await page('тест', 10);
    assert.equal(broad.totalExact, false);
    assert.equal(broad.rows.length, 10);
    assert.ok(broad.total > 10, `estimate ${broad.total}`);
    const specific = await page('тестова', 10);
    assert.deepEqual([specific.total, specific.totalExact], [550, true]);
  });
});
