/**
 * #12 "stale events cannot overwrite newer state", on a real node (socket.io, mediasoup,
 * PostgreSQL): a candidate's socket joins twice (its transport failed, so attempt 1 ends and
 * attempt 2 begins). Server side: every push to proctors about the candidate names its
 * attempt, number and id, as stored in `attempts`. Client side: the pushes the proctor really
 * received are fed to the live grid's reducer (web/src/lib/media/peer-order.ts) with attempt
 * 1's pushes arriving last, as a slow recorder stop makes them; the tile still shows attempt
 * 2 — where applying them in arrival order would show the ended attempt.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { CandidatePeer, PushName } from '@proctor/signaling/contract';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect, vp8Params } from '../support/socket.ts';
import { waitFor } from '../support/media.ts';
import { reducePeer, type PeerPush } from '../../web/src/lib/media/peer-order.ts';
import { RowOrder } from '../../web/src/lib/results/row-order.ts';

type Heard = { name: PushName; push: { sessionId: string; attempt: number; attemptId: string | null; state?: string } };

describe('stale attempts', () => {
  let stack: Stack;
  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));

  it("carries the attempt on every push; the proctor's reducer drops the ended attempt's late pushes", async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    const heard: Heard[] = [];
    for (const name of ['peer:state', 'producer:new', 'producer:closed', 'results:session'] as const) {
      proctor.on(name, (push: Heard['push']) => {
        if (push.sessionId === sessionId) heard.push({ name, push });
      });
    }
    assert.equal((await ask(proctor, 'proctor:join', { examId: stack.seed.examId })).ok, true);

    const candidate = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    const publish = async (ssrc: number) => {
      const join = await ask(candidate, 'candidate:join', {});
      assert.equal(join.ok, true, JSON.stringify(join.error));
      const t = await ask(candidate, 'transport:create', { direction: 'send' });
      const cam = await ask(candidate, 'produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: vp8Params(ssrc) });
      assert.equal(cam.ok, true, JSON.stringify(cam.error));
      return { attempt: join.data.attempt as number, producerId: cam.data.producerId as string };
    };
    const first = await publish(1111);
    // The same socket joins again (as after a failed transport): attempt 1 ends, 2 begins.
    const second = await publish(2222);
    assert.deepEqual([first.attempt, second.attempt], [1, 2]);
    await waitFor('attempt 2 connected with its camera', async () =>
      heard.some((h) => h.name === 'producer:new' && h.push.attempt === 2) &&
      heard.some((h) => h.name === 'producer:closed' && h.push.attempt === 1) &&
      heard.some((h) => h.name === 'peer:state' && h.push.attempt === 1 && h.push.state === 'disconnected'),
    10_000);

    // Server side: each push names its attempt, number and id as stored.
    const attempts = await stack.db.selectFrom('attempts').select(['id', 'number']).where('sessionId', '=', sessionId).execute();
    const idOf = new Map(attempts.map((a) => [a.number, a.id]));
    assert.deepEqual([...idOf.keys()].sort(), [1, 2]);
    const peerStates = heard.filter((h) => h.name === 'peer:state');
    assert.ok(peerStates.length >= 3, JSON.stringify(peerStates));
    for (const { name, push } of heard) {
      assert.ok(Number.isInteger(push.attempt) && push.attempt >= 1, `${name} carries the attempt number`);
      assert.equal(push.attemptId, idOf.get(push.attempt), `${name} of attempt ${push.attempt} carries its id`);
    }
    assert.ok(heard.some((h) => h.name === 'results:session' && h.push.attempt === 1), 'the Results row of the start names attempt 1');

    // Client side: the ended attempt's pushes arrive after the new attempt's.
    const tileEvents = heard.filter((h): h is Heard & { name: PeerPush['type'] } => h.name !== 'results:session');
    const late = [...tileEvents.filter((h) => h.push.attempt === 2), ...tileEvents.filter((h) => h.push.attempt === 1)];
    let tile: CandidatePeer | undefined;
    let naive: CandidatePeer | undefined;
    for (const h of late) {
      const event = { type: h.name, push: h.push } as PeerPush;
      tile = reducePeer(tile, event) ?? tile;
      if (h.name === 'peer:state') naive = h.push as CandidatePeer;
    }
    assert.deepEqual([naive?.attempt, naive?.state], [1, 'disconnected'], 'in arrival order the ended attempt would win');
    assert.deepEqual(
      [tile?.attempt, tile?.attemptId, tile?.state, tile?.producers.map((p) => p.producerId)],
      [2, idOf.get(2), 'connected', [second.producerId]],
    );
    // The same rule for Results rows: a row read for attempt 1 after one for attempt 2 is dropped.
    const rows = new RowOrder();
    assert.equal(rows.accept({ sessionId, attempt: 2 }), true);
    assert.equal(rows.accept(heard.find((h) => h.name === 'results:session')!.push), false);

    candidate.close();
    proctor.close();
  });
});
