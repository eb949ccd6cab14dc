/**
 * Candidate side: publish camera (simulcast VP8), microphone (Opus mono, DTX) and the
 * entire screen (one layer for reading: `contentHint` 'detail', few frames) through one
 * mediasoup send transport, at the exam's media profile (#11; the numbers live in
 * @proctor/values MEDIA_PROFILES, the exam's choice comes with `candidate:join`), and keep
 * doing so across socket drops, transport failures and `media:rejoin`, re-running the
 * whole handshake with the SAME local tracks (the user is never prompted again).
 */
import type { Device } from 'mediasoup-client';
import type { Producer, RtpCodecCapability, RtpEncodingParameters, Transport } from 'mediasoup-client/types';
import type { MediaSource, RequestOf } from '@proctor/signaling/contract';
import { DEFAULT_MEDIA_PROFILE, MEDIA_SOURCES, type MediaProfile, type MediaProfileId } from '@proctor/values';
import { fitToProfile, mediaProfile } from './capture.ts';
import { iceCandidateType } from './debug.ts';
import { ReconnectLoop, type LoopStatus, type Session } from './reconnect.ts';
import type { NodeMove } from './node-move.ts';
import { joinRoom, loadDevice, openTransport, RoomClient } from './room-client.ts';
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

interface LiveSession {
	session: Session;
	device: Device;
	transport: Transport;
	producers: Map<MediaSource, Producer>;
}

export class Publisher extends RoomClient<PublisherSnapshot> {
	protected readonly loop: ReconnectLoop;
	private readonly tracks = new Map<MediaSource, MediaStreamTrack>();
	private readonly trackCleanups = new Map<MediaSource, () => void>();
	private live: LiveSession | null = null;

	constructor(
		private readonly signal: Signal,
		tracks: PublisherTracks,
		/** Several media nodes: follows the exam's room to the node that holds it. */
		private readonly move?: NodeMove,
	) {
		super({
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
		});
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

	/** The profile the page sends at: the exam's, once joined. */
	get profile(): MediaProfile {
		return mediaProfile(this.snaps.current.mediaProfile);
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
		this.update({ missing: this.snaps.current.missing.filter((s) => s !== source) });
		if (live && !live.session.aborted) {
			try {
				await this.produce(live, source, track);
			} catch (error) {
				// The session is broken if producing fails: start over with all tracks.
				this.loop.restart(error instanceof Error ? error : new Error(String(error)));
			}
		}
	}

	/**
	 * How the send transport reaches the server right now: 'host' (directly), 'srflx' (through
	 * NAT), 'relay' (through TURN), or null while not connected. For diagnostics and tests.
	 */
	iceCandidateType(): Promise<string | null> {
		return iceCandidateType(this.live?.transport);
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
		this.snaps.clear();
	}

	private update(patch: Partial<PublisherSnapshot>): void {
		this.snaps.set({ ...this.snaps.current, ...patch });
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
		if (!this.snaps.current.missing.includes(source)) this.update({ missing: [...this.snaps.current.missing, source] });
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
		const join = await joinRoom(() => signal.request('candidate:join', {}), ['unauthenticated', 'forbidden', 'not_found'], this.move);
		session.check();
		this.move?.remember(join.cluster);
		this.update({ attempt: join.attempt, sessionId: join.sessionId, examId: join.examId, mediaProfile: join.mediaProfile });
		await fitToProfile(this.tracks.get('camera'), this.tracks.get('screen'), this.profile);

		const device = await loadDevice(join.routerRtpCapabilities);
		if (!device.canProduce('video')) throw new Error('this browser cannot send video to the server');
		session.check();

		const transport = await openTransport(signal, session, device, 'send');
		const live: LiveSession = { session, device, transport, producers: new Map() };
		session.onCleanup(() => {
			for (const producer of live.producers.values()) if (!producer.closed) producer.close();
			live.producers.clear();
			if (this.live === live) this.live = null;
			this.syncProducers();
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
		if (resumed.attempt !== this.snaps.current.attempt || ours.join() !== theirs.join()) {
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
		const profile = this.profile;
		if (source === 'screen') track.contentHint = profile.screen.contentHint;
		const producer: Producer =
			source === 'microphone'
				? await transport.produce({
						...common,
						// Mono speech; DTX sends almost nothing while the room is silent (the recorder
						// keeps packet arrival times, so silence stays silence of the right length).
						codecOptions: {
							opusStereo: profile.microphone.channels !== 1,
							opusDtx: profile.microphone.dtx,
							opusFec: true,
							opusMaxAverageBitrate: profile.microphone.maxBitrate,
						},
					})
				: await transport.produce({
						...common,
						encodings: source === 'camera' ? cameraEncodings(profile) : screenEncodings(profile),
						codecOptions: { videoGoogleStartBitrate: 1000 },
						...(vp8 ? { codec: vp8 } : {}),
					});
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
