/**
 * Plays several media elements (webcam video, screen video, microphone audio) as one.
 *
 * One element is the clock (the first playable one: the webcam, else the screen, else the
 * audio); the others follow it. While playing, a follower off by more than 100 ms is
 * seeked back into place; a smaller drift is absorbed by nudging its playbackRate, because
 * a seek stalls the decoder for a moment and would itself cause visible jitter. While the
 * clock element buffers, the followers wait for it.
 *
 * Times are attempt times (see timeline.ts): element time + its offset.
 */
export interface SyncTrack {
	el: HTMLMediaElement;
	/** Attempt time at which this element's t=0 plays. */
	offsetSec: number;
}

export interface SyncEvents {
	/** Every animation frame while playing, and after a seek. */
	time(seconds: number): void;
	playing(playing: boolean): void;
	/** The clock element reached its end. */
	ended(): void;
}

/** Beyond this a follower is seeked (the limit for drift while playing). */
export const MAX_DRIFT_SEC = 0.1;
/** Below this drift is ignored; between the two the rate is nudged. */
const TOLERATED_DRIFT_SEC = 0.025;
const MAX_NUDGE = 0.05;
/** HTMLMediaElement.HAVE_FUTURE_DATA: enough to keep playing for a bit. */
const HAVE_FUTURE_DATA = 3;

export class SyncGroup {
	private tracks: SyncTrack[] = [];
	private playing = false;
	private frame = 0;
	private readonly cleanups: (() => void)[] = [];
	/** The last seek, re-applied to elements whose source loads after it (new attempt). */
	private target: number | null = null;
	/** Largest follower drift seen while playing since the last seek (diagnostics, tests). */
	maxDriftSec = 0;

	constructor(private readonly events: SyncEvents) {}

	/** Replaces the elements (another attempt); playback stops, position goes to `atSec`. */
	setTracks(tracks: SyncTrack[], atSec = 0): void {
		this.pause();
		for (const off of this.cleanups.splice(0)) off();
		this.tracks = tracks;
		for (const t of tracks) {
			const onMetadata = () => {
				if (this.target !== null) setTime(t.el, this.target - t.offsetSec);
			};
			t.el.addEventListener('loadedmetadata', onMetadata);
			this.cleanups.push(() => t.el.removeEventListener('loadedmetadata', onMetadata));
		}
		const clock = tracks[0];
		if (clock) {
			const onEnded = () => {
				this.stopLoop();
				this.playing = false;
				for (const t of this.followers()) t.el.pause();
				this.events.playing(false);
				this.events.ended();
			};
			const onTime = () => {
				if (!this.playing) this.events.time(this.time);
			};
			clock.el.addEventListener('ended', onEnded);
			clock.el.addEventListener('seeked', onTime);
			this.cleanups.push(() => {
				clock.el.removeEventListener('ended', onEnded);
				clock.el.removeEventListener('seeked', onTime);
			});
		}
		this.seek(atSec);
	}

	get isPlaying(): boolean {
		return this.playing;
	}

	/** Attempt time of the clock element. */
	get time(): number {
		const clock = this.tracks[0];
		return clock ? clock.el.currentTime + clock.offsetSec : 0;
	}

	async play(): Promise<void> {
		const clock = this.tracks[0];
		if (!clock || this.playing) return;
		this.playing = true;
		this.target = null;
		this.maxDriftSec = 0;
		this.events.playing(true);
		this.alignFollowers(true);
		try {
			await clock.el.play();
		} catch {
			// Autoplay refused or the source failed: show it as paused.
			this.pause();
			return;
		}
		this.startLoop();
	}

	pause(): void {
		this.stopLoop();
		for (const t of this.tracks) {
			t.el.pause();
			t.el.playbackRate = 1;
		}
		if (this.playing) {
			this.playing = false;
			this.events.playing(false);
		}
	}

	/** Moves every element to attempt time `seconds` (clamped into each element). */
	seek(seconds: number): void {
		this.target = Math.max(0, seconds);
		for (const t of this.tracks) setTime(t.el, seconds - t.offsetSec);
		this.maxDriftSec = 0;
		this.events.time(Math.max(0, seconds));
	}

	destroy(): void {
		this.pause();
		for (const off of this.cleanups.splice(0)) off();
		this.tracks = [];
	}

	private followers(): SyncTrack[] {
		return this.tracks.slice(1);
	}

	private startLoop(): void {
		this.stopLoop();
		const tick = () => {
			this.alignFollowers(false);
			this.events.time(this.time);
			this.frame = requestAnimationFrame(tick);
		};
		this.frame = requestAnimationFrame(tick);
	}

	private stopLoop(): void {
		if (this.frame) cancelAnimationFrame(this.frame);
		this.frame = 0;
	}

	/** One correction pass; `force` seeks every follower exactly (on play). */
	private alignFollowers(force: boolean): void {
		const clock = this.tracks[0];
		if (!clock) return;
		const now = this.time;
		const clockReady = !clock.el.seeking && clock.el.readyState >= HAVE_FUTURE_DATA;
		for (const t of this.followers()) {
			const want = now - t.offsetSec;
			const end = Number.isFinite(t.el.duration) ? t.el.duration : Infinity;
			if (want < 0 || want >= end || (!clockReady && !force)) {
				// Before this track starts, after it ends, or while the clock buffers: hold still.
				if (!t.el.paused) t.el.pause();
				if (want < 0 || want >= end) setTime(t.el, want);
				continue;
			}
			if (t.el.seeking) continue;
			const drift = t.el.currentTime - want;
			if (!force && !t.el.paused) this.maxDriftSec = Math.max(this.maxDriftSec, Math.abs(drift));
			if (force || Math.abs(drift) > MAX_DRIFT_SEC) {
				t.el.currentTime = want;
				t.el.playbackRate = 1;
			} else if (Math.abs(drift) > TOLERATED_DRIFT_SEC) {
				// Ahead → slow down, behind → speed up, proportionally, at most ±5 %.
				t.el.playbackRate = 1 - Math.max(-MAX_NUDGE, Math.min(MAX_NUDGE, drift / 2));
			} else if (t.el.playbackRate !== 1) {
				t.el.playbackRate = 1;
			}
			if (this.playing && t.el.paused) void t.el.play().catch(() => undefined);
		}
	}
}

function setTime(el: HTMLMediaElement, seconds: number): void {
	const end = Number.isFinite(el.duration) ? el.duration : Infinity;
	const target = Math.max(0, Math.min(seconds, end));
	// Before metadata, Chromium keeps this as the start position and seeks once it can.
	if (Math.abs(el.currentTime - target) > 0.001) el.currentTime = target;
}
