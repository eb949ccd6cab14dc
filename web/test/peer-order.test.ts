/** #12: late pushes of an ended attempt must not overwrite the newer attempt's tile or Results row. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { CandidatePeer, ProducerInfo } from '@proctor/signaling/contract';
import { isStalePeerState, reducePeer, type PeerPush } from '../src/lib/media/peer-order.ts';
import { RowOrder } from '../src/lib/results/row-order.ts';

const sessionId = '00000000-0000-4000-8000-000000000001';
const attemptId = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;
const producer = (id: string): ProducerInfo => ({ producerId: id, source: 'camera', kind: 'video', paused: false });
const peer = (attempt: number, state: CandidatePeer['state'], producers: ProducerInfo[] = []): CandidatePeer => ({
  sessionId,
  candidateName: 'A',
  state,
  attempt,
  attemptId: attemptId(attempt),
  producers,
});
const fold = (events: PeerPush[]) => events.reduce<CandidatePeer | undefined>((shown, e) => reducePeer(shown, e) ?? shown, undefined);
const state = (p: CandidatePeer): PeerPush => ({ type: 'peer:state', push: p });

describe('peer:state order', () => {
  it("drops the old attempt's late 'disconnected' after the new attempt connected", () => {
    assert.equal(isStalePeerState(peer(2, 'connected'), peer(1, 'disconnected')), true);
    assert.equal(reducePeer(peer(2, 'connected'), state(peer(1, 'disconnected'))), null);
  });
  it('keeps pushes of the same or a newer attempt, and the first push', () => {
    assert.equal(isStalePeerState(peer(2, 'connected'), peer(2, 'disconnected')), false);
    assert.equal(isStalePeerState(peer(1, 'disconnected'), peer(2, 'connected')), false);
    assert.equal(isStalePeerState(undefined, peer(1, 'connected')), false);
    assert.equal(isStalePeerState(peer(0, 'connected'), peer(1, 'connected')), false);
    assert.deepEqual(reducePeer(peer(2, 'connected'), state(peer(2, 'reconnecting')))?.state, 'reconnecting');
  });
});

describe('tile reducer', () => {
  it('shows the new attempt whatever order the two attempts arrive in', () => {
    const pushes: PeerPush[] = [
      state(peer(1, 'connected')),
      { type: 'producer:new', push: { sessionId, attempt: 1, attemptId: attemptId(1), producer: producer('p1') } },
      state(peer(2, 'connected')),
      { type: 'producer:new', push: { sessionId, attempt: 2, attemptId: attemptId(2), producer: producer('p2') } },
      // late, from the ended attempt 1:
      { type: 'producer:closed', push: { sessionId, attempt: 1, attemptId: attemptId(1), producerId: 'p1' } },
      state(peer(1, 'disconnected')),
    ];
    assert.deepEqual(fold(pushes), peer(2, 'connected', [producer('p2')]));
  });

  it("a newer attempt's producer before its peer:state replaces the older attempt's streams", () => {
    const shown = fold([state(peer(1, 'connected', [producer('p1')]))]);
    const next = reducePeer(shown, { type: 'producer:new', push: { sessionId, attempt: 2, attemptId: attemptId(2), producer: producer('p2') } });
    assert.deepEqual([next?.attempt, next?.attemptId, next?.producers.map((p) => p.producerId), next?.candidateName], [2, attemptId(2), ['p2'], 'A']);
    assert.equal(reducePeer(next!, { type: 'producer:new', push: { sessionId, attempt: 1, attemptId: attemptId(1), producer: producer('p1') } }), null);
  });

  it('a close of a producer not shown changes nothing; a nameless push keeps the name', () => {
    assert.equal(reducePeer(peer(1, 'connected'), { type: 'producer:closed', push: { sessionId, attempt: 1, attemptId: attemptId(1), producerId: 'x' } }), null);
    assert.equal(reducePeer(peer(1, 'connected'), state({ ...peer(1, 'reconnecting'), candidateName: '' }))?.candidateName, 'A');
  });
});

describe('Results rows in attempt order', () => {
  it("drops a row read for an older attempt than one applied; keeps equal and newer ones", () => {
    const order = new RowOrder();
    assert.equal(order.accept({ sessionId, attempt: 2 }), true);
    assert.equal(order.accept({ sessionId, attempt: 1 }), false);
    assert.equal(order.accept({ sessionId, attempt: 2 }), true);
    assert.equal(order.accept({ sessionId, attempt: 3 }), true);
    assert.equal(order.accept({ sessionId: attemptId(9), attempt: 0 }), true, 'other sessions are separate');
  });
});
