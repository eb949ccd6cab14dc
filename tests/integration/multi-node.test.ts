/**
 * Scale-out: two media nodes on one PostgreSQL and one Redis. A candidate joins on node A;
 * a proctor of that exam whose Results page is connected to node B still gets the live
 * `results:session` push (relayed by the socket.io Redis adapter). Without the relay the
 * push would stay on node A.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createTestDatabase } from '@proctor/db/testing';
import { seedMediaDemo } from '@proctor/db';
import { createJobQueue, type JobQueue } from '@proctor/recorder';
import { startMediaNode, type MediaNode } from '@proctor/signaling';
import { mintToken } from '@proctor/signaling/token';
import { mediaConfigFromEnv } from '@proctor/sfu';
import { ask, connect } from '../support/socket.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two media nodes sharing Redis', () => {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const tokenSecret = randomBytes(32).toString('base64url');
  const adapterKey = `proctor_test_io_${randomBytes(4).toString('hex')}`;
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let seed: Awaited<ReturnType<typeof seedMediaDemo>>;
  let queue: JobQueue;
  let recordingsDir: string;
  const nodes: MediaNode[] = [];

  const startNode = (name: string, redisUrl: string | undefined) =>
    startMediaNode({
      host: '127.0.0.1',
      port: 0,
      db: testDb.db,
      queue,
      recordingsDir,
      tokenSecret,
      nodeId: `${name}-${randomBytes(3).toString('hex')}`,
      media: { ...mediaConfigFromEnv(), numWorkers: 1, listenIp: '127.0.0.1' },
      webBuildDir: null,
      log,
      redisUrl,
      socketAdapterKey: adapterKey,
    });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    seed = await seedMediaDemo(testDb.db, { candidates: 2 });
    recordingsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-rec-'));
    queue = createJobQueue({ redisUrl: REDIS_URL, namespace: `proctor_test_${randomBytes(4).toString('hex')}`, logger: log });
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await queue?.close();
    await testDb?.drop();
    if (recordingsDir) await fs.rm(recordingsDir, { recursive: true, force: true });
  });

  /** Joins candidate `index` on `a`; resolves with whether the proctor on `b` heard it. */
  async function joinAndListen(a: MediaNode, b: MediaNode, index: number): Promise<boolean> {
    const { sessionId } = seed.sessions[index]!;
    const proctor = await connect(b.url, mintToken({ role: 'proctor', userId: seed.proctorUserId }, tokenSecret, 600));
    const heard = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      proctor.on('results:session', (row: { sessionId: string; status: string }) => {
        if (row.sessionId === sessionId && row.status === 'in_progress') {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    await new Promise((r) => setTimeout(r, 300)); // room subscriptions are made on connect
    const candidate = await connect(a.url, mintToken({ role: 'candidate', sessionId }, tokenSecret, 600));
    assert.equal((await ask(candidate, 'candidate:join', {})).ok, true);
    const result = await heard;
    candidate.close();
    proctor.close();
    return result;
  }

  it('relays a Results push from the node the candidate joined to a proctor on the other node', async () => {
    const a = await startNode('a', REDIS_URL);
    nodes.push(a);
    const b = await startNode('b', REDIS_URL);
    nodes.push(b);
    assert.equal(await joinAndListen(a, b, 0), true, 'the proctor on node B hears the session that started on node A');
  });

  it('without the relay the push stays on its node (the test can tell the difference)', async () => {
    const c = await startNode('c', undefined);
    nodes.push(c);
    const d = await startNode('d', undefined);
    nodes.push(d);
    assert.equal(await joinAndListen(c, d, 1), false);
  });
});
