/**
 * Candidate side: publish camera (simulcast VP8), microphone (Opus mono, DTX) and the
 * entire screen (one layer for reading: `contentHint` 'detail', few frames) through one
 * mediasoup send transport, at the exam's media profile (#11; the numbers live in
 * @proctor/values MEDIA_PROFILES, the exam's choice comes with `candidate:join`), and keep
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
import { DEFAULT_MEDIA_PROFILE, MEDIA_PROFILES, MEDIA_SOURCES, type MediaProfile, type MediaProfileId } from '@proctor/values';
import { ReconnectLoop, type LoopStatus, type Session } from './reconnect.ts';
import type { NodeMove } from './node-move.ts';
import { SignalError, type Signal } from './signal.ts';

/**
 * Camera simulcast from the profile's layers, lowest first (the proctor grid plays layer 0,
 * the focused tile the highest; the server clamps a wanted layer to what was sent). Three
 * temporal layers each, so a congested consumer can drop to a lower frame rate.
 */
export function cameraEncodings(profile: MediaProfile): RtpEncodingParameters[] {
	return profile.camera.layers.map((layer) => ({
		scaleResolutionDownBy: layer.scaleResolutionDownBy,
		maxBitrate: layer.maxBitrate,
		maxFramerate: profile.camera.frameRate,
		scalabilityMode: 'L1T3',
	}));
}

/** The screen: one layer, few frames (it is read, not watched for motion). */
export function screenEncodings(profile: MediaProfile): RtpEncodingParameters[] {
	return [{ maxBitrate: profile.screen.maxBitrate, maxFramerate: profile.screen.maxFrameRate }];
}

/** What the candidate page asks getUserMedia for: the profile's size and frame rate. */
export function cameraConstraints(profile: MediaProfile): MediaTrackConstraints {
	const { width, height, frameRate } = profile.camera;
	return { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: frameRate, max: frameRate } };
}

/** The profile of an exam by name (an unknown name, e.g. from an older server, is the default). */
export function mediaProfile(id: MediaProfileId | string | undefined): MediaProfile {
	return MEDIA_PROFILES[id as MediaProfileId] ?? MEDIA_PROFILES[DEFAULT_MEDIA_PROFILE];
}

export const MICROPHONE_CONSTRAINTS: MediaTrackConstraints = {
	echoCancellation: true,
	noiseSuppression: true,
	autoGainControl: true,
};
export function screenOptions(profile: MediaProfile): DisplayMediaStreamOptions {
	const fps = profile.screen.maxFrameRate;
	return {
		video: { displaySurface: 'monitor', frameRate: { ideal: fps, max: fps } },
		audio: false,
		// Chrome-only hints; other browsers ignore them.
		monitorTypeSurfaces: 'include',
		selfBrowserSurface: 'exclude',
		surfaceSwitching: 'exclude',
	} as DisplayMediaStreamOptions;
}

export type PublishedSource = MediaSource;
export type PublisherTracks = Partial<Record<MediaSource, MediaStreamTrack | null>>;

export interface PublisherSnapshot extends LoopStatus {
	/** The server's attempt number from `candidate:join` (0 until the first join). */
	attempt: number;
	sessionId: string | null;
	examId: string | null;
	/** The exam's media profile from `candidate:join` (the default until the first join). */
	mediaProfile: MediaProfileId;
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
		mediaProfile: DEFAULT_MEDIA_PROFILE,
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

	/** The profile the page sends at: the exam's, once joined. */
	get profile(): MediaProfile {
		return mediaProfile(this.snap.mediaProfile);
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
		this.update({ attempt: join.attempt, sessionId: join.sessionId, examId: join.examId, mediaProfile: join.mediaProfile });
		await this.fitTracks();

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

	/**
	 * The camera (and screen) were opened before the page knew the exam's profile, or for
	 * another one: ask the tracks for the profile's size and frame rate. A device that cannot
	 * is sent as it is (the encodings still cap the bitrate).
	 */
	private async fitTracks(): Promise<void> {
		const profile = this.profile;
		const camera = this.tracks.get('camera');
		const screen = this.tracks.get('screen');
		const fits = async (track: MediaStreamTrack, constraints: MediaTrackConstraints) => {
			try {
				await track.applyConstraints(constraints);
			} catch (error) {
				console.warn(`[media] ${track.kind} track keeps its settings`, error);
			}
		};
		if (camera?.readyState === 'live') {
			const s = camera.getSettings();
			const want = profile.camera;
			if (s.width !== want.width || s.height !== want.height || (s.frameRate ?? 0) > want.frameRate + 0.5) {
				await fits(camera, cameraConstraints(profile));
			}
		}
		if (screen?.readyState === 'live') {
			screen.contentHint = profile.screen.contentHint;
			if ((screen.getSettings().frameRate ?? 0) > profile.screen.maxFrameRate + 0.5) {
				await fits(screen, { frameRate: { ideal: profile.screen.maxFrameRate, max: profile.screen.maxFrameRate } });
			}
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
		const profile = this.profile;
		if (source === 'camera') {
			producer = await transport.produce({
				...common,
				encodings: cameraEncodings(profile),
				codecOptions: { videoGoogleStartBitrate: 1000 },
				...(vp8 ? { codec: vp8 } : {}),
			});
		} else if (source === 'screen') {
			track.contentHint = profile.screen.contentHint;
			producer = await transport.produce({
				...common,
				encodings: screenEncodings(profile),
				codecOptions: { videoGoogleStartBitrate: 1000 },
				...(vp8 ? { codec: vp8 } : {}),
			});
		} else {
			producer = await transport.produce({
				...common,
				// Mono speech; DTX sends almost nothing while the room is silent (the recorder
				// keeps packet arrival times, so silence stays silence of the right length).
				codecOptions: {
					opusStereo: profile.microphone.channels !== 1,
					opusDtx: profile.microphone.dtx,
					opusFec: true,
					opusMaxAverageBitrate: profile.microphone.maxBitrate,
				},
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
