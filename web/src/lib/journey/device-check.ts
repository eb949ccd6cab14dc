/**
 * The device check's individual checks (browser only). Each resolves with what it found or
 * throws a DeviceCheckFailure naming one contract error code, which the page translates
 * into "what to do" and reports to the server.
 */
import type { DeviceCheckError } from '@proctor/signaling/contract';
import { levelDb } from '$lib/detectors/voice';
import { captureDevice } from '$lib/media/capture';

export class DeviceCheckFailure extends Error {
	override readonly name = 'DeviceCheckFailure';
	constructor(
		readonly code: DeviceCheckError,
		readonly params: Record<string, string | number> = {},
	) {
		super(code);
	}
}

/** Below this the exam's video (camera ~0.4–0.9 Mbit/s, screen ~1.5) cannot get through. */
export const MIN_UPLINK_KBPS = 300;

export function browserSupported(): boolean {
	return (
		window.isSecureContext &&
		typeof navigator.mediaDevices?.getUserMedia === 'function' &&
		typeof navigator.mediaDevices?.getDisplayMedia === 'function' &&
		typeof RTCPeerConnection === 'function' &&
		typeof AudioContext === 'function'
	);
}

function deviceFailure(error: unknown, device: 'camera' | 'microphone'): DeviceCheckFailure {
	const name = error instanceof Error ? error.name : '';
	if (name === 'NotAllowedError' || name === 'SecurityError') return new DeviceCheckFailure(`${device}_denied`);
	if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError')
		return new DeviceCheckFailure(`${device}_not_found`);
	if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return new DeviceCheckFailure(`${device}_busy`);
	return new DeviceCheckFailure('unsupported_browser');
}

/** Asks for one device at a time, so a refusal is attributed to the right one. */
export async function openDevice(kind: 'camera' | 'microphone', constraints: MediaTrackConstraints): Promise<MediaStreamTrack> {
	try {
		const track = await captureDevice(kind, constraints);
		if (!track) throw new DeviceCheckFailure(`${kind}_not_found`);
		return track;
	} catch (error) {
		if (error instanceof DeviceCheckFailure) throw error;
		throw deviceFailure(error, kind);
	}
}

/**
 * Listens to the microphone for `ms` and calls `onLevel` (0..1) for the meter. Only digital
 * silence fails: a quiet room is fine, a muted or broken microphone sends exact zeros.
 */
export async function checkMicrophone(track: MediaStreamTrack, onLevel: (level: number) => void, ms = 2000): Promise<void> {
	const context = new AudioContext();
	try {
		await context.resume().catch(() => undefined);
		const source = context.createMediaStreamSource(new MediaStream([track]));
		const analyser = context.createAnalyser();
		analyser.fftSize = 2048;
		source.connect(analyser);
		const buffer = new Float32Array(analyser.fftSize);
		let loudest = -Infinity;
		const until = performance.now() + ms;
		while (performance.now() < until) {
			await new Promise((r) => setTimeout(r, 100));
			analyser.getFloatTimeDomainData(buffer);
			const db = levelDb(buffer);
			loudest = Math.max(loudest, db);
			// −60 dBFS … 0 dBFS onto the meter.
			onLevel(Number.isFinite(db) ? Math.min(1, Math.max(0, (db + 60) / 60)) : 0);
		}
		source.disconnect();
		if (!Number.isFinite(loudest) || loudest < -110) throw new DeviceCheckFailure('microphone_silent');
	} finally {
		void context.close().catch(() => undefined);
	}
}

/** `screen.isExtended` (Chromium): true with two or more displays; null where unknown. */
export function secondDisplayAttached(): boolean | null {
	const value = (window.screen as Screen & { isExtended?: boolean }).isExtended;
	return typeof value === 'boolean' ? value : null;
}
