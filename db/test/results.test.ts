// The Results query on a hand-made fixture whose answers are written out
// (support/results-fixture.ts): every filter alone and combined, every sort both ways,
// grouping, archive and paging. Scoping, decisions, views and search text:
// results-review.test.ts; the summary table and broad searches: results-summary.test.ts.
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  getResultRow,
  listCandidateResults,
  listResults,
  listResultsByCandidate,
  RESULTS_SORT_KEYS,
  type ResultsFilters,
  type ResultsSortKey,
} from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { admin, C, current, D, E, G, name, S, sessionNames, useResultsFixture, U } from './support/results-fixture.ts';

describe('results repository', () => {
  let t: TestDatabase;
  let ids: ReturnType<typeof sessionNames>;
  useResultsFixture((db, names) => ((t = db), (ids = names)));

  it('returns every column of a row', async () => {
    const { rows } = await listResults(t.db, admin, current, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 2 });
    assert.deepEqual(rows[0], {
      sessionId: S.s1,
      examId: E.e1,
      candidateId: C.c1,
      verificationPhotoPath: null,
      referencePhotoPath: 'photos/c1.jpg',
      candidateName: 'Абдукаримова Зарина',
      groupId: G.g1,
      groupName: 'Группа 1',
      status: 'finished',
      startedAt: new Date('2025-03-01T09:00:00Z'),
      endedAt: new Date('2025-03-01T09:50:00Z'),
      honesty: 79,
      examName: 'Экология test',
      timeZone: 'Asia/Almaty',
      decision: 'none',
      reviewStatus: 'not_viewed',
    });
    const photos = async (sessionId: string) => {
      const row = await getResultRow(t.db, sessionId);
      return [row?.verificationPhotoPath, row?.referencePhotoPath];
    };
    assert.deepEqual(await photos(S.s2), ['s2/verification/new.jpg', null], "the candidate's latest verification");
    assert.deepEqual(await photos(S.s9), ['s2/verification/new.jpg', null], 'also on the row of an older session');
    assert.deepEqual(await photos(S.s7), [null, null], 'no verification, no reference, snapshots do not count');
    assert.equal((await getResultRow(t.db, S.s6))?.timeZone, 'Asia/Aqtobe');
  });

  it('defaults to current records, newest first, not-started ones last', async () => {
    assert.deepEqual(await ids({}, 'startedAt', 'desc'), ['s7', 's6', 's5', 's3', 's2', 's1', 's4']);
  });

  it('filters by each criterion alone', async () => {
    assert.deepEqual(await ids({ search: 'зарина' }), ['s1', 's5']);
    assert.deepEqual(await ids({ search: '  ӘБДІҚ ' }), ['s2'], 'Kazakh letters, any case, trimmed');
    assert.deepEqual(await ids({ search: 'группа 1' }), ['s1', 's2', 's5', 's4'], 'group name substring: Группа 1 and Группа 10');
    assert.deepEqual(await ids({ search: '%' }), ['s7'], '% is literal');
    assert.deepEqual(await ids({ search: '_' }), ['s7'], '_ is literal');
    assert.deepEqual(await ids({ search: 'нет такого' }), []);
    assert.deepEqual(await ids({ examIds: [E.e2] }), ['s5', 's6', 's7']);
    assert.deepEqual(await ids({ examIds: [E.e1, E.e2] }), ['s1', 's2', 's3', 's5', 's6', 's7', 's4']);
    assert.deepEqual(await ids({ startedFrom: new Date('2025-03-05T00:00:00Z'), startedTo: new Date('2025-03-05T23:59:59Z') }), ['s5', 's6', 's7']);
    assert.deepEqual(await ids({ startedFrom: new Date('2025-03-01T09:05:00Z'), startedTo: new Date('2025-03-05T14:00:00Z') }), ['s2', 's3', 's5'], 'bounds inclusive');
    assert.deepEqual(await ids({ startedTo: new Date('2025-03-01T09:05:00Z') }), ['s1', 's2']);
    assert.deepEqual(await ids({ groupIds: [G.g2] }), ['s3', 's6']);
    assert.deepEqual(await ids({ groupIds: [G.g1, G.g10] }), ['s1', 's2', 's5', 's4']);
    assert.deepEqual(await ids({ disciplineIds: [D.kazakh] }), ['s5', 's6', 's7']);
    assert.deepEqual(await ids({ statuses: ['in_progress'] }), ['s3']);
    assert.deepEqual(await ids({ statuses: ['not_started', 'in_progress'] }), ['s3', 's4']);
    assert.deepEqual(await ids({ honestyMin: 60, honestyMax: 88 }), ['s1', 's3', 's7'], 'inclusive, null honesty excluded');
    assert.deepEqual(await ids({ honestyMin: 95 }), ['s2', 's6']);
    assert.deepEqual(await ids({ honestyMax: 40 }), ['s5']);
    assert.deepEqual(await ids({ decisions: ['admitted'] }), ['s2']);
    assert.deepEqual(await ids({ decisions: ['none'] }), ['s1', 's3', 's7', 's4']);
    assert.deepEqual(await ids({ archived: true }), ['s8', 's9']);
  });

  it('combines filters', async () => {
    assert.deepEqual(await ids({ examIds: [E.e1], statuses: ['finished'] }), ['s1', 's2']);
    assert.deepEqual(await ids({ search: 'а', decisions: ['none'], honestyMin: 50 }), ['s1', 's3', 's7']);
    assert.deepEqual(await ids({ disciplineIds: [D.ecology], groupIds: [G.g1], honestyMax: 80 }), ['s1']);
    assert.deepEqual(await ids({ archived: true, search: 'нұрсұлтан', decisions: ['none'] }), ['s9']);
    assert.deepEqual(await ids({ examIds: [E.e2], statuses: ['in_progress'] }), []);
  });

  it('sorts by every column both ways, ties broken by id, empty values last both ways', async () => {
    const asc: Record<ResultsSortKey, string[]> = {
      // Kazakh alphabet: А Ә … Ж … Қ … С
      candidate: ['s1', 's5', 's2', 's7', 's4', 's3', 's6'],
      // Группа 1 < Группа 2 < Группа 10; then by candidate; no group last
      group: ['s1', 's5', 's2', 's3', 's6', 's4', 's7'],
      // not started < in progress < finished, then by start
      status: ['s4', 's3', 's1', 's2', 's5', 's6', 's7'],
      // not started (no start) last
      startedAt: ['s1', 's2', 's3', 's5', 's6', 's7', 's4'],
      // not ended (in progress, not started) last, by id
      endedAt: ['s1', 's2', 's7', 's6', 's5', 's3', 's4'],
      // no honesty yet last
      honesty: ['s5', 's3', 's1', 's7', 's2', 's6', 's4'],
      // Қазақ тілі… < Экология…
      exam: ['s5', 's6', 's7', 's1', 's2', 's3', 's4'],
      // none < admitted < not admitted < annulled, then by start
      decision: ['s4', 's1', 's3', 's7', 's2', 's5', 's6'],
      reviewStatus: ['s4', 's1', 's3', 's7', 's2', 's5', 's6'],
    };
    // How many rows at the end of each list have no value for the column.
    const empty: Partial<Record<ResultsSortKey, number>> = { group: 1, startedAt: 1, endedAt: 2, honesty: 1 };
    for (const key of RESULTS_SORT_KEYS) {
      const split = asc[key].length - (empty[key] ?? 0);
      const desc = [...asc[key].slice(0, split).reverse(), ...asc[key].slice(split).reverse()];
      assert.deepEqual(await ids({}, key, 'asc'), asc[key], `${key} asc`);
      assert.deepEqual(await ids({}, key, 'desc'), desc, `${key} desc`);
    }
  });

  it('pages with a total, and a page past the end is empty with the same total', async () => {
    const page = (n: number) => listResults(t.db, admin, current, { sort: 'startedAt', direction: 'asc', page: n, pageSize: 3 });
    const pages = await Promise.all([1, 2, 3, 4, 1_000_000].map(page));
    assert.deepEqual(pages.map((p) => p.rows.map((r) => name(r.sessionId))), [['s1', 's2', 's3'], ['s5', 's6', 's7'], ['s4'], [], []]);
    // Pages of a sort with empty values cut across the two parts (with a value, then without).
    const byEnd = (n: number, direction: 'asc' | 'desc') => listResults(t.db, admin, current, { sort: 'endedAt', direction, page: n, pageSize: 3 });
    const ends = await Promise.all([1, 2, 3].flatMap((n) => [byEnd(n, 'asc'), byEnd(n, 'desc')]));
    assert.deepEqual(ends.map((p) => p.rows.map((r) => name(r.sessionId))), [['s1', 's2', 's7'], ['s5', 's6', 's7'], ['s6', 's5', 's3'], ['s2', 's1', 's4'], ['s4'], ['s3']]);
    assert.deepEqual(pages.map((p) => [p.total, p.totalExact]), Array(5).fill([7, true]));
  });

  it('estimates the total above the exact-count limit and says so', async () => {
    const r = await listResults(t.db, admin, current, { sort: 'startedAt', direction: 'asc', page: 1, pageSize: 2, exactCountLimit: 3 });
    assert.equal(r.totalExact, false);
    assert.ok(r.total >= 4, `estimate ${r.total} is at least limit + 1`);
    assert.equal(r.rows.length, 2);
    const few = await listResults(t.db, admin, { ...current, examIds: [E.e2] }, { sort: 'startedAt', direction: 'asc', page: 1, pageSize: 2, exactCountLimit: 3 });
    assert.deepEqual([few.total, few.totalExact], [3, true]);
  });

  it('groups by candidate with counts and aggregates, sorted, and expands one candidate', async () => {
    const grouped = await listResultsByCandidate(t.db, admin, current, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
    assert.deepEqual([grouped.total, grouped.totalExact], [5, true]);
    assert.deepEqual(
      grouped.rows.map((r) => [r.candidateId, r.sessionCount]),
      [[C.c1, 2], [C.c2, 1], [C.c5, 1], [C.c4, 1], [C.c3, 2]],
    );
    assert.deepEqual(grouped.rows[0], {
      candidateId: C.c1,
      verificationPhotoPath: null,
      referencePhotoPath: 'photos/c1.jpg',
      candidateName: 'Абдукаримова Зарина',
      groupId: G.g1,
      groupName: 'Группа 1',
      sessionCount: 2,
      firstStartedAt: new Date('2025-03-01T09:00:00Z'),
      lastStartedAt: new Date('2025-03-05T14:00:00Z'),
      lastEndedAt: new Date('2025-03-05T15:00:00Z'),
      minHonesty: 40,
      avgHonesty: 60, // (79 + 40) / 2 rounded
      notViewedCount: 1,
      undecidedCount: 1,
    });
    assert.equal(grouped.rows[1]!.verificationPhotoPath, 's2/verification/new.jpg');

    const by = async (sort: 'candidate' | 'group' | 'sessions' | 'startedAt' | 'endedAt' | 'honesty', direction: 'asc' | 'desc') =>
      (await listResultsByCandidate(t.db, admin, current, { sort, direction, page: 1, pageSize: 50 })).rows.map((r) => r.candidateId);
    assert.deepEqual(await by('sessions', 'desc'), [C.c3, C.c1, C.c4, C.c5, C.c2]);
    assert.deepEqual(await by('group', 'asc'), [C.c1, C.c2, C.c3, C.c4, C.c5]);
    assert.deepEqual(await by('group', 'desc'), [C.c4, C.c3, C.c2, C.c1, C.c5], 'no group last both ways');
    assert.deepEqual(await by('honesty', 'asc'), [C.c1, C.c3, C.c5, C.c2, C.c4]);
    assert.deepEqual(await by('startedAt', 'desc'), [C.c5, C.c3, C.c1, C.c2, C.c4], 'never started last both ways');
    assert.deepEqual(await by('honesty', 'desc'), [C.c2, C.c5, C.c3, C.c1, C.c4]);
    // With a filter the aggregates are computed on the fly: the same rule.
    const onTheFly = async (sort: 'startedAt' | 'honesty' | 'group', direction: 'asc' | 'desc') =>
      (await listResultsByCandidate(t.db, admin, { ...current, examIds: [E.e1] }, { sort, direction, page: 1, pageSize: 50 })).rows.map((r) => r.candidateId);
    assert.deepEqual(await onTheFly('startedAt', 'desc'), [C.c3, C.c2, C.c1, C.c4]);
    assert.deepEqual(await onTheFly('startedAt', 'asc'), [C.c1, C.c2, C.c3, C.c4]);
    assert.deepEqual(await onTheFly('honesty', 'desc'), [C.c2, C.c1, C.c3, C.c4]);
    assert.deepEqual(await onTheFly('group', 'desc'), [C.c4, C.c3, C.c2, C.c1]);
    // Latest end among the sessions that have one; c4 has none.
    assert.deepEqual(await by('endedAt', 'asc'), [C.c2, C.c5, C.c3, C.c1, C.c4]);

    const paged = await listResultsByCandidate(t.db, admin, current, { sort: 'candidate', direction: 'desc', page: 2, pageSize: 2 });
    assert.deepEqual([paged.rows.map((r) => r.candidateId), paged.total], [[C.c5, C.c2], 5]);

    const filteredGroups = await listResultsByCandidate(t.db, admin, { ...current, examIds: [E.e2] }, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
    assert.deepEqual(filteredGroups.rows.map((r) => [r.candidateId, r.sessionCount]), [[C.c1, 1], [C.c5, 1], [C.c3, 1]]);

    const archived = await listResultsByCandidate(t.db, admin, { archived: true }, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
    assert.deepEqual(archived.rows.map((r) => [r.candidateId, r.sessionCount]), [[C.c1, 1], [C.c2, 1]]);

    const expand = (filters: ResultsFilters, viewer = admin) =>
      listCandidateResults(t.db, viewer, C.c1, filters, { sort: 'startedAt', direction: 'desc' }).then((rows) => rows.map((r) => name(r.sessionId)));
    assert.deepEqual(await expand(current), ['s5', 's1']);
    assert.deepEqual(await expand({ archived: true }), ['s8']);
    assert.deepEqual(await expand({ ...current, honestyMin: 50 }), ['s1']);
    assert.deepEqual(await expand(current, { userId: U.p2, role: 'proctor' }), ['s5']);
  });
});
