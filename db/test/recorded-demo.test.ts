/**
 * The recorded demo seed: four finished sessions with recordings, a verification and
 * violations at the documented offsets; a second run writes nothing and returns the same
 * file paths (the media node copies any that are missing).
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { seedMediaDemo, seedRecordedDemo } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

const media = {
  durationMs: 60_000,
  bytes: { cameraOne: 300_000, cameraTwo: 600_000, screen: 2_000_000, microphone: 140_000, faceOne: 8000, faceTwo: 9000 },
};

describe('recorded demo seed', () => {
  let t: TestDatabase;
  useTestDatabase((db) => (t = db));

  it('creates finished sessions with finalised recordings and violations at known offsets, once', async () => {
    const { proctorUserId } = await seedMediaDemo(t.db);
    const first = await seedRecordedDemo(t.db, { media, proctorUserId });
    assert.equal(first.sessionIds.length, 4);
    assert.equal(first.files.length, 16);
    for (const f of first.files) assert.ok(!f.relativePath.startsWith('/') && !f.relativePath.includes('..'), f.relativePath);

    const sessions = await t.db.selectFrom('examSessions').selectAll().where('examId', '=', first.examId).orderBy('startedAt').execute();
    assert.deepEqual(sessions.map((s) => s.status), ['finished', 'finished', 'finished', 'finished']);
    assert.equal(sessions[3]!.honesty, 100, 'the clean session keeps 100 %');
    assert.ok(sessions[0]!.honesty! < 100);
    const recordings = await t.db.selectFrom('recordings').select(['status', 'durationMs']).where('sessionId', 'in', first.sessionIds).execute();
    assert.equal(recordings.length, 12);
    assert.ok(recordings.every((r) => r.status === 'finalised' && r.durationMs === 60_000));
    const violations = await t.db.selectFrom('violations').select(['type', 'startsAt', 'endsAt']).where('sessionId', '=', sessions[0]!.id).orderBy('startsAt').execute();
    const start = sessions[0]!.startedAt!.getTime();
    assert.deepEqual(
      violations.map((v) => [v.type, (v.startsAt.getTime() - start) / 1000, (v.endsAt!.getTime() - start) / 1000]),
      [['focus_lost', 12, 19], ['paste', 31, 31], ['head_turned', 40, 46]],
    );
    assert.equal((await t.db.selectFrom('verifications').select('result').where('sessionId', 'in', first.sessionIds).execute()).length, 4);
    assert.equal((await t.db.selectFrom('examProctors').select('userId').where('examId', '=', first.examId).execute()).length, 1);

    const again = await seedRecordedDemo(t.db, { media, proctorUserId });
    assert.equal(again.examId, first.examId);
    assert.deepEqual(new Set(again.files.map((f) => f.relativePath)), new Set(first.files.map((f) => f.relativePath)));
    assert.equal((await t.db.selectFrom('recordings').select('id').where('sessionId', 'in', first.sessionIds).execute()).length, 12);
  });
});
