/**
 * The proctor's view of one candidate, from the pushes about them (#12): a pure reducer, so
 * the live grid and its tests apply the same rule. Pushes of an ended attempt can arrive
 * after the next attempt's (the node pushes a drop only once the old attempt's recorders have
 * stopped), so the attempt number orders them, not arrival: a push about an older attempt
 * than the one shown is dropped.
 */
import type { CandidatePeer, PushOf } from '@proctor/signaling/contract';

export type PeerPush =
	| { type: 'peer:state'; push: PushOf<'peer:state'> }
	| { type: 'producer:new'; push: PushOf<'producer:new'> }
	| { type: 'producer:closed'; push: PushOf<'producer:closed'> };

/** True when `incoming` is about an older attempt than the state already shown. */
export function isStalePeerState(current: Pick<CandidatePeer, 'attempt'> | undefined, incoming: Pick<CandidatePeer, 'attempt'>): boolean {
	// attempt 0 is a placeholder (nothing known yet): never newer.
	return current !== undefined && incoming.attempt < current.attempt;
}

/**
 * The candidate after `event`, or null when it changes nothing (stale, or a close of
 * something not shown). `current` is never modified.
 */
export function reducePeer(current: CandidatePeer | undefined, event: PeerPush): CandidatePeer | null {
	const { push } = event;
	if (isStalePeerState(current, push)) return null;
	switch (event.type) {
		case 'peer:state':
			return { ...event.push, candidateName: event.push.candidateName || current?.candidateName || '' };
		case 'producer:new': {
			const { producer, sessionId, attempt, attemptId } = event.push;
			// A newer attempt's producer before its peer:state: the older attempt's streams are gone.
			const base: CandidatePeer =
				current && current.attempt === attempt
					? current
					: { sessionId, candidateName: current?.candidateName ?? '', state: 'connected', attempt, attemptId, producers: [] };
			return { ...base, producers: [...base.producers.filter((p) => p.producerId !== producer.producerId), producer] };
		}
		case 'producer:closed': {
			if (!current || !current.producers.some((p) => p.producerId === event.push.producerId)) return null;
			return { ...current, producers: current.producers.filter((p) => p.producerId !== event.push.producerId) };
		}
	}
}
