/**
 * A small, fully known data set for the report exports (detailed exam report, grade sheet):
 * two exams of one discipline, each assigned to a different proctor; Kazakh and Russian
 * names; sessions in every status; per-type violations, two attempts and finalised
 * recordings for one session. Times are in Asia/Aqtobe (UTC+5 all year), so expected wall
 * clocks are fixed numbers. Used by recorder/test and signaling/test.
 */
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
import type { Db } from '../src/db.ts';

export const FIXTURE_ZONE = 'Asia/Aqtobe';
/** The local calendar day (in FIXTURE_ZONE) every started session of exam e1 belongs to. */
export const FIXTURE_DAY = '2025-03-01';

export interface ExportFixture {
  adminId: string;
  /** Assigned to e1 only. */
  proctorAId: string;
  /** Assigned to e2 only. */
  proctorBId: string;
  disciplineId: string;
  groupIds: { is: string; vt: string };
  exams: { e1: string; e2: string };
  /** e1's sessions that started on FIXTURE_DAY, in the report's order (by start). */
  e1Started: { sessionId: string; name: string; iin: string; startedAt: Date; endedAt: Date | null; honesty: number | null }[];
  /** e1's session with violations, attempts and recordings. */
  richSessionId: string;
  /** e1's group ИС-22-1 in grade-sheet order (alphabetical, Kazakh collation), with the not-started one. */
  e1IsGroupNames: string[];
}

const at = (iso: string) => new Date(iso);

export async function seedExportFixture(db: Db, opts: { passwordHash?: string } = {}): Promise<ExportFixture> {
  const user = (email: string, fullName: string, role: 'admin' | 'proctor', serial: number) =>
    upsertUserByEmail(db, { email, fullName, role, passwordHash: opts.passwordHash ?? null, iin: makeIin(new Date('1990-01-01'), 'female', serial) });
  const adminId = await user('admin@export.test', 'Серікбаев Дәурен', 'admin', 1);
  const proctorAId = await user('a@export.test', 'Нұрланова Айгүл', 'proctor', 2);
  const proctorBId = await user('b@export.test', 'Смирнова Ольга', 'proctor', 3);

  const disciplineId = await ensureDiscipline(db, 'Экология');
  const is = await ensureGroup(db, 'ИС-22-1');
  const vt = await ensureGroup(db, 'ВТ-23-2');
  const e1 = await createExam(db, {
    name: 'Экология: аралық бақылау',
    disciplineId,
    startsAt: at('2025-03-01T04:00:00Z'),
    endsAt: at('2025-03-01T12:00:00Z'),
    timeZone: FIXTURE_ZONE,
  });
  const e2 = await createExam(db, {
    name: 'Экология: итоговый экзамен',
    disciplineId,
    startsAt: at('2025-03-02T04:00:00Z'),
    endsAt: at('2025-03-02T12:00:00Z'),
    timeZone: FIXTURE_ZONE,
  });
  await assignProctor(db, e1, proctorAId);
  await assignProctor(db, e2, proctorBId);

  const people = [
    { name: 'Әбдіқадыров Нұрсұлтан', groupId: is },
    { name: 'Қаналбекова Ұлдана', groupId: is },
    { name: 'Үсенова Шаһизада', groupId: vt },
    { name: 'Смирнов Алексей', groupId: is },
    { name: 'Ғалымжанов Өркен', groupId: is },
    { name: 'Ерболатұлы Ілияс', groupId: is },
  ];
  const candidates: { id: string; name: string; iin: string }[] = [];
  for (const [i, p] of people.entries()) {
    const iin = makeIin(new Date('2004-01-01'), i % 2 ? 'female' : 'male', 100 + i);
    candidates.push({ id: await upsertCandidateByIin(db, { fullName: p.name, iin, groupId: p.groupId }), name: p.name, iin });
  }
  const [c1, c2, c3, c4, c5, c6] = candidates as [typeof candidates[0], typeof candidates[0], typeof candidates[0], typeof candidates[0], typeof candidates[0], typeof candidates[0]];

  const session = async (examId: string, candidateId: string, values: Record<string, unknown>) => {
    const id = await ensureExamSession(db, examId, candidateId);
    if (Object.keys(values).length) await db.updateTable('examSessions').set(values).where('id', '=', id).execute();
    return id;
  };
  // c6 starts 19:30 UTC on 28 February: 00:30 on 1 March in the exam's zone, so the same local day.
  const s6 = await session(e1, c6.id, { status: 'finished', startedAt: at('2025-02-28T19:30:00Z'), endedAt: at('2025-02-28T20:10:00Z'), honesty: 91 });
  const s2 = await session(e1, c2.id, { status: 'finished', startedAt: at('2025-03-01T08:30:00Z'), endedAt: at('2025-03-01T09:20:00Z'), honesty: 55, decision: 'not_admitted' });
  const s1 = await session(e1, c1.id, { status: 'finished', startedAt: at('2025-03-01T09:00:00Z'), endedAt: at('2025-03-01T09:40:15Z'), honesty: 80, decision: 'admitted', reviewStatus: 'viewed' });
  const s3 = await session(e1, c3.id, { status: 'finished', startedAt: at('2025-03-01T09:10:00Z'), endedAt: at('2025-03-01T09:50:00Z'), honesty: 99 });
  const s4 = await session(e1, c4.id, { status: 'in_progress', startedAt: at('2025-03-01T09:20:00Z') });
  await session(e1, c5.id, {}); // never started: in the grade sheet, not in the date-filtered report
  await session(e2, c1.id, { status: 'finished', startedAt: at('2025-03-02T05:00:00Z'), endedAt: at('2025-03-02T05:45:00Z'), honesty: 30 });

  // s1: two attempts (one reconnect), recordings, and violations of three types.
  const attempts = await db
    .insertInto('attempts')
    .values([
      { sessionId: s1, number: 1, nodeId: 'test', startedAt: at('2025-03-01T09:00:00Z'), endedAt: at('2025-03-01T09:20:00Z'), endReason: 'disconnected' },
      { sessionId: s1, number: 2, nodeId: 'test', startedAt: at('2025-03-01T09:21:00Z'), endedAt: at('2025-03-01T09:40:15Z'), endReason: 'finished' },
    ])
    .returning(['id', 'number'])
    .execute();
  const recording = (attemptId: string, source: 'camera' | 'screen' | 'microphone', durationMs: number) => ({
    attemptId,
    sessionId: s1,
    source,
    kind: source === 'microphone' ? ('audio' as const) : ('video' as const),
    codec: source === 'microphone' ? 'opus' : 'vp8',
    path: `${s1}/${attemptId}/${source}.webm`,
    startedAt: at('2025-03-01T09:00:00Z'),
    endedAt: at('2025-03-01T09:20:00Z'),
    durationMs,
    status: 'finalised' as const,
  });
  const [a1, a2] = attempts.sort((x: { number: number }, y: { number: number }) => x.number - y.number);
  await db
    .insertInto('recordings')
    .values([recording(a1!.id, 'camera', 1_200_000), recording(a2!.id, 'camera', 1_155_000), recording(a1!.id, 'screen', 1_200_000)])
    .execute();
  const violation = (type: string, category: 'behaviour' | 'technical', minute: number) => ({
    sessionId: s1,
    type: type as 'focus_lost',
    category,
    startsAt: at(`2025-03-01T09:${String(minute).padStart(2, '0')}:00Z`),
    endsAt: at(`2025-03-01T09:${String(minute).padStart(2, '0')}:05Z`),
    source: 'client' as const,
  });
  await db
    .insertInto('violations')
    .values([
      violation('focus_lost', 'behaviour', 1),
      violation('focus_lost', 'behaviour', 2),
      violation('focus_lost', 'behaviour', 3),
      violation('no_face', 'behaviour', 4),
      violation('copy', 'behaviour', 5),
      violation('copy', 'behaviour', 6),
      violation('network_lost', 'technical', 19),
    ])
    .execute();

  const row = (c: typeof c1, sessionId: string, startedAt: string, endedAt: string | null, honesty: number | null) => ({
    sessionId,
    name: c.name,
    iin: c.iin,
    startedAt: at(startedAt),
    endedAt: endedAt ? at(endedAt) : null,
    honesty,
  });
  return {
    adminId,
    proctorAId,
    proctorBId,
    disciplineId,
    groupIds: { is, vt },
    exams: { e1, e2 },
    e1Started: [
      row(c6, s6, '2025-02-28T19:30:00Z', '2025-02-28T20:10:00Z', 91),
      row(c2, s2, '2025-03-01T08:30:00Z', '2025-03-01T09:20:00Z', 55),
      row(c1, s1, '2025-03-01T09:00:00Z', '2025-03-01T09:40:15Z', 80),
      row(c3, s3, '2025-03-01T09:10:00Z', '2025-03-01T09:50:00Z', 99),
      row(c4, s4, '2025-03-01T09:20:00Z', null, null),
    ],
    richSessionId: s1,
    // Kazakh alphabet: ... Ғ (after Г) ... Е ... Қ (after К) ... С ... Ә comes right after А.
    e1IsGroupNames: ['Әбдіқадыров Нұрсұлтан', 'Ғалымжанов Өркен', 'Ерболатұлы Ілияс', 'Қаналбекова Ұлдана', 'Смирнов Алексей'],
  };
}
