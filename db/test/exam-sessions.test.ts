import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  getExam,
  getSessionForJoin,
  getUserByEmail,
  getUserById,
  isProctorAssigned,
  listByExam,
  listExamsForProctor,
  markFinished,
  markStarted,
  MEDIA_DEMO_PROCTOR_EMAIL,
  type MediaDemo,
  seedMediaDemo,
} from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

describe('media demo seed and exam sessions', () => {
  let t: TestDatabase;
  let demo: MediaDemo;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    demo = await seedMediaDemo(t.db, { candidates: 4 });
  });

  it('seeds an exam open now, with all Kazakh letters in the default three names, a proctor and an admin', async () => {
    const exam = await getExam(t.db, demo.examId);
    assert.ok(exam && exam.startsAt < new Date() && exam.endsAt > new Date());
    assert.equal(demo.sessions.length, 4);
    const letters = demo.sessions.slice(0, 3).map((s) => s.candidateName).join('');
    for (const letter of 'әғқңөұүһі') assert.ok(letters.toLowerCase().includes(letter), letter);
    assert.equal((await getUserById(t.db, demo.proctorUserId))?.role, 'proctor');
    assert.equal((await getUserById(t.db, demo.adminUserId))?.role, 'admin');
    assert.equal(await isProctorAssigned(t.db, demo.proctorUserId, demo.examId), true);
    assert.equal(await isProctorAssigned(t.db, demo.adminUserId, demo.examId), false);
  });

  it('is idempotent and can grow', async () => {
    const again = await seedMediaDemo(t.db, { candidates: 5 });
    assert.equal(again.examId, demo.examId);
    assert.equal(again.proctorUserId, demo.proctorUserId);
    assert.deepEqual(again.sessions.slice(0, 4), demo.sessions);
    assert.equal((await listByExam(t.db, demo.examId)).length, 5);
  });

  it('finds users by e-mail case-insensitively', async () => {
    const user = await getUserByEmail(t.db, MEDIA_DEMO_PROCTOR_EMAIL.toUpperCase());
    assert.equal(user?.id, demo.proctorUserId);
    assert.equal(user?.passwordHash, null);
  });

  it('lists the proctor’s exams', async () => {
    const exams = await listExamsForProctor(t.db, demo.proctorUserId);
    assert.deepEqual(exams.map((e) => [e.id, e.disciplineName]), [[demo.examId, 'Экология']]);
    assert.deepEqual(await listExamsForProctor(t.db, demo.adminUserId), []);
  });

  it('gives signaling what it needs to admit a candidate', async () => {
    const { sessionId, candidateName } = demo.sessions[0]!;
    const join = await getSessionForJoin(t.db, sessionId);
    assert.equal(join?.candidateName, candidateName);
    assert.equal(join?.examId, demo.examId);
    assert.equal(join?.status, 'not_started');
    assert.equal(join?.archived, false);
    assert.equal(join?.examArchived, false);
    assert.equal(await getSessionForJoin(t.db, '00000000-0000-0000-0000-000000000000'), undefined);
  });

  it('keeps the first start time on reconnect and does not reopen a finished session', async () => {
    const { sessionId } = demo.sessions[1]!;
    const start = new Date('2025-05-03T10:00:00Z');
    assert.equal(await markStarted(t.db, sessionId, start), true);
    assert.equal(await markStarted(t.db, sessionId, new Date('2025-05-03T10:07:00Z')), true);
    let s = await getSessionForJoin(t.db, sessionId);
    assert.equal(s?.status, 'in_progress');

    assert.equal(await markFinished(t.db, sessionId, new Date('2025-05-03T10:40:00Z')), true);
    assert.equal(await markFinished(t.db, sessionId, new Date('2025-05-03T11:00:00Z')), false);
    assert.equal(await markStarted(t.db, sessionId, new Date('2025-05-03T11:00:00Z')), false);

    const row = (await listByExam(t.db, demo.examId)).find((x) => x.id === sessionId)!;
    assert.equal(row.status, 'finished');
    assert.equal(row.startedAt?.toISOString(), start.toISOString());
    assert.equal(row.endedAt?.toISOString(), '2025-05-03T10:40:00.000Z');
  });

  it('sorts candidates in Kazakh alphabetical order', async () => {
    const names = (await listByExam(t.db, demo.examId)).map((x) => x.candidateName);
    // Ә sorts right after А, Қ after К, Ө after О, Ү after Ұ after У — not after Я.
    const kazakh = 'аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя';
    const key = (name: string) => [...name.toLowerCase()].map((c) => String(kazakh.indexOf(c) + 10).padStart(2, '0')).join('');
    assert.deepEqual(names, [...names].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)));
  });
});
