// The hand-made fixture of the statistics tests (statistics.test.ts: §4.1–4.3 and the filter
// choices; statistics-tables.test.ts: §4.4, §4.5 and the per-session figures), whose answers
// the tests write out. Two exams in different zones straddle day boundaries: Asia/Almaty (UTC+5) with
// sessions at 18:30 UTC (23:30 local, same day) and 19:30 UTC (00:30 local, next day), and
// America/New_York (UTC−4 in March 2026) with sessions whose UTC date is the day after their
// local one. Range 2026-03-09 … 2026-03-11.
import type { Kysely } from 'kysely';
import type { DB, StatisticsFilters, StatisticsViewer } from '../../src/index.ts';

export const id = (prefix: number, n: number) => `00000000-0000-4000-8000-${String(prefix).padStart(6, '0')}${String(n).padStart(6, '0')}`;
export const S = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`s${i + 1}`, id(1, i + 1)])) as Record<`s${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}`, string>;
export const C = { c1: id(2, 1), c2: id(2, 2), c3: id(2, 3), c4: id(2, 4), c5: id(2, 5), c6: id(2, 6) };
export const G = { g1: id(3, 1), g2: id(3, 2) };
export const D = { ecology: id(4, 1), physics: id(4, 2) };
export const E = { almaty: id(5, 1), newYork: id(5, 2) };
export const U = { admin: id(6, 1), p1: id(6, 2), p2: id(6, 3), idle: id(6, 4) };

export const admin: StatisticsViewer = { userId: U.admin, role: 'admin' };
export const p1: StatisticsViewer = { userId: U.p1, role: 'proctor' };
export const p2: StatisticsViewer = { userId: U.p2, role: 'proctor' };
export const range: StatisticsFilters = { from: '2026-03-09', to: '2026-03-11' };
export const at = (iso: string) => new Date(iso);

/** Writes the fixture into an empty test database. */
export async function seedStatisticsFixture(db: Kysely<DB>): Promise<void> {
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
}
