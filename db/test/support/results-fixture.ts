// The hand-made Results fixture of results.test.ts and results-review.test.ts: nine
// sessions of five candidates in three exams, whose answers the tests write out.
import assert from 'node:assert/strict';
import { beforeAll } from 'vitest';
import type { Kysely } from 'kysely';
import { listResults, type DB, type ResultsFilters, type ResultsSortKey, type ResultsViewer } from '../../src/index.ts';
import type { TestDatabase } from '../../src/testing.ts';
import { useTestDatabase } from './test-db.ts';

// Ids are chosen so that the id tie-break order is s1 < s2 < … < s9.
export const id = (prefix: number, n: number) => `00000000-0000-4000-8000-${String(prefix).padStart(6, '0')}${String(n).padStart(6, '0')}`;
export const S = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`s${i + 1}`, id(1, i + 1)])) as Record<
  's1' | 's2' | 's3' | 's4' | 's5' | 's6' | 's7' | 's8' | 's9',
  string
>;
export const C = { c1: id(2, 1), c2: id(2, 2), c3: id(2, 3), c4: id(2, 4), c5: id(2, 5) };
export const G = { g1: id(3, 1), g2: id(3, 2), g10: id(3, 10) };
export const D = { ecology: id(4, 1), kazakh: id(4, 2) };
export const E = { e1: id(5, 1), e2: id(5, 2), e3: id(5, 3) };
export const U = { admin: id(6, 1), p1: id(6, 2), p2: id(6, 3), p3: id(6, 4) };
export const name = (s: string) => Object.entries(S).find(([, v]) => v === s)?.[0];

export const admin: ResultsViewer = { userId: U.admin, role: 'admin' };
export const current: ResultsFilters = { archived: false };
export const actor = { userId: U.p1, fullName: 'Нұрланова Айгүл Бекқызы', iin: '880514400016' };

/** Writes the fixture into an empty test database. */
export async function seedResultsFixture(db: Kysely<DB>): Promise<void> {
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
}

/** The names (s1…s9) of the sessions a Results query returns, all on one page. */
export function sessionNames(db: Kysely<DB>) {
  return async (filters: Partial<ResultsFilters>, sort: ResultsSortKey = 'startedAt', direction: 'asc' | 'desc' = 'asc', viewer = admin) => {
    const r = await listResults(db, viewer, { ...current, ...filters }, { sort, direction, page: 1, pageSize: 50 });
    assert.equal(r.total, r.rows.length);
    assert.equal(r.totalExact, true);
    return r.rows.map((row) => name(row.sessionId));
  };
}

/** A database with the fixture for the tests of the calling file; `set` gets it and `sessionNames` on it. */
export function useResultsFixture(set: (t: TestDatabase, names: ReturnType<typeof sessionNames>) => void): void {
  let t: TestDatabase;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    await seedResultsFixture(t.db);
    set(t, sessionNames(t.db));
  });
}
