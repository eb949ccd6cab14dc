/**
 * Which of two `peer:state` pushes about one candidate is current. Pushes of an ended
 * attempt can arrive after the next attempt's (the server pushes a drop only once the old
 * attempt's recorders have stopped), so the attempt number orders them, not arrival.
 */
import type { CandidatePeer } from '@proctor/signaling/contract';

/** True when `incoming` is about an older attempt than the state already shown. */
export function isStalePeerState(current: CandidatePeer | undefined, incoming: CandidatePeer): boolean {
	// attempt 0 is a placeholder (a producer announced before its peer:state): never newer.
	return current !== undefined && incoming.attempt < current.attempt;
}
