/**
 * Several media nodes without a hand-made load balancer, as separate processes on one
 * PostgreSQL: each exam room is leased to one node; links and socket joins reaching the
 * other node are sent to the holder; a node killed with SIGKILL stops renewing and its room
 * moves once the lease (3 s here) has run out; a node stopped cleanly gives its rooms back
 * at once. Bad links claim nothing.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase } from '@proctor/db/testing';
import { seedMediaDemo, setUserPasswordHash } from '@proctor/db';
import { mintToken, verifyToken } from '@proctor/signaling/token';
// Not exported by @proctor/signaling; the same hashing the sign-in route verifies against.
import { hashPassword } from '../../signaling/src/services/auth.service.ts';
import { freePort } from '../support/ports.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { ask, connect } from '../support/socket.ts';
import { waitFor } from '../support/media.ts';

const LEASE_SECONDS = 3;

describe('room leases across two media node processes', () => {
  const tokenSecret = randomBytes(32).toString('base64url');
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let seed: Awaited<ReturnType<typeof seedMediaDemo>>;
  let dir: string;
  let a: NodeProcess;
  let b: NodeProcess;
  let entry: string;

  const startNode = async (name: string, port: number) =>
    startNodeProcess({
      PORT: String(port),
      NODE_ID: `${name}-${randomBytes(3).toString('hex')}`,
      NODE_URL: `http://127.0.0.1:${port}`,
      PUBLIC_URL: entry,
      ROOM_LEASE_SECONDS: String(LEASE_SECONDS),
      DATABASE_URL: testDb.url,
      TOKEN_SECRET: tokenSecret,
      DATA_DIR: dir,
      RECORDINGS_DIR: path.join(dir, 'recordings'),
      REPORTS_DIR: path.join(dir, 'reports'),
    });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    seed = await seedMediaDemo(testDb.db, { candidates: 2, passwordHash: await hashPassword('room-lease-test-password') });
    await setUserPasswordHash(testDb.db, seed.proctorUserId, await hashPassword('room-lease-test-password'));
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-leases-'));
    const [portA, portB] = [await freePort(), await freePort()];
    // B's address is the entry every link is printed with; A is a second node.
    entry = `http://127.0.0.1:${portB}`;
    [a, b] = await Promise.all([startNode('a', portA), startNode('b', portB)]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await testDb?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const candidateToken = (i = 0) => mintToken({ role: 'candidate', sessionId: seed.sessions[i]!.sessionId }, tokenSecret, 600);
  const proctorToken = () => mintToken({ role: 'proctor', userId: seed.proctorUserId }, tokenSecret, 600);
  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });
  const leases = () => testDb.db.selectFrom('roomLeases').select(['examId', 'nodeUrl']).execute();

  it('claims nothing for links it cannot read', async () => {
    const pages = [
      `${b.url}/exam`,
      `${b.url}/exam?token=not-a-token`,
      `${b.url}/exam?token=${mintToken({ role: 'candidate', sessionId: randomUUID() }, tokenSecret, 600)}`,
      `${b.url}/proctor/exams/${seed.examId}/live`, // anonymous: no token, no session cookie
      `${b.url}/proctor/exams/${seed.examId}/live?token=${candidateToken()}`, // a candidate's token
      `${b.url}/proctor/exams/${randomUUID()}/live?token=${proctorToken()}`, // no such exam
      `${b.url}/proctor/exams/not-a-uuid/live?token=${proctorToken()}`,
    ];
    for (const url of pages) {
      const res = await get(url);
      await res.body?.cancel();
      assert.notEqual(res.status, 307, url);
      assert.ok(res.status < 500, `${url}: ${res.status}`);
    }
    assert.deepEqual(await leases(), []);
  });

  it('serves a link on the first node reached and redirects it everywhere else', async () => {
    const here = await get(`${a.url}/exam?token=${candidateToken()}`);
    assert.equal(here.status, 200);
    assert.match(await here.text(), /<html/);
    assert.deepEqual(await leases(), [{ examId: seed.examId, nodeUrl: a.url }]);

    const there = await get(`${b.url}/exam?token=${candidateToken(1)}`);
    await there.body?.cancel();
    assert.equal(there.status, 307);
    assert.equal(there.headers.get('location'), `${a.url}/exam?token=${candidateToken(1)}`);
    assert.equal(there.headers.get('cache-control'), 'no-store');

    const proctor = await get(`${b.url}/proctor/exams/${seed.examId}/live?mode=screen&token=${proctorToken()}`);
    await proctor.body?.cancel();
    assert.equal(proctor.status, 307);
    assert.equal(proctor.headers.get('location'), `${a.url}/proctor/exams/${seed.examId}/live?mode=screen&token=${proctorToken()}`);
  });

  it('gives a signed-in proctor a token for the other node, which has no session for them', async () => {
    const login = await fetch(`${b.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: entry },
      body: JSON.stringify({ email: 'proctor@demo.proctor.local', password: 'room-lease-test-password' }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const res = await get(`${b.url}/proctor/exams/${seed.examId}/live`, { cookie });
    await res.body?.cancel();
    assert.equal(res.status, 307);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin, a.url);
    const claims = verifyToken(location.searchParams.get('token'), tokenSecret);
    assert.deepEqual([claims.role, 'userId' in claims && claims.userId], ['proctor', seed.proctorUserId]);
  });

  it('refuses socket joins on the other node as `moved` and tells joined clients the way back', async () => {
    const stray = await connect(b.url, candidateToken());
    const refused = await ask(stray, 'candidate:join', {});
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, 'moved');
    const strayProctor = await connect(b.url, proctorToken());
    assert.equal((await ask(strayProctor, 'proctor:join', { examId: seed.examId })).error.code, 'moved');
    stray.close();
    strayProctor.close();

    const candidate = await connect(a.url, candidateToken());
    const joined = await ask(candidate, 'candidate:join', {});
    assert.equal(joined.ok, true, JSON.stringify(joined.error));
    assert.deepEqual(joined.data.cluster, { entryUrl: entry, leaseSeconds: LEASE_SECONDS });
    // Held past several lease lengths while someone is in the room: renewals work.
    await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1500));
    const still = await get(`${b.url}/exam?token=${candidateToken(1)}`);
    await still.body?.cancel();
    assert.equal(still.status, 307);
    candidate.close();
  });

  it('moves the room to the other node once a killed node\'s lease has run out', async () => {
    const candidate = await connect(a.url, candidateToken());
    assert.equal((await ask(candidate, 'candidate:join', {})).ok, true);
    await a.stop('SIGKILL');
    candidate.close();
    const killedAt = Date.now();

    const moved = await waitFor(
      'node B serving the room',
      async () => {
        const res = await get(`${b.url}/exam?token=${candidateToken()}`);
        await res.body?.cancel();
        return res.status === 200 ? Date.now() : undefined;
      },
      (LEASE_SECONDS + 10) * 1000,
      200,
    );
    assert.ok(moved - killedAt <= (LEASE_SECONDS + 2) * 1000, `moved ${moved - killedAt} ms after the kill`);
    assert.deepEqual(await leases(), [{ examId: seed.examId, nodeUrl: b.url }]);
    const again = await connect(b.url, candidateToken());
    const joined = await ask(again, 'candidate:join', {});
    assert.equal(joined.ok, true, JSON.stringify(joined.error));
    assert.equal(joined.data.cluster, undefined, 'B is the entry itself: no way back to give');
    again.close();
  });

  it('gives its rooms back at once when stopped cleanly', async () => {
    const candidate = await connect(b.url, candidateToken());
    assert.equal((await ask(candidate, 'candidate:join', {})).ok, true);
    // The previous test's socket closing here may release the room just after this join; the
    // next renewal (a third of the lease) claims it again.
    await waitFor('B holding the room', async () => (await leases()).length === 1, LEASE_SECONDS * 1000);
    await b.stop('SIGTERM');
    candidate.close();
    assert.deepEqual(await leases(), []);
  });
});
