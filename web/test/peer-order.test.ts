/** Late pushes of an ended attempt must not overwrite the newer attempt's tile state. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { CandidatePeer } from '@proctor/signaling/contract';
import { isStalePeerState } from '../src/lib/media/peer-order.ts';

const peer = (attempt: number, state: CandidatePeer['state']): CandidatePeer => ({
  sessionId: '00000000-0000-4000-8000-000000000001',
  candidateName: 'A',
  state,
  attempt,
  producers: [],
});

describe('peer:state order', () => {
  it("drops the old attempt's late 'disconnected' after the new attempt connected", () => {
    assert.equal(isStalePeerState(peer(2, 'connected'), peer(1, 'disconnected')), true);
  });
  it('keeps pushes of the same or a newer attempt, and the first push', () => {
    assert.equal(isStalePeerState(peer(2, 'connected'), peer(2, 'disconnected')), false);
    assert.equal(isStalePeerState(peer(1, 'disconnected'), peer(2, 'connected')), false);
    assert.equal(isStalePeerState(undefined, peer(1, 'connected')), false);
    assert.equal(isStalePeerState(peer(0, 'connected'), peer(1, 'connected')), false);
  });
});
