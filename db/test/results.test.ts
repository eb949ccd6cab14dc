// The Results query on a hand-made fixture whose answers are written out below: every
// filter alone and combined, every sort both ways, grouping, archive, paging, proctor
// scoping, decisions and views with their audit entries, and hostile search text.
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import {
  candidatePhotoPaths,
  searchResultsChoices,
  getResultRow,
  listActionsForSession,
  listCandidateResults,
  listResults,
  listResultsByCandidate,
  markViewed,
  RESULTS_SORT_KEYS,
  type ResultsFilters,
  type ResultsSortKey,
  type ResultsViewer,
  setDecision,
} from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';

// Ids are chosen so that the id tie-break order is s1 < s2 < … < s9.
const id = (prefix: number, n: number) => `00000000-0000-4000-8000-${String(prefix).padStart(6, '0')}${String(n).padStart(6, '0')}`;
const S = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`s${i + 1}`, id(1, i + 1)])) as Record<
  's1' | 's2' | 's3' | 's4' | 's5' | 's6' | 's7' | 's8' | 's9',
  string
>;
const C = { c1: id(2, 1), c2: id(2, 2), c3: id(2, 3), c4: id(2, 4), c5: id(2, 5) };
const G = { g1: id(3, 1), g2: id(3, 2), g10: id(3, 10) };
const D = { ecology: id(4, 1), kazakh: id(4, 2) };
const E = { e1: id(5, 1), e2: id(5, 2), e3: id(5, 3) };
const U = { admin: id(6, 1), p1: id(6, 2), p2: id(6, 3), p3: id(6, 4) };
const name = (s: string) => Object.entries(S).find(([, v]) => v === s)?.[0];

const admin: ResultsViewer = { userId: U.admin, role: 'admin' };
const current: ResultsFilters = { archived: false };
const actor = { userId: U.p1, fullName: 'Нұрланова Айгүл Бекқызы', iin: '880514400016' };

describe('results repository', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const db = t.db;
    await db.insertInto('disciplines').values([{ id: D.ecology, name: 'Экология' }, { id: D.kazakh, name: 'Қазақ тілі' }]).execute();
    // "Группа 10" sorts after "Группа 2" (numeric collation) and contains "Группа 1".
    await db.insertInto('groups').values([{ id: G.g1, name: 'Группа 1' }, { id: G.g2, name: 'Группа 2' }, { id: G.g10, name: 'Группа 10' }]).execute();
    const window = { startsAt: new Date('2025-01-01T00:00:00Z'), endsAt: new Date('2025-12-31T00:00:00Z') };
    await db
      .insertInto('exams')
      .values([
        { id: E.e1, name: 'Экология test', disciplineId: D.ecology, ...window },
        { id: E.e2, name: 'Қазақ тілі: емтихан', disciplineId: D.kazakh, ...window, timeZone: 'Asia/Aqtobe' },
        { id: E.e3, name: 'Экология: қысқы сессия', disciplineId: D.ecology, ...window },
      ])
      .execute();
    await db
      .insertInto('users')
      .values([
        { id: U.admin, email: 'admin@t', fullName: 'Админ', role: 'admin' },
        { id: U.p1, email: 'p1@t', fullName: actor.fullName, iin: actor.iin, role: 'proctor' },
        { id: U.p2, email: 'p2@t', fullName: 'Проктор Два', role: 'proctor' },
        { id: U.p3, email: 'p3@t', fullName: 'Проктор Три', role: 'proctor' },
      ])
      .execute();
    await db.insertInto('examProctors').values([{ examId: E.e1, userId: U.p1 }, { examId: E.e2, userId: U.p2 }]).execute();
    await db
      .insertInto('candidates')
      .values([
        { id: C.c1, fullName: 'Абдукаримова Зарина', iin: '040312600011', groupId: G.g1, referencePhotoPath: 'photos/c1.jpg' },
        { id: C.c2, fullName: 'Әбдіқадыров Нұрсұлтан', iin: '031102500012', groupId: G.g1 },
        { id: C.c3, fullName: 'Смирнов Алексей', iin: '041207300013', groupId: G.g2 },
        { id: C.c4, fullName: 'Қаналбекова Ұлдана', iin: '040618600014', groupId: G.g10 },
        // No group; LIKE wildcards in the name must match only literally.
        { id: C.c5, fullName: 'Жанна 100%_тест', iin: '050130600015', groupId: null },
      ])
      .execute();
    const at = (s: string) => new Date(`${s}Z`);
    const session = (
      sid: string,
      examId: string,
      candidateId: string,
      status: 'not_started' | 'in_progress' | 'finished',
      startedAt: string | null,
      endedAt: string | null,
      honesty: number | null,
      decision: 'none' | 'admitted' | 'not_admitted' | 'annulled',
      reviewStatus: 'not_viewed' | 'viewed',
      archived = false,
    ) => ({
      id: sid, examId, candidateId, status, honesty, decision, reviewStatus, archived,
      startedAt: startedAt ? at(startedAt) : null,
      endedAt: endedAt ? at(endedAt) : null,
    });
    await db
      .insertInto('examSessions')
      .values([
        session(S.s1, E.e1, C.c1, 'finished', '2025-03-01T09:00:00', '2025-03-01T09:50:00', 79, 'none', 'not_viewed'),
        session(S.s2, E.e1, C.c2, 'finished', '2025-03-01T09:05:00', '2025-03-01T10:00:00', 95, 'admitted', 'viewed'),
        session(S.s3, E.e1, C.c3, 'in_progress', '2025-03-01T09:10:00', null, 60, 'none', 'not_viewed'),
        session(S.s4, E.e1, C.c4, 'not_started', null, null, null, 'none', 'not_viewed'),
        session(S.s5, E.e2, C.c1, 'finished', '2025-03-05T14:00:00', '2025-03-05T15:00:00', 40, 'not_admitted', 'viewed'),
        session(S.s6, E.e2, C.c3, 'finished', '2025-03-05T14:02:00', '2025-03-05T14:40:00', 100, 'annulled', 'viewed'),
        session(S.s7, E.e2, C.c5, 'finished', '2025-03-05T14:03:00', '2025-03-05T14:30:00', 88, 'none', 'not_viewed'),
        session(S.s8, E.e3, C.c1, 'finished', '2025-01-10T10:00:00', '2025-01-10T11:00:00', 70, 'admitted', 'viewed', true),
        session(S.s9, E.e3, C.c2, 'finished', '2025-01-10T10:01:00', '2025-01-10T10:40:00', 55, 'none', 'not_viewed', true),
      ])
      .execute();
    // c2 has no reference photo but two verifications: rows show the latest, whichever session it was in.
    await db
      .insertInto('verifications')
      .values([
        { sessionId: S.s9, startedAt: at('2025-01-10T10:01:10'), endedAt: at('2025-01-10T10:01:12'), result: 'successful', facePhotoPath: 's9/verification/old.jpg' },
        { sessionId: S.s2, startedAt: at('2025-03-01T09:05:10'), endedAt: at('2025-03-01T09:05:12'), result: 'successful', facePhotoPath: 's2/verification/new.jpg' },
      ])
      .execute();
    // Violation snapshots are evidence, not the candidate's photo.
    await db
      .insertInto('violations')
      .values([
        { sessionId: S.s2, type: 'no_face', category: 'behaviour', source: 'client', startsAt: at('2025-03-01T09:20:00'), snapshotPath: 'snap/s2-a.jpg' },
        { sessionId: S.s2, type: 'focus_lost', category: 'behaviour', source: 'client', startsAt: at('2025-03-01T09:30:00'), snapshotPath: 'snap/s2-b.jpg' },
        { sessionId: S.s2, type: 'voice', category: 'behaviour', source: 'server', startsAt: at('2025-03-01T09:40:00'), snapshotPath: null },
      ])
      .execute();
  });
  afterAll(() => t?.drop());

  const ids = async (filters: Partial<ResultsFilters>, sort: ResultsSortKey = 'startedAt', direction: 'asc' | 'desc' = 'asc', viewer = admin) => {
    const r = await listResults(t.db, viewer, { ...current, ...filters }, { sort, direction, page: 1, pageSize: 50 });
    assert.equal(r.total, r.rows.length);
    assert.equal(r.totalExact, true);
    return r.rows.map((row) => name(row.sessionId));
  };

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

  it('shows a proctor only the sessions of exams assigned to them', async () => {
    const p1: ResultsViewer = { userId: U.p1, role: 'proctor' };
    const p2: ResultsViewer = { userId: U.p2, role: 'proctor' };
    const p3: ResultsViewer = { userId: U.p3, role: 'proctor' };
    assert.deepEqual(await ids({}, 'startedAt', 'asc', p1), ['s1', 's2', 's3', 's4']);
    assert.deepEqual(await ids({}, 'startedAt', 'asc', p2), ['s5', 's6', 's7']);
    assert.deepEqual(await ids({}, 'startedAt', 'asc', p3), []);
    assert.deepEqual(await ids({ examIds: [E.e2] }, 'startedAt', 'asc', p1), [], 'an exam filter never widens the scope');
    assert.deepEqual(await ids({ archived: true }, 'startedAt', 'asc', p1), []);
    const grouped = await listResultsByCandidate(t.db, p2, current, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
    assert.deepEqual(grouped.rows.map((r) => r.candidateId), [C.c1, C.c5, C.c3]);
  });

  it("gives a candidate's photo paths only to who may see the candidate", async () => {
    const p1: ResultsViewer = { userId: U.p1, role: 'proctor' };
    assert.deepEqual(await candidatePhotoPaths(t.db, admin, C.c2), { verificationPhotoPath: 's2/verification/new.jpg', referencePhotoPath: null });
    assert.deepEqual(await candidatePhotoPaths(t.db, p1, C.c1), { verificationPhotoPath: null, referencePhotoPath: 'photos/c1.jpg' });
    assert.equal(await candidatePhotoPaths(t.db, p1, C.c5), undefined, 'c5 sits only exams of another proctor');
    assert.equal(await candidatePhotoPaths(t.db, { userId: U.p3, role: 'proctor' }, C.c1), undefined, 'a proctor without exams');
    assert.equal(await candidatePhotoPaths(t.db, admin, id(9, 9)), undefined);
  });

  it('searches the filter choices over every exam, group and discipline in the viewer’s scope', async () => {
    const p1: ResultsViewer = { userId: U.p1, role: 'proctor' };
    const names = async (viewer: ResultsViewer, kind: 'exam' | 'group' | 'discipline', more: { search?: string; ids?: string[]; limit?: number } = {}) =>
      (await searchResultsChoices(t.db, viewer, { kind, limit: 20, ...more })).items.map((c) => c.name);
    assert.deepEqual(await names(admin, 'exam', { search: 'ЭКОЛОГ' }), ['Экология test', 'Экология: қысқы сессия']);
    assert.deepEqual(await names(admin, 'exam', { search: '%' }), [], '% is literal');
    assert.deepEqual((await names(admin, 'group')).sort(), ['Группа 1', 'Группа 10', 'Группа 2'].sort());
    assert.deepEqual(await names(admin, 'discipline', { search: 'тіл' }), ['Қазақ тілі']);
    // A proctor: their exams, the groups that sat them, those exams' disciplines.
    assert.deepEqual(await names(p1, 'exam'), ['Экология test']);
    assert.deepEqual((await names(p1, 'group')).sort(), ['Группа 1', 'Группа 10', 'Группа 2'].sort());
    assert.deepEqual(await names(p1, 'discipline'), ['Экология']);
    assert.deepEqual((await names({ userId: U.p2, role: 'proctor' }, 'group')).sort(), ['Группа 1', 'Группа 2'].sort(), 'only groups that sat their exam');
    assert.deepEqual(await names({ userId: U.p3, role: 'proctor' }, 'exam'), []);
    // Named ids (the chosen values' labels) stay within the scope.
    assert.deepEqual(await names(admin, 'exam', { ids: [E.e2] }), ['Қазақ тілі: емтихан']);
    assert.deepEqual(await names(p1, 'exam', { ids: [E.e2] }), []);
    assert.deepEqual(await names(admin, 'exam', { ids: [] }), []);
    // Paging by "more": the first `limit`, and whether there are others.
    const two = await searchResultsChoices(t.db, admin, { kind: 'exam', limit: 2 });
    assert.deepEqual([two.items.length, two.more], [2, true]);
    const all = await searchResultsChoices(t.db, admin, { kind: 'exam', limit: 3 });
    assert.deepEqual([all.items.length, all.more], [3, false]);
    assert.deepEqual(Object.keys(all.items[0]!).sort(), ['archived', 'id', 'name', 'startsAt', 'timeZone']);
    assert.equal(all.items.find((c) => c.id === E.e2)!.timeZone, 'Asia/Aqtobe');
  });

  it('treats SQL-looking search text as text', async () => {
    for (const search of ["'; DROP TABLE exam_sessions; --", "' OR '1'='1", '\\', "%' OR 1=1 --", 'a\u0000b'.replace('\u0000', '')]) {
      const r = await listResults(t.db, admin, { ...current, search }, { sort: 'candidate', direction: 'asc', page: 1, pageSize: 50 });
      assert.deepEqual([r.rows.length, r.total], [0, 0], search);
    }
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM exam_sessions`.execute(t.db);
    assert.equal(rows[0]!.n, 9);
  });

  it('changes a decision once, logging from → to in the same transaction', async () => {
    const change = await setDecision(t.db, { sessionId: S.s1, decision: 'admitted', actor });
    assert.deepEqual(change, { examId: E.e1, from: 'none', to: 'admitted', changed: true });
    assert.equal((await getResultRow(t.db, S.s1))?.decision, 'admitted');
    const again = await setDecision(t.db, { sessionId: S.s1, decision: 'admitted', actor });
    assert.deepEqual(again, { examId: E.e1, from: 'admitted', to: 'admitted', changed: false });
    const log = await listActionsForSession(t.db, S.s1);
    assert.equal(log.length, 1, 'no entry for a no-op');
    assert.deepEqual(
      [log[0]!.action, log[0]!.details, log[0]!.actorUserId, log[0]!.actorName, log[0]!.actorIin],
      ['session.decision_changed', { from: 'none', to: 'admitted' }, U.p1, actor.fullName, actor.iin],
    );
    assert.equal(await setDecision(t.db, { sessionId: id(9, 9), decision: 'admitted', actor }), undefined);
  });

  it('rolls the decision back when the audit entry cannot be written', async () => {
    await assert.rejects(setDecision(t.db, { sessionId: S.s2, decision: 'annulled', actor: { ...actor, iin: null, fullName: null as unknown as string } }));
    assert.equal((await getResultRow(t.db, S.s2))?.decision, 'admitted');
    assert.deepEqual(await listActionsForSession(t.db, S.s2), []);
  });

  it('marks a session viewed on the first view and logs every view', async () => {
    assert.deepEqual(await markViewed(t.db, { sessionId: S.s3, actor }), { examId: E.e1, firstView: true });
    assert.deepEqual(await markViewed(t.db, { sessionId: S.s3, actor }), { examId: E.e1, firstView: false });
    assert.equal((await getResultRow(t.db, S.s3))?.reviewStatus, 'viewed');
    assert.deepEqual((await listActionsForSession(t.db, S.s3)).map((e) => e.action), ['session.viewed', 'session.viewed']);
    assert.equal(await markViewed(t.db, { sessionId: id(9, 9), actor }), undefined);
  });

  it('keeps the name copies in step with renames and group moves', async () => {
    await t.db.updateTable('candidates').set({ fullName: 'Абдукаримова Зарина Ерланқызы', groupId: G.g2 }).where('id', '=', C.c1).execute();
    await t.db.updateTable('groups').set({ name: 'Группа 2А' }).where('id', '=', G.g2).execute();
    await t.db.updateTable('exams').set({ name: 'Қазақ тілі (қайта тапсыру)', disciplineId: D.ecology }).where('id', '=', E.e2).execute();
    const row = await getResultRow(t.db, S.s5);
    assert.deepEqual(
      [row?.candidateName, row?.groupId, row?.groupName, row?.examName],
      ['Абдукаримова Зарина Ерланқызы', G.g2, 'Группа 2А', 'Қазақ тілі (қайта тапсыру)'],
    );
    assert.deepEqual(await ids({ search: 'ерланқызы' }), ['s1', 's5']);
    assert.deepEqual(await ids({ search: 'группа 2а' }), ['s1', 's3', 's5', 's6']);
    assert.deepEqual(await ids({ disciplineIds: [D.kazakh] }), []);
    await assert.rejects(
      t.db.insertInto('examSessions').values({ examId: E.e1, candidateId: id(9, 9) }).execute(),
      /candidate .* does not exist/,
    );
  });
});

describe('results grouped by candidate, summary table', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

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
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

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
  beforeAll(async () => {
    t = await createTestDatabase();
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
  afterAll(() => t?.drop());

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
