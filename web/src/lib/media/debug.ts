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
import type { Consumer, Transport } from 'mediasoup-client/types';
import type { MediaSource } from '@proctor/signaling/contract';
import type { Publisher, PublisherSnapshot } from './publisher.ts';
import type { ConnectionState } from './reconnect.ts';

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

export interface ConsumerStat {
	sessionId: string;
	source: MediaSource;
	kind: 'audio' | 'video';
	framesDecoded: number;
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

/** Puts a test hook on `window` until the returned function takes it off again (if it is still there). */
export function installWindowHook<K extends '__media' | '__journey'>(key: K, hook: NonNullable<Window[K]>): () => void {
	const w = window as unknown as Record<string, unknown>;
	w[key] = hook;
	return () => {
		if (w[key] === hook) delete w[key];
	};
}

export const installMediaHook = (hook: MediaDebugHook): (() => void) => installWindowHook('__media', hook);

/** What a local video track delivers and what was asked of it. */
export function trackInfo(track: MediaStreamTrack): TrackInfo {
	const { width, height, frameRate } = track.getSettings();
	const asked = track.getConstraints();
	const ideal = (c: ConstrainULong | ConstrainDouble | undefined) => (typeof c === 'object' ? c.ideal : c);
	const wanted = { width: ideal(asked.width), height: ideal(asked.height), frameRate: ideal(asked.frameRate) };
	return { contentHint: track.contentHint, width, height, frameRate, wanted };
}

/**
 * How a transport reaches the server right now: 'host' (directly), 'srflx' (through NAT),
 * 'relay' (through TURN), or null while not connected.
 */
export async function iceCandidateType(transport: Transport | undefined): Promise<string | null> {
	if (!transport || transport.closed) return null;
	const stats = [...(await transport.getStats()).values()] as Array<Record<string, unknown>>;
	const selectedId = stats.find((s) => s.type === 'transport')?.selectedCandidatePairId;
	const pair =
		stats.find((s) => s.type === 'candidate-pair' && s.id === selectedId) ??
		stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
	const local = stats.find((s) => s.type === 'local-candidate' && s.id === pair?.localCandidateId);
	return typeof local?.candidateType === 'string' ? local.candidateType : null;
}

/** Frames a consumer decoded so far (0 once it closed). */
export async function framesDecoded(consumer: Consumer): Promise<number> {
	let frames = 0;
	try {
		const report = await consumer.getStats();
		report.forEach((stat: { type?: string; framesDecoded?: number }) => {
			if (stat.type === 'inbound-rtp' && typeof stat.framesDecoded === 'number') frames += stat.framesDecoded;
		});
	} catch {
		// consumer closed meanwhile: report 0
	}
	return frames;
}

/** `window.__media.stats()` for the candidate page, from the publisher's last snapshot. */
export async function candidateStats(snap: PublisherSnapshot | null, publisher: Publisher | null): Promise<CandidateStats> {
	return {
		state: snap?.state ?? 'connecting',
		attempt: snap?.attempt ?? 0,
		producers: (snap?.producers ?? []).map(({ source, producerId, since }) => ({ source, producerId, since })),
		iceCandidateType: (await publisher?.iceCandidateType()) ?? null,
		mediaProfile: snap?.mediaProfile ?? '',
		tracks: Object.fromEntries(
			(['camera', 'screen'] as const).flatMap((source) => {
				const track = publisher?.track(source);
				return track ? [[source, trackInfo(track)]] : [];
			}),
		),
	};
}
