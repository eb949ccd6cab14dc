import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { claimRoomLease, releaseRoomLeases, renewRoomLeases, seedMediaDemo } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

const A = { nodeId: 'node-a', nodeUrl: 'https://a.proctor.test' };
const B = { nodeId: 'node-b', nodeUrl: 'https://b.proctor.test' };

describe('room leases', () => {
  let t: TestDatabase;
  let examId: string;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    examId = (await seedMediaDemo(t.db, { candidates: 1 })).examId;
  });

  const expire = (id: string) =>
    t.db.updateTable('roomLeases').set({ expiresAt: sql<Date>`now() - interval '1 second'` }).where('examId', '=', id).execute();

  it('go to the first node that claims; the second is told who holds the room', async () => {
    assert.deepEqual(await claimRoomLease(t.db, { examId, ...A, leaseSeconds: 30 }), A);
    assert.deepEqual(await claimRoomLease(t.db, { examId, ...B, leaseSeconds: 30 }), A);
    // The holder claiming again renews and keeps it.
    assert.deepEqual(await claimRoomLease(t.db, { examId, ...A, leaseSeconds: 30 }), A);
  });

  it('move to another node once expired, and are then no longer renewable by the old one', async () => {
    await expire(examId);
    assert.deepEqual(await claimRoomLease(t.db, { examId, ...B, leaseSeconds: 30 }), B);
    assert.deepEqual(await renewRoomLeases(t.db, { nodeId: A.nodeId, examIds: [examId], leaseSeconds: 30 }), []);
    assert.deepEqual(await renewRoomLeases(t.db, { nodeId: B.nodeId, examIds: [examId], leaseSeconds: 30 }), [examId]);
    const row = await t.db.selectFrom('roomLeases').selectAll().where('examId', '=', examId).executeTakeFirstOrThrow();
    assert.ok(row.expiresAt.getTime() > Date.now() + 25_000, 'renewed for the lease length');
  });

  it('held under the same URL count as the node\'s own (it restarted with another NODE_ID)', async () => {
    assert.deepEqual(await claimRoomLease(t.db, { examId, nodeId: 'node-b-restarted', nodeUrl: B.nodeUrl, leaseSeconds: 30 }), {
      nodeId: 'node-b-restarted',
      nodeUrl: B.nodeUrl,
    });
  });

  it('are free for anyone at once after a release', async () => {
    await releaseRoomLeases(t.db, 'node-b-restarted');
    assert.deepEqual(await claimRoomLease(t.db, { examId, ...A, leaseSeconds: 30 }), A);
    await releaseRoomLeases(t.db, B.nodeId, [examId]); // not B's: nothing happens
    assert.deepEqual(await claimRoomLease(t.db, { examId, ...B, leaseSeconds: 30 }), A);
  });

  it('have exactly one winner when many nodes claim at once', async () => {
    await releaseRoomLeases(t.db, A.nodeId);
    const nodes = Array.from({ length: 8 }, (_, i) => ({ nodeId: `n${i}`, nodeUrl: `https://n${i}.proctor.test` }));
    const answers = await Promise.all(nodes.map((n) => claimRoomLease(t.db, { examId, ...n, leaseSeconds: 30 })));
    assert.equal(new Set(answers.map((a) => a.nodeId)).size, 1, 'every node is told the same holder');
  });

  it('refuse an unknown exam and a malformed node URL', async () => {
    await assert.rejects(claimRoomLease(t.db, { examId: '00000000-0000-4000-8000-000000000000', ...A, leaseSeconds: 30 }), /foreign key/);
    await releaseRoomLeases(t.db, 'n0');
    for (let i = 1; i < 8; i++) await releaseRoomLeases(t.db, `n${i}`);
    await assert.rejects(claimRoomLease(t.db, { examId, nodeId: 'x', nodeUrl: 'javascript:alert(1)', leaseSeconds: 30 }), /check constraint/);
  });
});
