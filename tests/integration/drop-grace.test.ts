/**
 * #12 part A: a candidate's short network drop keeps the attempt. The candidate's socket
 * is cut at the transport (as a network drop looks to the node: `transport close`, not a
 * deliberate leave); the node holds the peer, proctors see `reconnecting` at once, and a
 * new socket with the same token re-attaches with `candidate:resume`: same attempt, same
 * producers, proctors see `connected`. A drop longer than the grace (set short here)
 * ends the attempt as before. Bad resumes are refused.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect, vp8Params } from '../support/socket.ts';
import { waitFor } from '../support/media.ts';

const GRACE_MS = 2_500;

/** Cut the socket under socket.io (no disconnect packet): the node sees `transport close`. */
function cutNetwork(socket: Socket): void {
  socket.io.engine.close();
}

async function publishCamera(stack: Stack, sessionId: string, ssrc: number) {
  const socket = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
  const join = await ask(socket, 'candidate:join', {});
  assert.equal(join.ok, true, JSON.stringify(join.error));
  const t = await ask(socket, 'transport:create', { direction: 'send' });
  assert.equal(t.ok, true);
  const cam = await ask(socket, 'produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: vp8Params(ssrc) });
  assert.equal(cam.ok, true, JSON.stringify(cam.error));
  return { socket, attempt: join.data.attempt as number, transportId: t.data.id as string, producerId: cam.data.producerId as string };
}

async function watchStates(stack: Stack) {
  const proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
  const states: { sessionId: string; state: string; attempt: number; at: number }[] = [];
  proctor.on('peer:state', (p: { sessionId: string; state: string; attempt: number }) => states.push({ ...p, at: Date.now() }));
  assert.equal((await ask(proctor, 'proctor:join', { examId: stack.seed.examId })).ok, true);
  return { proctor, states };
}

const attemptsOf = (stack: Stack, sessionId: string) =>
  stack.db.selectFrom('attempts').select(['number', 'endedAt', 'endReason']).where('sessionId', '=', sessionId).orderBy('number').execute();

describe('short network drops keep the attempt', () => {
  let stack: Stack;
  useStack({ candidates: 2, workers: 1, node: { dropGraceMs: GRACE_MS } }, (s) => (stack = s));

  it('a socket back within the grace resumes the same attempt and producers; proctors see reconnecting, then connected', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const { proctor, states } = await watchStates(stack);
    const first = await publishCamera(stack, sessionId, 4242);
    assert.equal(first.attempt, 1);

    const cutAt = Date.now();
    cutNetwork(first.socket);
    const reconnecting = await waitFor('proctor sees reconnecting', async () =>
      states.find((s) => s.sessionId === sessionId && s.state === 'reconnecting'), 5_000);
    const noticedMs = reconnecting.at - cutAt;
    console.log(`[drop-grace] proctor saw reconnecting ${noticedMs} ms after the cut`);
    assert.ok(noticedMs < 2_000, `noticed within 2 s (${noticedMs} ms)`);
    assert.equal(reconnecting.attempt, 1);

    await new Promise((r) => setTimeout(r, GRACE_MS / 2));
    const again = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    const resumed = await ask(again, 'candidate:resume', {});
    assert.equal(resumed.ok, true, JSON.stringify(resumed.error));
    assert.equal(resumed.data.attempt, 1);
    assert.deepEqual(resumed.data.producers.map((p: { producerId: string }) => p.producerId), [first.producerId]);
    await waitFor('proctor sees connected again', async () =>
      states.slice(states.indexOf(reconnecting)).find((s) => s.sessionId === sessionId && s.state === 'connected'), 5_000);

    // Past the grace the attempt is still open, and the resumed socket owns it.
    await new Promise((r) => setTimeout(r, GRACE_MS + 500));
    assert.deepEqual(await attemptsOf(stack, sessionId), [{ number: 1, endedAt: null, endReason: null }]);
    const restart = await ask(again, 'transport:restartIce', { transportId: first.transportId });
    assert.equal(restart.ok, true, 'the resumed socket drives the same transport');
    assert.ok(restart.data.iceParameters.usernameFragment);

    // A deliberate leave still ends the attempt at once.
    again.close();
    const ended = await waitFor('attempt ended as left', async () => {
      const a = await attemptsOf(stack, sessionId);
      return a[0]?.endedAt ? a : undefined;
    }, 5_000);
    assert.deepEqual(ended.map((a) => [a.number, a.endReason]), [[1, 'left']]);
    proctor.close();
  });

  it('a drop longer than the grace ends the attempt; the next join is a new attempt', async () => {
    const { sessionId } = stack.seed.sessions[1]!;
    const { proctor, states } = await watchStates(stack);
    const first = await publishCamera(stack, sessionId, 5151);
    cutNetwork(first.socket);
    const ended = await waitFor('attempt ended after the grace', async () => {
      const a = await attemptsOf(stack, sessionId);
      return a[0]?.endedAt ? a : undefined;
    }, GRACE_MS + 5_000);
    assert.deepEqual(ended.map((a) => [a.number, a.endReason]), [[1, 'disconnected']]);
    // The ended attempt's push follows once its recorders have stopped (seconds).
    const seen = await waitFor('proctor sees disconnected', async () => {
      const mine = states.filter((s) => s.sessionId === sessionId).map((s) => s.state);
      return mine.at(-1) === 'disconnected' ? mine : undefined;
    }, 10_000);
    assert.deepEqual(seen.slice(-2), ['reconnecting', 'disconnected']);

    const late = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    const resumed = await ask(late, 'candidate:resume', {});
    assert.equal(resumed.ok, false);
    assert.equal(resumed.error.code, 'not_found', 'nothing held after the grace');
    const join = await ask(late, 'candidate:join', {});
    assert.equal(join.ok, true);
    assert.equal(join.data.attempt, 2);
    late.close();
    proctor.close();
  });

  it('refuses bad resumes', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    assert.equal((await ask(proctor, 'candidate:resume', {})).error.code, 'forbidden', 'proctors cannot take a candidate over');
    const candidate = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    assert.equal((await ask(candidate, 'candidate:resume', { sessionId })).error.code, 'bad_request', 'no fields accepted');
    assert.equal((await ask(candidate, 'candidate:resume', {})).error.code, 'not_found', 'nothing held');
    for (const s of [proctor, candidate]) s.close();
  });
});
