// A minimal data set for the media path: one exam that is open right now, a few candidates
// with sessions, a proctor assigned to it and an admin. Idempotent: running it again (e.g.
// on every demo start) reuses the same rows and moves the exam window to "now".
import type { Kysely } from 'kysely';
import { ensureDiscipline } from '../repositories/discipline.repository.ts';
import { ensureGroup } from '../repositories/group.repository.ts';
import { assignProctor, createExam, findActiveExamId, setExamWindow } from '../repositories/exam.repository.ts';
import { upsertCandidateByIin } from '../repositories/candidate.repository.ts';
import { ensureExamSession } from '../repositories/exam-session.repository.ts';
import { upsertUserByEmail } from '../repositories/user.repository.ts';
import type { DB } from '../schema.ts';
import { inTransaction } from '../transaction.ts';
import { makeIin } from './iin.ts';

export const MEDIA_DEMO_EXAM_NAME = 'Демо: Экология (медиа)';
export const MEDIA_DEMO_PROCTOR_EMAIL = 'proctor@demo.proctor.local';
export const MEDIA_DEMO_ADMIN_EMAIL = 'admin@demo.proctor.local';

// Kazakh names cover every Kazakh-specific letter (ә ғ қ ң ө ұ ү һ і) so rendering, sorting
// and search get exercised; Russian ones are mixed in as in real groups.
const CANDIDATE_NAMES: { name: string; sex: 'male' | 'female'; birth: string }[] = [
  // The first three (the default count) already contain all nine letters.
  { name: 'Қаналбекова Ұлдана Жеңісқызы', sex: 'female', birth: '2004-03-12' },
  { name: 'Әбдіқадыров Нұрсұлтан Ғаниұлы', sex: 'male', birth: '2003-11-02' },
  { name: 'Үсенова Шаһизада Өмірзаққызы', sex: 'female', birth: '2005-01-30' },
  { name: 'Зикеева Ольга Владимировна', sex: 'female', birth: '2004-06-21' },
  { name: 'Төлеуов Аңсар Серікұлы', sex: 'male', birth: '2003-09-15' },
  { name: 'Смирнов Алексей Викторович', sex: 'male', birth: '2004-12-07' },
  { name: 'Жүсіпбекова Гүлнұр Серікқызы', sex: 'female', birth: '2004-04-18' },
  { name: 'Мәһдиев Ерқанат Мәлікұлы', sex: 'male', birth: '2005-02-25' },
];

export interface MediaDemoOptions {
  /** Number of candidates (each gets a session); default 3. */
  candidates?: number;
  /** Hash set on both demo users; omitted = leave their password as it is (null on first run). */
  passwordHash?: string;
  now?: Date;
}

export interface MediaDemo {
  examId: string;
  proctorUserId: string;
  adminUserId: string;
  sessions: { sessionId: string; candidateName: string }[];
}

export function seedMediaDemo(db: Kysely<DB>, opts: MediaDemoOptions = {}): Promise<MediaDemo> {
  const count = opts.candidates ?? 3;
  const now = opts.now ?? new Date();
  const hour = 3_600_000;
  const window = { startsAt: new Date(now.getTime() - hour), endsAt: new Date(now.getTime() + 3 * hour) };

  return inTransaction(db, async (trx) => {
    const disciplineId = await ensureDiscipline(trx, 'Экология');
    const groupId = await ensureGroup(trx, 'Демо-топ 1');

    let examId = await findActiveExamId(trx, disciplineId, MEDIA_DEMO_EXAM_NAME);
    if (examId) await setExamWindow(trx, examId, window);
    else examId = await createExam(trx, { name: MEDIA_DEMO_EXAM_NAME, disciplineId, ...window, proctoringMode: 'online' });

    const password = opts.passwordHash !== undefined ? { passwordHash: opts.passwordHash } : {};
    const proctorUserId = await upsertUserByEmail(trx, {
      email: MEDIA_DEMO_PROCTOR_EMAIL,
      fullName: 'Нұрланова Айгүл Бекқызы',
      iin: makeIin(new Date('1988-05-14'), 'female', 1),
      role: 'proctor',
      locale: 'kk',
      ...password,
    });
    const adminUserId = await upsertUserByEmail(trx, {
      email: MEDIA_DEMO_ADMIN_EMAIL,
      fullName: 'Серікбаев Дәурен Маратұлы',
      iin: makeIin(new Date('1985-10-03'), 'male', 1),
      role: 'admin',
      locale: 'ru',
      ...password,
    });
    await assignProctor(trx, examId, proctorUserId);

    const sessions: MediaDemo['sessions'] = [];
    for (let i = 0; i < count; i++) {
      const person = CANDIDATE_NAMES[i % CANDIDATE_NAMES.length]!;
      const round = Math.floor(i / CANDIDATE_NAMES.length);
      // Beyond the list, names repeat with a number so every candidate stays distinguishable.
      const candidateName = round === 0 ? person.name : `${person.name} ${round + 1}`;
      const candidateId = await upsertCandidateByIin(trx, {
        fullName: candidateName,
        iin: makeIin(new Date(person.birth), person.sex, 1000 + round * 20),
        groupId,
      });
      sessions.push({ sessionId: await ensureExamSession(trx, examId, candidateId), candidateName });
    }
    return { examId, proctorUserId, adminUserId, sessions };
  });
}
