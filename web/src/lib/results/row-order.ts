/**
 * Live Results rows in attempt order (#12): each `results:session` push names the session's
 * latest attempt when its row was read; a row read for an older attempt than one already
 * applied is stale and dropped. Pure (no DOM, no socket), unit-tested in web/test.
 */
import type { PushOf } from '@proctor/signaling/contract';

export class RowOrder {
	readonly #latest = new Map<string, number>();

	/** True when the row should be applied (and remembers its attempt); false when it is stale. */
	accept(push: Pick<PushOf<'results:session'>, 'sessionId' | 'attempt'>): boolean {
		const shown = this.#latest.get(push.sessionId);
		if (shown !== undefined && push.attempt < shown) return false;
		this.#latest.set(push.sessionId, push.attempt);
		return true;
	}
}
