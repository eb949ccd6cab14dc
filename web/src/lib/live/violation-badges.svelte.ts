/**
 * Per-candidate violation counts on the proctor's live grid, fed by the `session:violation`
 * push. A push arrives when a violation is stored and again when it changes (e.g. it ends),
 * so violations are counted by id; the badge names the type of the latest one to start.
 */
import type { SessionViolation } from '@proctor/signaling/contract';

export interface ViolationBadge {
	count: number;
	latestType: string;
	/** Something is going on right now (the latest violation has no end yet). */
	ongoing: boolean;
}

interface SessionTally {
	ids: Set<string>;
	latest: { id: string; type: string; startsAt: string; endsAt: string | null };
}

export class ViolationBadges {
	#tallies = $state<Record<string, SessionTally>>({});

	/** Feed one push. */
	add({ sessionId, violation }: SessionViolation): void {
		const tally = this.#tallies[sessionId];
		const entry = { id: violation.id, type: violation.type, startsAt: violation.startsAt, endsAt: violation.endsAt };
		if (!tally) {
			this.#tallies[sessionId] = { ids: new Set([violation.id]), latest: entry };
			return;
		}
		const ids = new Set(tally.ids).add(violation.id);
		const newer = violation.id === tally.latest.id || violation.startsAt >= tally.latest.startsAt;
		this.#tallies[sessionId] = { ids, latest: newer ? entry : tally.latest };
	}

	of(sessionId: string): ViolationBadge | null {
		const tally = this.#tallies[sessionId];
		if (!tally) return null;
		return { count: tally.ids.size, latestType: tally.latest.type, ongoing: tally.latest.endsAt === null };
	}
}
