import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  insertConnectionEvent,
  insertVerification,
  latestVerification,
  listConnectionEvents,
  resolveConnectionFailures,
  seedMediaDemo,
  startAttempt,
} from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useDemoDatabase } from './support/test-db.ts';

describe('verifications', () => {
  let t: TestDatabase;
  let sessionIds: string[];
  useDemoDatabase(2, (db, ids) => ((t = db), (sessionIds = ids)));

  it('store a check and return the latest per session', async () => {
    const [a, b] = sessionIds as [string, string];
    assert.equal(await latestVerification(t.db, a), null);
    const first = await insertVerification(t.db, {
      sessionId: a,
      startedAt: new Date('2026-01-01T10:00:00Z'),
      endedAt: new Date('2026-01-01T10:00:04Z'),
      result: 'failed',
      similarity: 0.31,
      facePhotoPath: `${a}/verification/1-face.jpg`,
    });
    const second = await insertVerification(t.db, {
      sessionId: a,
      startedAt: new Date('2026-01-01T10:01:00Z'),
      endedAt: new Date('2026-01-01T10:01:03Z'),
      result: 'successful',
      similarity: 0.93,
      facePhotoPath: `${a}/verification/2-face.jpg`,
      documentPhotoPath: `${a}/verification/2-document.jpg`,
    });
    assert.notEqual(first.id, second.id);
    const latest = await latestVerification(t.db, a);
    assert.equal(latest?.id, second.id);
    assert.equal(latest?.result, 'successful');
    assert.ok(Math.abs(latest!.similarity! - 0.93) < 1e-6);
    assert.equal(latest?.documentPhotoPath, `${a}/verification/2-document.jpg`);
    assert.equal(await latestVerification(t.db, b), null);
  });

  it('keep the attempt only when it belongs to the same session', async () => {
    const [a, b] = sessionIds as [string, string];
    const attempt = await startAttempt(t.db, { sessionId: a, nodeId: 'n1', at: new Date() });
    const row = await insertVerification(t.db, {
      sessionId: a,
      attemptId: attempt.id,
      startedAt: new Date(),
      endedAt: new Date(),
      result: 'no_reference',
      facePhotoPath: `${a}/verification/3-face.jpg`,
    });
    assert.equal(row.attemptId, attempt.id);
    assert.equal(row.similarity, null);
    await assert.rejects(
      insertVerification(t.db, {
        sessionId: b,
        attemptId: attempt.id,
        startedAt: new Date(),
        endedAt: new Date(),
        result: 'failed',
        facePhotoPath: `${b}/verification/x-face.jpg`,
      }),
      /foreign key/,
    );
  });

  it('reject paths outside the recordings root, unknown results and reversed spans', async () => {
    const a = sessionIds[0]!;
    const base = { sessionId: a, startedAt: new Date(), endedAt: new Date(), result: 'failed' as const };
    for (const bad of ['/etc/passwd', '../x.jpg', `${a}/../../x.jpg`, '']) {
      await assert.rejects(insertVerification(t.db, { ...base, facePhotoPath: bad }), /relative to the recordings root/);
      await assert.rejects(
        insertVerification(t.db, { ...base, facePhotoPath: 'ok.jpg', documentPhotoPath: bad }),
        /relative to the recordings root/,
      );
    }
    await assert.rejects(
      // @ts-expect-error result outside the allowed set
      insertVerification(t.db, { ...base, result: "successful'; DROP TABLE verifications; --", facePhotoPath: 'ok.jpg' }),
      /check constraint/,
    );
    await assert.rejects(
      insertVerification(t.db, { ...base, startedAt: new Date('2026-01-02'), endedAt: new Date('2026-01-01'), facePhotoPath: 'ok.jpg' }),
      /check constraint/,
    );
  });
});

describe('connection events', () => {
  let t: TestDatabase;
  let sessionId: string;
  useDemoDatabase(1, (db, ids) => ((t = db), (sessionId = ids[0]!)));

  it('start failures unresolved and resolve them once the candidate gets past', async () => {
    await insertConnectionEvent(t.db, { sessionId, kind: 'device_check_failed', error: 'camera_denied', at: new Date('2026-01-01T10:00:00Z') });
    await insertConnectionEvent(t.db, { sessionId, kind: 'device_check_failed', error: 'screen_not_entire', at: new Date('2026-01-01T10:00:05Z') });
    await insertConnectionEvent(t.db, { sessionId, kind: 'ice_failed', error: 'ice_failed', at: new Date('2026-01-01T10:00:06Z') });
    assert.equal(await resolveConnectionFailures(t.db, sessionId, 'device_check_failed', ['screen_not_entire']), 1);
    assert.equal(await resolveConnectionFailures(t.db, sessionId, 'device_check_failed', []), 0);
    await insertConnectionEvent(t.db, { sessionId, kind: 'device_check_passed', at: new Date('2026-01-01T10:00:20Z') });
    assert.equal(await resolveConnectionFailures(t.db, sessionId, 'device_check_failed'), 1);
    const events = await listConnectionEvents(t.db, sessionId);
    assert.deepEqual(
      events.map((e) => [e.kind, e.error, e.resolved]),
      [
        ['device_check_failed', 'camera_denied', true],
        ['device_check_failed', 'screen_not_entire', true],
        ['ice_failed', 'ice_failed', false],
        ['device_check_passed', null, null],
      ],
    );
  });
});
