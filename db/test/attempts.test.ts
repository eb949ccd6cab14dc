import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createRecording, endAttempt, endOpenAttemptsOnNode, listAttempts, seedMediaDemo, startAttempt, stopRecording } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';
import { useDemoDatabase } from './support/test-db.ts';

describe('attempts', () => {
  let t: TestDatabase;
  let sessionIds: string[];
  useDemoDatabase(3, (db, ids) => ((t = db), (sessionIds = ids)));

  it('are numbered 1, 2, 3 per session', async () => {
    const [a, b] = sessionIds as [string, string];
    const at = new Date();
    const numbers = [];
    for (let i = 0; i < 3; i++) numbers.push((await startAttempt(t.db, { sessionId: a, nodeId: 'n1', at })).number);
    assert.deepEqual(numbers, [1, 2, 3]);
    assert.equal((await startAttempt(t.db, { sessionId: b, nodeId: 'n1', at })).number, 1);
    assert.deepEqual((await listAttempts(t.db, a)).map((x) => x.number), [1, 2, 3]);
  });

  it('never share a number when started concurrently', async () => {
    const sessionId = sessionIds[2]!;
    const at = new Date();
    const started = await Promise.all(
      Array.from({ length: 12 }, (_, i) => startAttempt(t.db, { sessionId, nodeId: `n${i % 3}`, at })),
    );
    assert.deepEqual(
      started.map((s) => s.number).sort((x, y) => x - y),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it('end once; later calls change nothing', async () => {
    const sessionId = sessionIds[1]!;
    const startedAt = new Date('2025-05-03T12:00:00Z');
    const { id } = await startAttempt(t.db, { sessionId, nodeId: 'n1', at: startedAt });
    assert.equal(await endAttempt(t.db, id, { at: new Date('2025-05-03T12:10:00Z'), reason: 'disconnected' }), true);
    assert.equal(await endAttempt(t.db, id, { at: new Date('2025-05-03T12:20:00Z'), reason: 'left' }), false);
    const row = (await listAttempts(t.db, sessionId)).find((x) => x.id === id)!;
    assert.equal(row.endReason, 'disconnected');
    assert.equal(row.endedAt?.toISOString(), '2025-05-03T12:10:00.000Z');
  });

  it('clamp an end time that is before the start (clock skew between nodes)', async () => {
    const startedAt = new Date('2025-05-03T13:00:00Z');
    const { id } = await startAttempt(t.db, { sessionId: sessionIds[1]!, nodeId: 'n1', at: startedAt });
    await endAttempt(t.db, id, { at: new Date('2025-05-03T12:59:59Z'), reason: 'left' });
    const row = (await listAttempts(t.db, sessionIds[1]!)).find((x) => x.id === id)!;
    assert.equal(row.endedAt?.getTime(), startedAt.getTime());
  });

  it('left open by a crashed node are closed on its restart', async () => {
    const t2 = await createTestDatabase();
    try {
      const [s1, s2] = (await seedMediaDemo(t2.db, { candidates: 2 })).sessions.map((s) => s.sessionId) as [string, string];
      const at = new Date();
      const onCrashed = await startAttempt(t2.db, { sessionId: s1, nodeId: 'node-a', at });
      const closedBefore = await startAttempt(t2.db, { sessionId: s2, nodeId: 'node-a', at });
      await endAttempt(t2.db, closedBefore.id, { at, reason: 'left' });
      const onOther = await startAttempt(t2.db, { sessionId: s2, nodeId: 'node-b', at });

      // Its camera was recovered up to the crash, 5 s after the start; the node is back later.
      const crashAt = new Date(at.getTime() + 5_000);
      const rec = await createRecording(t2.db, { attemptId: onCrashed.id, source: 'camera', kind: 'video', codec: 'video/VP8', path: 'x/camera.rtpdump', startedAt: at });
      await stopRecording(t2.db, rec, { endedAt: crashAt, bytes: 1 });
      const restartAt = new Date(at.getTime() + 20_000);

      const ended = await endOpenAttemptsOnNode(t2.db, 'node-a', restartAt, 'node_restarted');
      assert.deepEqual(ended, [{ id: onCrashed.id, sessionId: s1 }]);
      const crashed = (await listAttempts(t2.db, s1))[0]!;
      assert.equal(crashed.endedAt?.getTime(), crashAt.getTime(), 'ended where its recordings end, not at the restart');
      assert.equal(crashed.endReason, 'node_restarted');
      const other = (await listAttempts(t2.db, s2)).find((x) => x.id === onOther.id)!;
      assert.equal(other.endedAt, null);
    } finally {
      await t2.drop();
    }
  });

  it('cannot start for a missing session', async () => {
    await assert.rejects(
      startAttempt(t.db, { sessionId: '00000000-0000-0000-0000-000000000000', nodeId: 'n1', at: new Date() }),
      /does not exist/,
    );
  });
});
