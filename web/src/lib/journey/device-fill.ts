/**
 * When the page sends its device recordings (#12): after a reconnect (once the segment that
 * spans the drop is closed and the server's recorders are back), before "Finish" completes,
 * and on the next open of the link when segments of the session are still pending. One
 * round at a time; a failed round leaves the segments pending for the next.
 */
import type { UploadProgress } from '$lib/media/device-upload';

export type FillState = { kind: 'idle' } | { kind: 'sending'; progress: UploadProgress } | { kind: 'done' } | { kind: 'failed' };

/** The session a candidate token names (read, not verified: the server verifies it). */
export function sessionOfToken(token: string): string | null {
	try {
		const body = token.split('.')[0] ?? '';
		const json = atob(body.replace(/-/g, '+').replace(/_/g, '/'));
		const claims = JSON.parse(json) as { role?: string; sessionId?: string };
		return claims.role === 'candidate' && typeof claims.sessionId === 'string' ? claims.sessionId : null;
	} catch {
		return null;
	}
}

export class GapFiller {
	private round: Promise<void> | null = null;
	private again = false;

	constructor(
		/** Read at each round (the exam page's props). */
		private readonly token: () => string,
		private readonly sessionId: () => string,
		private readonly onState: (s: FillState) => void,
	) {}

	/** Runs a round now (or right after the current one). */
	fill(): Promise<void> {
		if (this.round) {
			this.again = true;
			return this.round;
		}
		this.round = (async () => {
			do {
				this.again = false;
				const { uploadMissingSegments } = await import('$lib/media/device-upload');
				try {
					const stored = await uploadMissingSegments({
						token: this.token(),
						sessionId: this.sessionId(),
						onProgress: (progress) => progress.total > 0 && this.onState({ kind: 'sending', progress }),
					});
					this.onState(stored > 0 ? { kind: 'done' } : { kind: 'idle' });
				} catch {
					this.onState({ kind: 'failed' });
				}
			} while (this.again);
		})().finally(() => (this.round = null));
		return this.round;
	}

	/** A round `afterMs` from now: after a reconnect the segment spanning the drop is still being recorded. */
	fillLater(afterMs: number): void {
		setTimeout(() => void this.fill(), afterMs);
	}
}

/** On the page's load: sends what a closed tab left behind for this session, if anything. */
export async function resumePendingUploads(token: string, onState: (s: FillState) => void): Promise<void> {
	const sessionId = sessionOfToken(token);
	if (!sessionId) return;
	const { pendingSegments } = await import('$lib/media/device-upload');
	if ((await pendingSegments(sessionId).catch(() => 0)) === 0) return;
	await new GapFiller(() => token, () => sessionId, onState).fill();
}
