import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  createRecording,
  endAttempt,
  getRecording,
  listRecordings,
  markFailed,
  markFinalised,
  seedMediaDemo,
  startAttempt,
  stopOpenRecordingsOnNode,
  stopRecording,
} from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';
import { useDemoDatabase } from './support/test-db.ts';

describe('recordings', () => {
  let t: TestDatabase;
  let sessionId: string;
  useDemoDatabase(1, (db, ids) => ((t = db), (sessionId = ids[0]!)));

  it('round-trip through start, stop, finalise and list in attempt/source order', async () => {
    const t0 = new Date('2025-05-03T12:00:00Z');
    const first = await startAttempt(t.db, { sessionId, nodeId: 'n1', at: t0 });
    const screen1 = await createRecording(t.db, {
      attemptId: first.id, source: 'screen', kind: 'video', codec: 'VP8', path: `${sessionId}/1/screen.webm`, startedAt: t0,
    });
    const camera1 = await createRecording(t.db, {
      attemptId: first.id, source: 'camera', kind: 'video', codec: 'VP8', path: `${sessionId}/1/camera.webm`, startedAt: t0,
    });
    await endAttempt(t.db, first.id, { at: new Date('2025-05-03T12:05:00Z'), reason: 'disconnected' });
    const second = await startAttempt(t.db, { sessionId, nodeId: 'n2', at: new Date('2025-05-03T12:06:00Z') });
    const camera2 = await createRecording(t.db, {
      attemptId: second.id, source: 'camera', kind: 'video', codec: 'H264', path: `${sessionId}/2/camera.webm`,
      startedAt: new Date('2025-05-03T12:06:00Z'),
    });

    const bigBytes = 5 * 1024 ** 3; // beyond int32: the bigint must come back as an exact number
    assert.equal(await stopRecording(t.db, camera1, { endedAt: new Date('2025-05-03T12:05:00Z'), bytes: bigBytes }), true);
    assert.equal(await stopRecording(t.db, camera1, { endedAt: new Date('2025-05-03T12:09:00Z'), bytes: 1 }), false);
    assert.equal(await markFinalised(t.db, camera1, { durationMs: 300_000, bytes: bigBytes + 10 }), true);

    const cam = await getRecording(t.db, camera1);
    assert.equal(cam?.status, 'finalised');
    assert.equal(cam?.bytes, bigBytes + 10);
    assert.equal(cam?.durationMs, 300_000);
    assert.equal(cam?.sessionId, sessionId);
    assert.equal(cam?.endedAt?.toISOString(), '2025-05-03T12:05:00.000Z');

    const list = await listRecordings(t.db, sessionId);
    assert.deepEqual(
      list.map((r) => [r.attemptNumber, r.source, r.id]),
      [[1, 'camera', camera1], [1, 'screen', screen1], [2, 'camera', camera2]],
    );
    assert.equal(list[2]!.codec, 'H264');
    assert.equal(list[2]!.status, 'recording');
    assert.equal(list[2]!.bytes, 0);
  });

  it('record failures but never un-finalise', async () => {
    const at = new Date();
    const { id: attemptId } = await startAttempt(t.db, { sessionId, nodeId: 'n3', at });
    const failing = await createRecording(t.db, {
      attemptId, source: 'microphone', kind: 'audio', codec: 'opus', path: 'x/mic.webm', startedAt: at,
    });
    assert.equal(await markFailed(t.db, failing, 'ffmpeg exited with code 1'), true);
    const failed = await getRecording(t.db, failing);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error, 'ffmpeg exited with code 1');
    assert.ok(failed?.endedAt);
    assert.equal(await markFinalised(t.db, failing, { durationMs: 1, bytes: 1 }), false);

    const done = await createRecording(t.db, {
      attemptId, source: 'screen', kind: 'video', codec: 'VP8', path: 'x/screen.webm', startedAt: at,
    });
    await markFinalised(t.db, done, { durationMs: 1000, bytes: 10 });
    assert.equal(await markFailed(t.db, done, 'late error'), false);
  });

  it('reject paths that are not relative to the recordings root', async () => {
    const { id: attemptId } = await startAttempt(t.db, { sessionId, nodeId: 'n1', at: new Date() });
    for (const path of ['/var/rec/a.webm', '../a.webm', 'a/../../b.webm', '']) {
      await assert.rejects(
        createRecording(t.db, { attemptId, source: 'camera', kind: 'video', codec: 'VP8', path, startedAt: new Date() }),
        /relative/,
        path,
      );
    }
    // The database enforces it too, for writers that bypass the repository.
    await assert.rejects(
      t.db
        .insertInto('recordings')
        .values({ attemptId, sessionId, source: 'camera', kind: 'video', codec: 'VP8', path: '/abs.webm', startedAt: new Date() })
        .execute(),
      /check constraint/,
    );
  });

  it('keep session_id consistent with the attempt', async () => {
    const other = await createTestDatabase();
    try {
      const [a, b] = (await seedMediaDemo(other.db, { candidates: 2 })).sessions.map((s) => s.sessionId) as [string, string];
      const { id: attemptId } = await startAttempt(other.db, { sessionId: a, nodeId: 'n1', at: new Date() });
      await assert.rejects(
        other.db
          .insertInto('recordings')
          .values({ attemptId, sessionId: b, source: 'camera', kind: 'video', codec: 'VP8', path: 'p.webm', startedAt: new Date() })
          .execute(),
        /foreign key/,
      );
    } finally {
      await other.drop();
    }
  });

  it('left recording by a crashed node are stopped on its restart', async () => {
    const at = new Date();
    const { id: attemptId } = await startAttempt(t.db, { sessionId, nodeId: 'crashed-node', at });
    const open = await createRecording(t.db, {
      attemptId, source: 'camera', kind: 'video', codec: 'VP8', path: 'c/camera.webm', startedAt: at,
    });
    const recovered = await stopOpenRecordingsOnNode(t.db, 'crashed-node', new Date());
    assert.deepEqual(recovered, [{ id: open, sessionId, path: 'c/camera.webm' }]);
    assert.equal((await getRecording(t.db, open))?.status, 'stopped');
    assert.deepEqual(await stopOpenRecordingsOnNode(t.db, 'crashed-node', new Date()), []);
  });

  it('cannot be created for a missing attempt', async () => {
    await assert.rejects(
      createRecording(t.db, {
        attemptId: '00000000-0000-0000-0000-000000000000', source: 'camera', kind: 'video', codec: 'VP8', path: 'a.webm',
        startedAt: new Date(),
      }),
      /does not exist/,
    );
  });
  it('a converted recording moves to its new file and its first frame\'s start; ended_at never before it', async () => {
    const t0 = new Date('2025-05-04T09:00:00Z');
    const attempt = await startAttempt(t.db, { sessionId, nodeId: 'n3', at: t0 });
    const id = await createRecording(t.db, {
      attemptId: attempt.id, source: 'microphone', kind: 'audio', codec: 'audio/opus', path: `${sessionId}/3/microphone.rtpdump`, startedAt: t0,
    });
    await stopRecording(t.db, id, { endedAt: new Date('2025-05-04T09:00:02Z'), bytes: 10 });
    await assert.rejects(markFinalised(t.db, id, { durationMs: 1, bytes: 1, path: '/etc/passwd' }), /relative/);
    const firstFrame = new Date('2025-05-04T09:00:00.430Z');
    assert.equal(await markFinalised(t.db, id, { durationMs: 1570, bytes: 99, path: `${sessionId}/3/microphone.webm`, startedAt: firstFrame }), true);
    const row = await getRecording(t.db, id);
    assert.equal(row?.path, `${sessionId}/3/microphone.webm`);
    assert.equal(row?.startedAt.toISOString(), firstFrame.toISOString());
    assert.equal(row?.endedAt?.toISOString(), '2025-05-04T09:00:02.000Z');

    const late = await createRecording(t.db, {
      attemptId: attempt.id, source: 'camera', kind: 'video', codec: 'video/VP8', path: `${sessionId}/3/camera.rtpdump`, startedAt: t0,
    });
    await stopRecording(t.db, late, { endedAt: new Date('2025-05-04T09:00:01Z'), bytes: 10 });
    // A start after the recorded end (clock trouble) must not break ended_at >= started_at.
    assert.equal(await markFinalised(t.db, late, { durationMs: 10, bytes: 1, startedAt: new Date('2025-05-04T09:00:01.500Z') }), true);
    assert.equal((await getRecording(t.db, late))?.endedAt?.toISOString(), '2025-05-04T09:00:01.500Z');
  });
});
