/**
 * Capture on the candidate's side (browser only): the camera, the microphone and the entire
 * screen at the exam's media profile (#11; the numbers live in @proctor/values
 * MEDIA_PROFILES). The device check opens the tracks, the exam page opens them again when
 * the candidate stopped sharing, and the publisher fits them to the exam's profile.
 */
import { DEFAULT_MEDIA_PROFILE, MEDIA_PROFILES, type MediaProfile, type MediaProfileId } from '@proctor/values';

/** The profile of an exam by name (an unknown name, e.g. from an older server, is the default). */
export function mediaProfile(id: MediaProfileId | string | undefined): MediaProfile {
	return MEDIA_PROFILES[id as MediaProfileId] ?? MEDIA_PROFILES[DEFAULT_MEDIA_PROFILE];
}

/** What the candidate page asks getUserMedia for: the profile's size and frame rate. */
export function cameraConstraints(profile: MediaProfile): MediaTrackConstraints {
	const { width, height, frameRate } = profile.camera;
	return { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: frameRate, max: frameRate } };
}

export const MICROPHONE_CONSTRAINTS: MediaTrackConstraints = {
	echoCancellation: true,
	noiseSuppression: true,
	autoGainControl: true,
};

/** The frame rate a screen is read at: few frames (it is read, not watched for motion). */
function screenFrameRate(profile: MediaProfile): ConstrainDouble {
	const fps = profile.screen.maxFrameRate;
	return { ideal: fps, max: fps };
}

export function screenOptions(profile: MediaProfile): DisplayMediaStreamOptions {
	return {
		video: { displaySurface: 'monitor', frameRate: screenFrameRate(profile) },
		audio: false,
		// Chrome-only hints; other browsers ignore them.
		monitorTypeSurfaces: 'include',
		selfBrowserSurface: 'exclude',
		surfaceSwitching: 'exclude',
	} as DisplayMediaStreamOptions;
}

/** Thrown when the entire screen is required but a window/tab was chosen. */
export class WrongSurfaceError extends Error {
	override readonly name = 'WrongSurfaceError';
	constructor(readonly surface: string | undefined) {
		super(`displaySurface is ${surface ?? 'unknown'}, not monitor`);
	}
}

/** Ask for the entire screen; rejects (and stops the track) unless `monitor` was chosen. */
export async function captureEntireScreen(profile: MediaProfile = mediaProfile(DEFAULT_MEDIA_PROFILE)): Promise<MediaStreamTrack> {
	const stream = await navigator.mediaDevices.getDisplayMedia(screenOptions(profile));
	const [track] = stream.getVideoTracks();
	if (!track) throw new WrongSurfaceError(undefined);
	const surface = track.getSettings().displaySurface;
	if (surface !== 'monitor') {
		for (const t of stream.getTracks()) t.stop();
		throw new WrongSurfaceError(surface);
	}
	// Text stays sharp when bandwidth is short: the encoder lowers the frame rate, not the resolution.
	track.contentHint = profile.screen.contentHint;
	return track;
}

/** One device's track (null if the browser gave none); getUserMedia's errors are thrown as they are. */
export async function captureDevice(kind: 'camera' | 'microphone', constraints: MediaTrackConstraints): Promise<MediaStreamTrack | null> {
	const stream = await navigator.mediaDevices.getUserMedia(kind === 'camera' ? { video: constraints } : { audio: constraints });
	return (kind === 'camera' ? stream.getVideoTracks() : stream.getAudioTracks())[0] ?? null;
}

/** Camera and microphone in one prompt, at the profile (sharing them again during the exam). */
export async function captureCameraAndMicrophone(profile: MediaProfile): Promise<{ camera: MediaStreamTrack | null; microphone: MediaStreamTrack | null }> {
	const stream = await navigator.mediaDevices.getUserMedia({ video: cameraConstraints(profile), audio: MICROPHONE_CONSTRAINTS });
	return { camera: stream.getVideoTracks()[0] ?? null, microphone: stream.getAudioTracks()[0] ?? null };
}

async function constrain(track: MediaStreamTrack, constraints: MediaTrackConstraints): Promise<void> {
	try {
		await track.applyConstraints(constraints);
	} catch (error) {
		console.warn(`[media] ${track.kind} track keeps its settings`, error);
	}
}

/**
 * The camera (and screen) were opened before the page knew the exam's profile, or for
 * another one: ask the tracks for the profile's size and frame rate. A device that cannot
 * is sent as it is (the encodings still cap the bitrate).
 */
export async function fitToProfile(camera: MediaStreamTrack | undefined, screen: MediaStreamTrack | undefined, profile: MediaProfile): Promise<void> {
	if (camera?.readyState === 'live') {
		const s = camera.getSettings();
		const want = profile.camera;
		if (s.width !== want.width || s.height !== want.height || (s.frameRate ?? 0) > want.frameRate + 0.5) {
			await constrain(camera, cameraConstraints(profile));
		}
	}
	if (screen?.readyState === 'live') {
		screen.contentHint = profile.screen.contentHint;
		if ((screen.getSettings().frameRate ?? 0) > profile.screen.maxFrameRate + 0.5) {
			await constrain(screen, { frameRate: screenFrameRate(profile) });
		}
	}
}
