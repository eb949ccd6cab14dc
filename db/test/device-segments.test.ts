import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { addDeviceSegment, endAttempt, listDeviceSegments, sessionCoverageFacts, startAttempt } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useDemoDatabase } from './support/test-db.ts';

describe('device segments', () => {
  let t: TestDatabase;
  let sessionId: string;
  useDemoDatabase(1, (db, ids) => ((t = db), (sessionId = ids[0]!)));

  const at = (s: number) => new Date(Date.parse('2026-02-01T10:00:00Z') + s * 1000);
  const seg = (source: 'camera' | 'screen', from: number, sha = 'a') => ({
    sessionId, source, startedAt: at(from), endedAt: at(from + 10), sha256: sha.repeat(64), bytes: 3 * 1024 ** 3, path: `${sessionId}/device/${source}-${from}.webm`,
  });

  it('stores a segment once, with the attempt running at its start (none between attempts)', async () => {
    const first = await startAttempt(t.db, { sessionId, nodeId: 'n1', at: at(0) });
    await endAttempt(t.db, first.id, { at: at(30), reason: 'disconnected' });
    const second = await startAttempt(t.db, { sessionId, nodeId: 'n1', at: at(45) });

    const a = await addDeviceSegment(t.db, seg('camera', 20));
    assert.equal(a.created, true);
    assert.equal(a.segment.attemptId, first.id);
    assert.equal(a.segment.bytes, 3 * 1024 ** 3, 'bigint comes back as an exact number');
    const offline = await addDeviceSegment(t.db, seg('camera', 35));
    assert.equal(offline.segment.attemptId, null);
    const later = await addDeviceSegment(t.db, seg('screen', 50));
    assert.equal(later.segment.attemptId, second.id);

    // The same segment uploaded again (a retried upload) keeps the first row.
    const again = await addDeviceSegment(t.db, seg('camera', 20, 'b'));
    assert.equal(again.created, false);
    assert.equal(again.segment.id, a.segment.id);
    assert.equal(again.segment.sha256, 'a'.repeat(64));

    assert.deepEqual((await listDeviceSegments(t.db, sessionId)).map((s) => [s.source, s.startedAt.toISOString()]), [
      ['camera', at(20).toISOString()], ['camera', at(35).toISOString()], ['screen', at(50).toISOString()],
    ]);
    const facts = await sessionCoverageFacts(t.db, sessionId);
    assert.equal(facts.attempts.length, 2);
    assert.equal(facts.segments.length, 3);
  });

  it('refuses paths outside the recordings root, empty spans and malformed hashes', async () => {
    await assert.rejects(addDeviceSegment(t.db, { ...seg('camera', 100), path: '/etc/passwd' }), /relative to the recordings root/);
    await assert.rejects(addDeviceSegment(t.db, { ...seg('camera', 100), path: 'a/../../b' }), /relative to the recordings root/);
    await assert.rejects(addDeviceSegment(t.db, { ...seg('camera', 100), endedAt: at(100) }), /end after it starts/);
    await assert.rejects(addDeviceSegment(t.db, { ...seg('camera', 100), sha256: 'XYZ' }), /device_segments_sha256_check/);
  });
});
