/**
 * `window.__media`: a harmless, always-present hook for end-to-end tests and debugging.
 *
 *   candidate page: state() → 'connecting'|'connected'|'reconnecting'|'failed'
 *                   stats() → { state, attempt, producers: [{ source, producerId, since }],
 *                               iceCandidateType: 'host'|'srflx'|'relay'|null,
 *                               mediaProfile, tracks: { camera|screen: { contentHint, width, height, frameRate } } }
 *   proctor page:   state() → same union
 *                   stats() → [{ sessionId, source, kind, framesDecoded }] (one per active consumer)
 */
import type { MediaSource } from '@proctor/signaling/contract';
import type { ConnectionState } from './reconnect.ts';
import type { ConsumerStat } from './viewer.ts';

export interface CandidateStats {
	state: ConnectionState;
	attempt: number;
	producers: Array<{ source: MediaSource; producerId: string; since: number }>;
	/** The send transport's selected local ICE candidate type ('relay' = through TURN). */
	iceCandidateType: string | null;
	/** The exam's media profile the page sends at (#11). */
	mediaProfile: string;
	/** What the local video tracks are: the profile's contentHint and capture size. */
	tracks: Partial<Record<'camera' | 'screen', TrackInfo>>;
}

/** A local video track: its contentHint, what it delivers, and the ideal size/rate asked of it. */
export interface TrackInfo {
	contentHint: string;
	width?: number;
	height?: number;
	frameRate?: number;
	wanted: { width?: number; height?: number; frameRate?: number };
}

export interface MediaDebugHook {
	state(): ConnectionState;
	stats(): Promise<CandidateStats | ConsumerStat[]>;
}

declare global {
	interface Window {
		__media?: MediaDebugHook;
	}
}

export function installMediaHook(hook: MediaDebugHook): () => void {
	window.__media = hook;
	return () => {
		if (window.__media === hook) delete window.__media;
	};
}
