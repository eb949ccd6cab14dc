/**
 * Changing an exam's weights (or whether technical events count) recomputes the stored
 * honesty of every session of that exam and logs it; other exams and unrelated edits leave
 * honesty alone. Without a job queue (this harness) the recompute runs in the request; the
 * media node hands it to the `honesty-recompute` BullMQ job instead.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { recomputeSessionHonesty } from '@proctor/db';
import { adminApi, adminPath, type AdminExam, type ExamInput } from '../src/contract/api/admin.ts';
import { startAdminHarness, type AdminHarness } from './admin-harness.ts';

describe('honesty recompute on weight change', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(() => h?.close());

  it('recomputes the sessions of the edited exam and logs who caused it', async () => {
    const session = await h.db.selectFrom('examSessions').select(['id', 'examId']).orderBy('id').executeTakeFirstOrThrow();
    const t0 = new Date('2026-03-02T09:00:00Z');
    const min = (m: number) => new Date(t0.getTime() + m * 60_000);
    await h.db.updateTable('examSessions').set({ status: 'finished', startedAt: t0, endedAt: min(90) }).where('id', '=', session.id).execute();
    await h.db.deleteFrom('violations').where('sessionId', '=', session.id).execute();
    await h.db
      .insertInto('violations')
      .values([
        { sessionId: session.id, type: 'no_face', category: 'behaviour', startsAt: min(30), endsAt: min(40), source: 'server' },
        { sessionId: session.id, type: 'network_lost', category: 'technical', startsAt: min(50), endsAt: min(59), source: 'server' },
      ])
      .execute();
    assert.equal(await recomputeSessionHonesty(h.db, session.id), 78, 'default weight 2 → −22');

    const exam = (await h.api('GET', adminPath(adminApi.getExam.path, session.examId))).json().exam as AdminExam;
    const input: ExamInput = {
      name: exam.name,
      disciplineId: exam.disciplineId,
      startsAt: exam.startsAt,
      endsAt: exam.endsAt,
      timeZone: exam.timeZone,
      proctoringMode: exam.proctoringMode,
      violationWeights: exam.violationWeights,
      honestyThreshold: exam.honestyThreshold,
      countTechnical: exam.countTechnical,
    };
    const honesty = async () => (await h.db.selectFrom('examSessions').select('honesty').where('id', '=', session.id).executeTakeFirstOrThrow()).honesty;
    const recomputes = () => h.db.selectFrom('actionLog').select(['actorUserId', 'details']).where('action', '=', 'honesty.recomputed').orderBy('id').execute();

    // Renaming changes no scoring: nothing is recomputed.
    assert.equal((await h.api('PUT', adminPath(adminApi.updateExam.path, exam.id), { ...input, name: `${exam.name} (2)` })).statusCode, 200);
    assert.equal((await recomputes()).length, 0);

    const lighter = await h.api('PUT', adminPath(adminApi.updateExam.path, exam.id), { ...input, violationWeights: { ...input.violationWeights, no_face: 1 } });
    assert.equal(lighter.statusCode, 200, lighter.body);
    assert.equal(await honesty(), 89);
    const [first] = await recomputes();
    assert.ok(first?.actorUserId, 'the admin who changed the weights');
    const details = first!.details as { examId: string; sessions: number; changed: number };
    assert.equal(details.examId, exam.id);
    assert.ok(details.sessions >= 1 && details.changed >= 1 && details.changed <= details.sessions, JSON.stringify(details));

    const technical = await h.api('PUT', adminPath(adminApi.updateExam.path, exam.id), {
      ...input,
      violationWeights: { ...input.violationWeights, no_face: 1, network_lost: 1 },
      countTechnical: true,
    });
    assert.equal(technical.statusCode, 200, technical.body);
    assert.equal(await honesty(), 79, 'network loss now counts: 100 − 11.1 − 10');
    assert.equal((await recomputes()).length, 2);
  });
});
