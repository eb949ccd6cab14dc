/**
 * What runs while the candidate sits the exam, wired together: the publisher (camera,
 * microphone and screen to the media server), the violation reporter and the detectors.
 * The code is loaded while the start card shows (#12 fast join: the click only runs the
 * media handshake); `startProctoring` runs at the click.
 */
import type { BrowserEventOptions } from '$lib/detectors/browser-events';
import type { Detectors } from '$lib/detectors';
import type { LocalViolation, ViolationReporter } from '$lib/detectors/reporter';
import type { DeviceRecorder } from '$lib/media/device-recorder';
import type { Publisher, PublisherSnapshot, PublisherTracks } from '$lib/media/publisher';
import type { Signal } from '$lib/media/signal';

type Tracks = { camera: MediaStreamTrack | null; microphone: MediaStreamTrack | null; screen: MediaStreamTrack | null };

export function loadProctoring() {
	return Promise.all([
		import('$lib/media/publisher'),
		import('$lib/media/node-move'),
		import('$lib/detectors/reporter'),
		import('$lib/detectors/report-queue'),
		import('$lib/detectors'),
	]);
}

export async function openSignal(token: string): Promise<Signal> {
	const { connectSignal } = await import('$lib/media/signal');
	return connectSignal(token);
}

/** The device's own recording of camera + microphone and screen (#12); null where the browser cannot. */
export async function deviceRecorder(sessionId: string, tracks: () => Tracks): Promise<DeviceRecorder | null> {
	const { DeviceRecorder } = await import('$lib/media/device-recorder');
	return DeviceRecorder.supported() ? new DeviceRecorder({ sessionId, tracks }) : null;
}

export type ProctoringModules = Awaited<ReturnType<typeof loadProctoring>>;

export interface Proctoring {
	publisher: Publisher;
	reporter: ViolationReporter;
	detectors: Detectors;
}

export interface ProctoringInputs {
	signal: Signal;
	/** The candidate's link token (a move to another media node asks with it). */
	token: string;
	sessionId: string;
	tracks: Tracks;
	verifiedEmbedding: number[] | null;
	browser: BrowserEventOptions;
	onwarnings: (current: LocalViolation[]) => void;
	/** Every publisher snapshot (the first one at once), after the reporter and detectors took it in. */
	onsnapshot: (next: PublisherSnapshot, publisher: Publisher) => void;
}

export function startProctoring(modules: ProctoringModules, inputs: ProctoringInputs): Proctoring {
	const [{ Publisher }, { NodeMove }, { ViolationReporter }, { ReportQueue, browserStorage }, { startDetectors }] = modules;
	const { signal, tracks } = inputs;
	const publisher = new Publisher(signal, tracks satisfies PublisherTracks, new NodeMove(signal, inputs.token));
	// Reports wait in localStorage (per session) until acked, so a reload resends them with their keys.
	const reporter = new ViolationReporter((name, payload) => signal.request(name, payload), Date.now, new ReportQueue(browserStorage(), inputs.sessionId));
	reporter.subscribe(inputs.onwarnings);
	const detectors = startDetectors({
		reporter,
		camera: tracks.camera,
		microphone: tracks.microphone,
		verifiedEmbedding: inputs.verifiedEmbedding,
		browser: inputs.browser,
	});
	publisher.subscribe((next) => {
		reporter.setReady(next.state === 'connected');
		detectors.tracksMissing(next.missing);
		detectors.retarget(publisher.track('camera'), publisher.track('microphone'));
		inputs.onsnapshot(next, publisher);
	});
	return { publisher, reporter, detectors };
}
