/**
 * Records the candidate's camera+microphone and screen on the device itself (#12), so that
 * what the server's recordings lack (a dropped link, a late recorder) can be filled in.
 *
 * Per source a MediaRecorder (WebM) runs for segmentMs, then a new one starts on the current
 * tracks before the old one stops: each segment is a self-contained file (its own header,
 * starting with a keyframe) and consecutive segments overlap by a few ms instead of leaving a
 * hole. Each finished segment gets its wall-clock span and SHA-256 (crypto.subtle) and goes
 * to the IndexedDB ring (device-store.ts). Tracks are read anew for every segment, so a
 * re-shared screen or re-enabled camera is picked up at the next boundary.
 */
import type { DeviceSource } from '@proctor/signaling/contract';
import { DEFAULT_RING, persistStorage, putSegment, type RingLimits } from './device-store';

export interface DeviceTracksNow {
	camera: MediaStreamTrack | null;
	microphone: MediaStreamTrack | null;
	screen: MediaStreamTrack | null;
}

export interface DeviceRecorderOptions {
	sessionId: string;
	tracks: () => DeviceTracksNow;
	segmentMs?: number;
	ring?: RingLimits;
	/** Told after each stored segment (tests, debug hook). */
	onSegment?: (info: { source: DeviceSource; startedAt: number; endedAt: number; bytes: number }) => void;
}

export async function sha256Hex(blob: Blob): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function mimeFor(hasVideo: boolean, hasAudio: boolean): string | undefined {
	const wanted = hasVideo ? (hasAudio ? 'video/webm;codecs=vp8,opus' : 'video/webm;codecs=vp8') : 'audio/webm;codecs=opus';
	return MediaRecorder.isTypeSupported(wanted) ? wanted : undefined;
}

/** One running segment of one source. */
interface Running {
	recorder: MediaRecorder;
	chunks: Blob[];
	startedAt: number;
	done: Promise<void>;
}

export class DeviceRecorder {
	private readonly running = new Map<DeviceSource, Running>();
	private timer: ReturnType<typeof setInterval> | null = null;
	private stopped = false;
	/** Segments being hashed and stored; stop() waits for them. */
	private readonly pending = new Set<Promise<void>>();
	readonly segmentMs: number;

	constructor(private readonly opts: DeviceRecorderOptions) {
		this.segmentMs = opts.segmentMs ?? 10_000;
	}

	static supported(): boolean {
		return typeof MediaRecorder !== 'undefined' && typeof indexedDB !== 'undefined' && !!globalThis.crypto?.subtle;
	}

	async start(): Promise<void> {
		await persistStorage();
		this.rotate();
		this.timer = setInterval(() => this.rotate(), this.segmentMs);
	}

	/** Ends the current segments and waits until they are stored. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		const ends = [...this.running.entries()].map(([source, r]) => this.finish(r, source));
		this.running.clear();
		await Promise.all(ends);
		await Promise.all([...this.pending]);
	}

	/** Starts the next segment of every source, then ends the previous one. */
	private rotate(): void {
		if (this.stopped) return;
		const tracks = this.opts.tracks();
		const live = (t: MediaStreamTrack | null) => (t && t.readyState === 'live' ? t : null);
		const wanted: Record<DeviceSource, MediaStreamTrack[]> = {
			camera: [live(tracks.camera), live(tracks.microphone)].filter((t): t is MediaStreamTrack => t !== null),
			screen: [live(tracks.screen)].filter((t): t is MediaStreamTrack => t !== null),
		};
		for (const source of ['camera', 'screen'] as const) {
			const previous = this.running.get(source);
			const next = wanted[source].length ? this.begin(wanted[source]) : null;
			if (next) this.running.set(source, next);
			else this.running.delete(source);
			if (previous) void this.finish(previous, source);
		}
	}

	private begin(tracks: MediaStreamTrack[]): Running | null {
		const hasVideo = tracks.some((t) => t.kind === 'video');
		const hasAudio = tracks.some((t) => t.kind === 'audio');
		try {
			const mimeType = mimeFor(hasVideo, hasAudio);
			const recorder = new MediaRecorder(new MediaStream(tracks), mimeType ? { mimeType } : {});
			const chunks: Blob[] = [];
			recorder.ondataavailable = (e) => {
				if (e.data.size > 0) chunks.push(e.data);
			};
			const done = new Promise<void>((resolve) => {
				recorder.onstop = () => resolve();
				recorder.onerror = () => resolve();
			});
			recorder.start();
			return { recorder, chunks, startedAt: Date.now(), done };
		} catch {
			// A track the browser cannot record (ended between the check and here): next segment.
			return null;
		}
	}

	private finish(run: Running, src: DeviceSource): Promise<void> {
		const endedAt = Date.now();
		if (run.recorder.state !== 'inactive') run.recorder.stop();
		const work = (async () => {
			await run.done;
			if (run.chunks.length === 0) return;
			const blob = new Blob(run.chunks, { type: run.recorder.mimeType || 'video/webm' });
			const sha256 = await sha256Hex(blob);
			await putSegment(
				{ id: `${this.opts.sessionId}:${src}:${run.startedAt}`, sessionId: this.opts.sessionId, source: src, startedAt: run.startedAt, endedAt, sha256, bytes: blob.size, blob, uploaded: false },
				this.opts.ring ?? DEFAULT_RING,
			);
			this.opts.onSegment?.({ source: src, startedAt: run.startedAt, endedAt, bytes: blob.size });
		})().catch(() => undefined);
		this.pending.add(work);
		void work.finally(() => this.pending.delete(work));
		return work;
	}
}
