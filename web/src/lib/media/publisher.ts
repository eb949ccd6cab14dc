/**
 * Candidate side: publish camera (3 simulcast layers, VP8), microphone (Opus) and the
 * entire screen (one high-bitrate layer) through one mediasoup send transport, and keep
 * doing so across socket drops, transport failures and `media:rejoin`, re-running the
 * whole handshake with the SAME local tracks (the user is never prompted again).
 */
import { Device } from 'mediasoup-client';
import type {
	DtlsParameters,
	IceCandidate,
	IceParameters,
	Producer,
	RtpCapabilities,
	RtpCodecCapability,
	RtpEncodingParameters,
	Transport,
} from 'mediasoup-client/types';
import type { MediaSource, RequestOf } from '@proctor/signaling/contract';
import { MEDIA_SOURCES } from '@proctor/values';
import { ReconnectLoop, type LoopStatus, type Session } from './reconnect.ts';
import type { NodeMove } from './node-move.ts';
import { SignalError, type Signal } from './signal.ts';

/** Camera simulcast: low / medium / high (the proctor grid uses 0, the focused tile 2). */
export const CAMERA_ENCODINGS: RtpEncodingParameters[] = [
	{ scaleResolutionDownBy: 4, maxBitrate: 100_000, scalabilityMode: 'L1T3' },
	{ scaleResolutionDownBy: 2, maxBitrate: 300_000, scalabilityMode: 'L1T3' },
	{ scaleResolutionDownBy: 1, maxBitrate: 900_000, scalabilityMode: 'L1T3' },
];
export const SCREEN_ENCODINGS: RtpEncodingParameters[] = [{ maxBitrate: 1_500_000 }];

/** What the candidate page asks getUserMedia for (1280x720 lets Chrome send all 3 layers). */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
	width: { ideal: 1280 },
	height: { ideal: 720 },
	frameRate: { ideal: 24, max: 30 },
};
export const MICROPHONE_CONSTRAINTS: MediaTrackConstraints = {
	echoCancellation: true,
	noiseSuppression: true,
	autoGainControl: true,
};
export const SCREEN_OPTIONS = {
	video: { displaySurface: 'monitor', frameRate: { ideal: 10, max: 15 } },
	audio: false,
	// Chrome-only hints; other browsers ignore them.
	monitorTypeSurfaces: 'include',
	selfBrowserSurface: 'exclude',
	surfaceSwitching: 'exclude',
} as DisplayMediaStreamOptions;

export type PublishedSource = MediaSource;
export type PublisherTracks = Partial<Record<MediaSource, MediaStreamTrack | null>>;

export interface PublisherSnapshot extends LoopStatus {
	/** The server's attempt number from `candidate:join` (0 until the first join). */
	attempt: number;
	sessionId: string | null;
	examId: string | null;
	/** `since`: when the server accepted the producer (epoch ms), i.e. when publishing began. */
	producers: Array<{ source: MediaSource; producerId: string; since: number }>;
	/** Sources whose track ended (the user stopped sharing): the page must ask again. */
	missing: MediaSource[];
}

const SOURCES: readonly MediaSource[] = MEDIA_SOURCES;

/** Thrown when the entire screen is required but a window/tab was chosen. */
export class WrongSurfaceError extends Error {
	override readonly name = 'WrongSurfaceError';
	constructor(readonly surface: string | undefined) {
		super(`displaySurface is ${surface ?? 'unknown'}, not monitor`);
	}
}

/** Ask for the entire screen; rejects (and stops the track) unless `monitor` was chosen. */
export async function captureEntireScreen(): Promise<MediaStreamTrack> {
	const stream = await navigator.mediaDevices.getDisplayMedia(SCREEN_OPTIONS);
	const [track] = stream.getVideoTracks();
	if (!track) throw new WrongSurfaceError(undefined);
	const surface = track.getSettings().displaySurface;
	if (surface !== 'monitor') {
		for (const t of stream.getTracks()) t.stop();
		throw new WrongSurfaceError(surface);
	}
	track.contentHint = 'detail';
	return track;
}

type Listener = (snapshot: PublisherSnapshot) => void;

interface LiveSession {
	session: Session;
	device: Device;
	transport: Transport;
	producers: Map<MediaSource, Producer>;
}

export class Publisher {
	private readonly loop: ReconnectLoop;
	private readonly listeners = new Set<Listener>();
	private readonly tracks = new Map<MediaSource, MediaStreamTrack>();
	private readonly trackCleanups = new Map<MediaSource, () => void>();
	private live: LiveSession | null = null;
	private snap: PublisherSnapshot = {
		state: 'connecting',
		retry: 0,
		error: null,
		nextRetryAt: null,
		attempt: 0,
		sessionId: null,
		examId: null,
		producers: [],
		missing: [],
	};

	constructor(
		private readonly signal: Signal,
		tracks: PublisherTracks,
		/** Several media nodes: follows the exam's room to the node that holds it. */
		private readonly move?: NodeMove,
	) {
		for (const source of SOURCES) {
			const track = tracks[source];
			if (track) this.adoptTrack(source, track);
		}
		this.loop = new ReconnectLoop(signal, {
			handshake: (session) => this.handshake(session),
			resume: (session) => this.resume(session),
			onStatus: (status) => this.update(status),
		});
	}

	start(): void {
		this.loop.start();
	}

	/** Svelte-store-style subscription: called now and on every change. */
	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		listener(this.snap);
		return () => this.listeners.delete(listener);
	}

	snapshot(): PublisherSnapshot {
		return this.snap;
	}

	track(source: MediaSource): MediaStreamTrack | null {
		return this.tracks.get(source) ?? null;
	}

	/** Hand in a new track for a source (e.g. the screen shared again) and publish it. */
	async setTrack(source: MediaSource, track: MediaStreamTrack): Promise<void> {
		const live = this.live;
		const old = live?.producers.get(source);
		if (old) await this.closeProducer(live!, source, old, true);
		this.tracks.get(source)?.stop();
		this.adoptTrack(source, track);
		this.update({ missing: this.snap.missing.filter((s) => s !== source) });
		if (live && !live.session.aborted) {
			try {
				await this.produce(live, source, track);
			} catch (error) {
				// The session is broken if producing fails: start over with all tracks.
				this.loop.restart(error instanceof Error ? error : new Error(String(error)));
			}
		}
	}

	retryNow(): void {
		this.loop.retryNow();
	}

	/**
	 * How the send transport reaches the server right now: 'host' (directly), 'srflx' (through
	 * NAT), 'relay' (through TURN), or null while not connected. For diagnostics and tests.
	 */
	async iceCandidateType(): Promise<string | null> {
		const transport = this.live?.transport;
		if (!transport || transport.closed) return null;
		const stats = [...(await transport.getStats()).values()] as Array<Record<string, unknown>>;
		const selectedId = stats.find((s) => s.type === 'transport')?.selectedCandidatePairId;
		const pair =
			stats.find((s) => s.type === 'candidate-pair' && s.id === selectedId) ??
			stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
		const local = stats.find((s) => s.type === 'local-candidate' && s.id === pair?.localCandidateId);
		return typeof local?.candidateType === 'string' ? local.candidateType : null;
	}

	/** Stop publishing for good (page closing). Stops the local tracks too. */
	close(): void {
		this.move?.stop();
		this.loop.stop();
		for (const cleanup of this.trackCleanups.values()) cleanup();
		this.trackCleanups.clear();
		for (const track of this.tracks.values()) track.stop();
		this.tracks.clear();
		this.signal.close();
		this.listeners.clear();
	}

	private update(patch: Partial<PublisherSnapshot>): void {
		this.snap = { ...this.snap, ...patch };
		for (const listener of this.listeners) listener(this.snap);
	}

	private syncProducers(): void {
		const producers: PublisherSnapshot['producers'] = [];
		for (const [source, producer] of this.live?.producers ?? []) {
			if (!producer.closed) producers.push({ source, producerId: producer.id, since: producer.appData.since as number });
		}
		this.update({ producers });
	}

	private adoptTrack(source: MediaSource, track: MediaStreamTrack): void {
		this.trackCleanups.get(source)?.();
		this.tracks.set(source, track);
		const onEnded = () => void this.onTrackEnded(source, track);
		track.addEventListener('ended', onEnded);
		this.trackCleanups.set(source, () => track.removeEventListener('ended', onEnded));
	}

	/** The user stopped sharing (browser's "Stop sharing"), or a device went away. */
	private async onTrackEnded(source: MediaSource, track: MediaStreamTrack): Promise<void> {
		if (this.tracks.get(source) !== track) return;
		this.tracks.delete(source);
		this.trackCleanups.get(source)?.();
		this.trackCleanups.delete(source);
		if (!this.snap.missing.includes(source)) this.update({ missing: [...this.snap.missing, source] });
		const live = this.live;
		const producer = live?.producers.get(source);
		if (live && producer) await this.closeProducer(live, source, producer, true);
	}

	private async closeProducer(
		live: LiveSession,
		source: MediaSource,
		producer: Producer,
		tellServer: boolean,
	): Promise<void> {
		live.producers.delete(source);
		if (!producer.closed) producer.close();
		this.syncProducers();
		if (tellServer && this.signal.connected && !live.session.aborted) {
			try {
				await this.signal.request('producer:close', { producerId: producer.id });
			} catch (error) {
				console.warn('[media] producer:close failed', error);
			}
		}
	}

	private async handshake(session: Session): Promise<void> {
		const signal = this.signal;
		let join;
		try {
			join = await signal.request('candidate:join', {});
		} catch (error) {
			if (error instanceof SignalError && error.code === 'moved') {
				error.fatal = true;
				this.move?.moved();
			}
			if (error instanceof SignalError && ['unauthenticated', 'forbidden', 'not_found'].includes(error.code)) {
				error.fatal = true;
			}
			throw error;
		}
		session.check();
		this.move?.remember(join.cluster);
		this.update({ attempt: join.attempt, sessionId: join.sessionId, examId: join.examId });

		const device = new Device();
		await device.load({ routerRtpCapabilities: join.routerRtpCapabilities as RtpCapabilities });
		if (!device.canProduce('video')) throw new Error('this browser cannot send video to the server');
		session.check();

		const options = await signal.request('transport:create', { direction: 'send' });
		session.check();
		const transport = device.createSendTransport({
			id: options.id,
			iceParameters: options.iceParameters as unknown as IceParameters,
			iceCandidates: options.iceCandidates as unknown as IceCandidate[],
			dtlsParameters: options.dtlsParameters as unknown as DtlsParameters,
			iceServers: options.iceServers as RTCIceServer[] | undefined,
			iceTransportPolicy: options.iceTransportPolicy,
		});
		const live: LiveSession = { session, device, transport, producers: new Map() };
		session.watchTransport(transport, signal);
		session.onCleanup(() => {
			for (const producer of live.producers.values()) if (!producer.closed) producer.close();
			live.producers.clear();
			if (this.live === live) this.live = null;
			this.syncProducers();
		});

		transport.on('connect', ({ dtlsParameters }, callback, errback) => {
			signal
				.request('transport:connect', {
					transportId: transport.id,
					dtlsParameters: dtlsParameters as RequestOf<'transport:connect'>['dtlsParameters'],
				})
				.then(() => callback(), errback);
		});
		transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
			signal
				.request('produce', {
					transportId: transport.id,
					kind,
					source: appData.source as MediaSource,
					rtpParameters: rtpParameters as RequestOf<'produce'>['rtpParameters'],
				})
				.then(({ producerId }) => callback({ id: producerId }), errback);
		});

		this.live = live;
		// All three at once (#12 fast join): the transport's ICE/DTLS set-up and the server's
		// answers overlap. Queued camera first (the proctor's grid needs it most), then
		// screen, then microphone.
		const produced = (['camera', 'screen', 'microphone'] as const).map((source) => {
			const track = this.tracks.get(source);
			return track && track.readyState === 'live' ? this.produce(live, source, track) : Promise.resolve();
		});
		await Promise.all(produced);
		session.check();
	}

	/**
	 * The socket came back as a new one (#12): re-attach it to the peer the server still
	 * holds. The transport and producers never stopped; if the server's producers are not
	 * ours (it ended the attempt meanwhile), the session is over and the loop joins afresh.
	 */
	private async resume(session: Session): Promise<void> {
		const live = this.live;
		if (!live || live.session !== session) throw new SignalError('network', 'nothing to resume');
		const resumed = await this.signal.request('candidate:resume', {});
		const ours = [...live.producers.values()].map((p) => p.id).sort();
		const theirs = resumed.producers.map((p) => p.producerId).sort();
		if (resumed.attempt !== this.snap.attempt || ours.join() !== theirs.join()) {
			throw new SignalError('unavailable', 'the server no longer holds this attempt');
		}
	}

	private async produce(live: LiveSession, source: MediaSource, track: MediaStreamTrack): Promise<void> {
		if (live.producers.has(source)) return;
		const { device, transport } = live;
		const vp8 = device.rtpCapabilities.codecs?.find(
			(codec): codec is RtpCodecCapability => codec.mimeType.toLowerCase() === 'video/vp8',
		);
		const common = { track, stopTracks: false, appData: { source } };
		let producer: Producer;
		if (source === 'camera') {
			producer = await transport.produce({
				...common,
				encodings: CAMERA_ENCODINGS.map((e) => ({ ...e })),
				codecOptions: { videoGoogleStartBitrate: 1000 },
				...(vp8 ? { codec: vp8 } : {}),
			});
		} else if (source === 'screen') {
			producer = await transport.produce({
				...common,
				encodings: SCREEN_ENCODINGS.map((e) => ({ ...e })),
				codecOptions: { videoGoogleStartBitrate: 1000 },
				...(vp8 ? { codec: vp8 } : {}),
			});
		} else {
			producer = await transport.produce({
				...common,
				// No DTX: a silent microphone still sends packets, so the recording is continuous
				// and its recorder (ffmpeg probing the stream) starts promptly.
				codecOptions: { opusStereo: false, opusDtx: false, opusFec: true },
			});
		}
		if (live.session.aborted) {
			producer.close();
			return;
		}
		if (this.tracks.get(source) !== track || live.producers.has(source)) {
			// The track ended or was replaced while producing: withdraw this producer.
			producer.close();
			void this.signal.request('producer:close', { producerId: producer.id }).catch(() => undefined);
			return;
		}
		producer.appData.since = Date.now();
		live.producers.set(source, producer);
		producer.on('transportclose', () => {
			if (live.producers.get(source) === producer) live.producers.delete(source);
		});
		this.syncProducers();
	}
}
