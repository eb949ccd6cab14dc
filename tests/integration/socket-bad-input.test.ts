/**
 * Bad input over the socket: unknown events, wrong schemas, wrong roles, forged and
 * expired tokens, a second producer of the same source, oversized and flooding clients.
 * Each gets a clear error ack (or a refused connection); the server stays up and nothing
 * is recorded under a session the client does not own.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { mintToken } from '@proctor/signaling/token';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect, connectError, opusParams, vp8Params } from '../support/socket.ts';

describe('socket bad input', () => {
  let stack: Stack;
  useStack({ candidates: 3 }, (s) => (stack = s));

  const candidate = (i: number) => stack.token({ role: 'candidate', sessionId: stack.seed.sessions[i]!.sessionId });

  it('refuses connections without a valid token', async () => {
    assert.match(await connectError(stack.node.url, undefined), /missing or malformed token/);
    assert.match(await connectError(stack.node.url, 'abc.def'), /bad token signature/);
    const forged = mintToken({ role: 'proctor', userId: stack.seed.proctorUserId }, 'x'.repeat(40), 60);
    assert.match(await connectError(stack.node.url, forged), /bad token signature/);
    assert.match(await connectError(stack.node.url, stack.token({ role: 'candidate', sessionId: randomUUID() }, -10)), /expired/);
    assert.equal(await connectError(stack.node.url, candidate(0)), 'connected');
  });

  it('answers unknown events and malformed payloads with error acks', async () => {
    const s = await connect(stack.node.url, candidate(0));
    try {
      assert.deepEqual((await ask(s, 'drop table exam_sessions', {})).ok, false);
      assert.equal((await ask(s, 'drop table exam_sessions', {})).error.code, 'unknown_event');
      const bad = await ask(s, 'transport:create', { direction: 'sideways' });
      assert.equal(bad.ok, false);
      assert.equal(bad.error.code, 'bad_request');
      assert.match(bad.error.message, /direction/);
      assert.equal((await ask(s, 'produce', 'not an object')).error.code, 'bad_request');
      assert.equal((await ask(s, 'transport:connect', { transportId: "x'; drop table users; --", dtlsParameters: {} })).error.code, 'bad_request');
      // A NUL in any text is refused at the boundary, naming where it was.
      const nul = await ask(s, 'transport:create', { direction: 'send\u0000' });
      assert.equal(nul.error.code, 'bad_request');
      assert.match(nul.error.message, /at direction: contains a NUL/);
      // Valid shape but nothing joined yet.
      assert.equal((await ask(s, 'transport:create', { direction: 'send' })).error.message, 'join first');
    } finally {
      s.close();
    }
  });

  it('lets a candidate publish only into their own session, once per source, and never consume', async () => {
    const s = await connect(stack.node.url, candidate(1));
    try {
      const join = await ask(s, 'candidate:join', {});
      assert.equal(join.ok, true, JSON.stringify(join));
      assert.equal(join.data.sessionId, stack.seed.sessions[1]!.sessionId);
      assert.equal(join.data.attempt, 1);
      assert.equal((await ask(s, 'proctor:join', { examId: stack.seed.examId })).error.code, 'forbidden');
      assert.equal((await ask(s, 'transport:create', { direction: 'recv' })).error.code, 'forbidden');

      const t = await ask(s, 'transport:create', { direction: 'send' });
      assert.equal(t.ok, true, JSON.stringify(t));
      const cam = await ask(s, 'produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: vp8Params(1111) });
      assert.equal(cam.ok, true, JSON.stringify(cam));
      const again = await ask(s, 'produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: vp8Params(2222) });
      assert.equal(again.error.code, 'conflict');
      const wrongKind = await ask(s, 'produce', { transportId: t.data.id, kind: 'video', source: 'microphone', rtpParameters: vp8Params(3333) });
      assert.equal(wrongKind.error.code, 'bad_request');
      const mic = await ask(s, 'produce', { transportId: t.data.id, kind: 'audio', source: 'microphone', rtpParameters: opusParams(4444) });
      assert.equal(mic.ok, true, JSON.stringify(mic));

      // Joining again on the same socket (the page does so after a transport failure)
      // ends attempt 1 and starts attempt 2, with nothing carried over.
      const rejoin = await ask(s, 'candidate:join', {});
      assert.equal(rejoin.ok, true);
      assert.equal(rejoin.data.attempt, 2);
      assert.equal((await ask(s, 'produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: vp8Params(6666) })).error.code, 'not_found');

      const consume = await ask(s, 'consume', { transportId: t.data.id, producerId: cam.data.producerId, rtpCapabilities: join.data.routerRtpCapabilities });
      assert.equal(consume.error.code, 'forbidden');
    } finally {
      s.close();
    }
    // Recordings exist only for the session that published.
    const rows = await stack.db.selectFrom('recordings').select(['sessionId', 'source']).execute();
    assert.ok(rows.length >= 1, 'the legitimate camera was recorded');
    for (const r of rows) assert.equal(r.sessionId, stack.seed.sessions[1]!.sessionId);
  });

  it('keeps proctors to their exams and to receiving', async () => {
    const s = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    try {
      assert.equal((await ask(s, 'proctor:join', { examId: randomUUID() })).error.code, 'forbidden');
      assert.equal((await ask(s, 'proctor:join', { examId: 'not-a-uuid' })).error.code, 'bad_request');
      assert.equal((await ask(s, 'candidate:join', {})).error.code, 'forbidden');
      const join = await ask(s, 'proctor:join', { examId: stack.seed.examId });
      assert.equal(join.ok, true, JSON.stringify(join));
      assert.equal((await ask(s, 'transport:create', { direction: 'send' })).error.code, 'forbidden');
      const t = await ask(s, 'transport:create', { direction: 'recv' });
      assert.equal(t.ok, true);
      const produce = await ask(s, 'produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: vp8Params(5555) });
      assert.equal(produce.error.code, 'forbidden');
      const ghost = await ask(s, 'consume', { transportId: t.data.id, producerId: 'nope', rtpCapabilities: join.data.routerRtpCapabilities });
      assert.equal(ghost.error.code, 'not_found');
    } finally {
      s.close();
    }
  });

  it('rate-limits a flood and drops an oversized message, then keeps serving', async () => {
    const s = await connect(stack.node.url, candidate(2));
    const acks = await Promise.all(Array.from({ length: 150 }, () => ask(s, 'transport:create', { direction: 'send' })));
    assert.ok(acks.some((a) => !a.ok && a.error.code === 'rate_limited'), 'some requests were rate-limited');
    const closed = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    s.emit('produce', { blob: 'x'.repeat(200 * 1024) });
    assert.ok(await closed, 'oversized message closes that connection');

    const fresh: Socket = await connect(stack.node.url, candidate(2));
    assert.equal((await ask(fresh, 'candidate:join', {})).ok, true);
    fresh.close();
    const health = await fetch(`${stack.node.url}/healthz`).then((r) => r.json() as Promise<{ ok: boolean }>);
    assert.equal(health.ok, true);
  });
});
