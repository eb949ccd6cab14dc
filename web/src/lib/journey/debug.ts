/**
 * `window.__journey`: a harmless, always-present hook for end-to-end tests and debugging,
 * like `window.__media` (lib/media/debug.ts).
 *
 *   violations() → the candidate's current and recent findings (what the overlay shows)
 *   pending()    → findings not yet fully stored on the server
 *   face()       → the last face analysis ({ faces, yaw, pitch, … } without the embedding) or null
 */
import type { LocalViolation } from '$lib/detectors/reporter';
import type { FaceFinding } from '$lib/detectors/face-engine';
import { installWindowHook } from '$lib/media/debug';

export interface JourneyDebugHook {
	violations(): LocalViolation[];
	pending(): number;
	face(): Omit<FaceFinding, 'embedding'> | null;
}

declare global {
	interface Window {
		__journey?: JourneyDebugHook;
	}
}

export const installJourneyHook = (hook: JourneyDebugHook): (() => void) => installWindowHook('__journey', hook);

/** A face analysis as the hook shows it: the embedding is long and says nothing to a test. */
export function withoutEmbedding(finding: FaceFinding | null | undefined): Omit<FaceFinding, 'embedding'> | null {
	if (!finding) return null;
	const { embedding: _embedding, ...rest } = finding;
	return rest;
}
