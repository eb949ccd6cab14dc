/**
 * Proctor side: join an exam room, receive every candidate's camera and microphone, and
 * each candidate's screen while their tile has "show screen" on or is focused. Camera
 * consumers get the low simulcast layer in the grid and the high one when focused.
 * Survives socket drops, transport failures and `media:rejoin` (handshake re-run).
 */
import type { Device } from 'mediasoup-client';
import type { Consumer, RtpParameters, Transport } from 'mediasoup-client/types';
import type { CandidatePeer, MediaSource, PeerState, ProducerInfo, RequestOf } from '@proctor/signaling/contract';
import { framesDecoded, type ConsumerStat } from './debug.ts';
import { reducePeer, type PeerPush } from './peer-order.ts';
import { ReconnectLoop, type LoopStatus, type Session } from './reconnect.ts';
import type { NodeMove } from './node-move.ts';
import { joinRoom, loadDevice, openTransport, RoomClient } from './room-client.ts';
import { SignalError, type Signal } from './signal.ts';

/** Simulcast layer for grid tiles and for the focused (enlarged) candidate. */
export const GRID_LAYER = 0;
export const FOCUS_LAYER = 2;
/** Wait before asking again for a producer whose consume failed. */
const CONSUME_RETRY_MS = 3_000;

export interface CandidateTile {
	sessionId: string;
	candidateName: string;
	state: PeerState;
	attempt: number;
	producers: ProducerInfo[];
	camera: MediaStreamTrack | null;
	microphone: MediaStreamTrack | null;
	screen: MediaStreamTrack | null;
	/** The proctor wants this candidate's screen in the grid. */
	showScreen: boolean;
	/** The proctor listens to this candidate. */
	audio: boolean;
}

export interface ViewerSnapshot extends LoopStatus {
	examId: string;
	candidates: CandidateTile[];
	focused: string | null;
}

interface Entry {
	peer: CandidatePeer;
	showScreen: boolean;
	audio: boolean;
	order: number;
}

interface ConsumerEntry {
	consumer: Consumer;
	sessionId: string;
	source: MediaSource;
	producerId: string;
}

interface LiveRecv {
	session: Session;
	device: Device;
	transport: Transport;
	consumers: Map<string, ConsumerEntry>;
	pending: Set<string>;
	/** producerId → epoch ms before which we don't try consuming it again. */
	holdUntil: Map<string, number>;
}

export class Viewer extends RoomClient<ViewerSnapshot> {
	protected readonly loop: ReconnectLoop;
	private readonly entries = new Map<string, Entry>();
	private readonly offs: Array<() => void> = [];
	private live: LiveRecv | null = null;
	private nextOrder = 0;
	private showAllScreens = false;
	private focused: string | null = null;
	/** Sessions the proctor watches (manual §3.3–3.7); null = everyone. Others are not consumed. */
	private watched: ReadonlySet<string> | null = null;
	private status: LoopStatus = { state: 'connecting', retry: 0, error: null, nextRetryAt: null };
	private reconcileTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly signal: Signal,
		readonly examId: string,
		/** Several media nodes: follows the exam's room to the node that holds it. */
		private readonly move?: NodeMove,
	) {
		super({ state: 'connecting', retry: 0, error: null, nextRetryAt: null, examId, candidates: [], focused: null });
		this.loop = new ReconnectLoop(signal, {
			handshake: (session) => this.handshake(session),
			onStatus: (status) => {
				this.status = status;
				this.emit();
			},
		});
		this.offs.push(
			// A late push of an ended attempt must not overwrite the newer attempt's tile (#12).
			signal.on('peer:state', (push) => this.apply({ type: 'peer:state', push })),
			signal.on('producer:new', (push) => this.apply({ type: 'producer:new', push })),
			signal.on('producer:closed', (push) => this.apply({ type: 'producer:closed', push })),
			signal.on('consumer:closed', ({ consumerId }) => {
				const live = this.live;
				const entry = live?.consumers.get(consumerId);
				if (live && entry) {
					this.dropConsumer(live, entry, false);
					// If its producer still exists it will be consumed again (after a short hold,
					// giving a matching producer:closed time to arrive first).
					live.holdUntil.set(entry.producerId, Date.now() + 500);
					this.scheduleReconcile(600);
				}
				this.emit();
			}),
		);
	}

	setShowScreen(sessionId: string, on: boolean): void {
		const entry = this.entries.get(sessionId);
		if (!entry) return;
		entry.showScreen = on;
		this.reconcile();
	}

	/** "Camera + screen" mode: every tile (present and future) shows the screen too. */
	setShowAllScreens(on: boolean): void {
		this.showAllScreens = on;
		for (const entry of this.entries.values()) entry.showScreen = on;
		this.reconcile();
	}

	setAudio(sessionId: string, on: boolean): void {
		const entry = this.entries.get(sessionId);
		if (!entry) return;
		entry.audio = on;
		this.emit();
	}

	/** Watch only these sessions (their media is consumed, the rest released), or `null` for everyone. */
	setWatched(sessionIds: ReadonlySet<string> | null): void {
		this.watched = sessionIds;
		this.reconcile();
	}

	/** Enlarge one candidate (high simulcast layer + screen), or `null` back to the grid. */
	focus(sessionId: string | null): void {
		if (this.focused === sessionId) return;
		const previous = this.focused;
		this.focused = sessionId;
		const live = this.live;
		if (live) {
			for (const entry of live.consumers.values()) {
				if (entry.source !== 'camera') continue;
				if (entry.sessionId === previous) void this.setLayers(entry.consumer.id, GRID_LAYER);
				if (entry.sessionId === sessionId) void this.setLayers(entry.consumer.id, FOCUS_LAYER);
			}
		}
		this.reconcile();
	}

	/** `window.__media.stats()` for the proctor page: one entry per active consumer. */
	async stats(): Promise<ConsumerStat[]> {
		const live = this.live;
		if (!live) return [];
		const entries = [...live.consumers.values()].filter((e) => !e.consumer.closed);
		return Promise.all(
			entries.map(async ({ consumer, sessionId, source }) => ({ sessionId, source, kind: consumer.kind, framesDecoded: await framesDecoded(consumer) })),
		);
	}

	close(): void {
		clearTimeout(this.reconcileTimer);
		for (const off of this.offs.splice(0)) off();
		this.move?.stop();
		this.loop.stop();
		this.signal.close();
		this.snaps.clear();
	}

	// ——— model ———

	private apply(event: PeerPush): void {
		const next = reducePeer(this.entries.get(event.push.sessionId)?.peer, event);
		if (!next) return;
		this.upsert(next);
		this.reconcile();
	}

	private upsert(peer: CandidatePeer): Entry {
		const existing = this.entries.get(peer.sessionId);
		if (existing) {
			existing.peer = { ...peer, candidateName: peer.candidateName || existing.peer.candidateName };
			return existing;
		}
		const entry: Entry = { peer, showScreen: this.showAllScreens, audio: false, order: this.nextOrder++ };
		this.entries.set(peer.sessionId, entry);
		return entry;
	}

	private wants(entry: Entry, producer: ProducerInfo): boolean {
		if (this.watched && !this.watched.has(entry.peer.sessionId)) return false;
		if (producer.source !== 'screen') return true;
		return entry.showScreen || this.focused === entry.peer.sessionId;
	}

	private emit(): void {
		const live = this.live;
		const tracks = new Map<string, Partial<Record<MediaSource, MediaStreamTrack>>>();
		for (const c of live?.consumers.values() ?? []) {
			if (c.consumer.closed) continue;
			const forSession = tracks.get(c.sessionId) ?? {};
			forSession[c.source] = c.consumer.track; // the newest consumer of a source wins
			tracks.set(c.sessionId, forSession);
		}
		const candidates = [...this.entries.values()]
			.sort((a, b) => a.order - b.order)
			.map((entry): CandidateTile => {
				const own = tracks.get(entry.peer.sessionId) ?? {};
				return {
					sessionId: entry.peer.sessionId,
					candidateName: entry.peer.candidateName,
					state: entry.peer.state,
					attempt: entry.peer.attempt,
					producers: entry.peer.producers,
					camera: own.camera ?? null,
					microphone: own.microphone ?? null,
					screen: own.screen ?? null,
					showScreen: entry.showScreen,
					audio: entry.audio,
				};
			});
		this.snaps.set({ ...this.status, examId: this.examId, candidates, focused: this.focused });
	}

	private scheduleReconcile(ms: number): void {
		clearTimeout(this.reconcileTimer);
		this.reconcileTimer = setTimeout(() => this.reconcile(), ms);
	}

	/** Make the set of consumers match the model: consume what is wanted, close the rest. */
	private reconcile(): void {
		const live = this.live;
		if (live && !live.session.aborted) {
			for (const c of [...live.consumers.values()]) {
				const entry = this.entries.get(c.sessionId);
				const producer = entry?.peer.producers.find((p) => p.producerId === c.producerId);
				if (!entry || !producer) this.dropConsumer(live, c, false);
				else if (!this.wants(entry, producer)) this.dropConsumer(live, c, true);
			}
			const consumed = new Set([...live.consumers.values()].map((c) => c.producerId));
			const now = Date.now();
			let nextHold = Infinity;
			for (const entry of this.entries.values()) {
				for (const producer of entry.peer.producers) {
					const id = producer.producerId;
					if (!this.wants(entry, producer) || consumed.has(id) || live.pending.has(id)) continue;
					const hold = live.holdUntil.get(id) ?? 0;
					if (hold > now) {
						nextHold = Math.min(nextHold, hold);
						continue;
					}
					void this.consume(live, entry.peer.sessionId, producer);
				}
			}
			if (nextHold !== Infinity) this.scheduleReconcile(nextHold - now + 20);
		}
		this.emit();
	}

	private dropConsumer(live: LiveRecv, entry: ConsumerEntry, tellServer: boolean): void {
		live.consumers.delete(entry.consumer.id);
		if (!entry.consumer.closed) entry.consumer.close();
		if (tellServer && this.signal.connected) {
			void this.signal
				.request('consumer:close', { consumerId: entry.consumer.id })
				.catch((error) => console.warn('[media] consumer:close failed', error));
		}
	}

	private async setLayers(consumerId: string, spatialLayer: number): Promise<void> {
		try {
			await this.signal.request('consumer:setLayers', { consumerId, spatialLayer });
		} catch (error) {
			console.warn('[media] consumer:setLayers failed', error);
		}
	}

	private async consume(live: LiveRecv, sessionId: string, producer: ProducerInfo): Promise<void> {
		const producerId = producer.producerId;
		live.pending.add(producerId);
		try {
			const res = await this.signal.request('consume', {
				transportId: live.transport.id,
				producerId,
				rtpCapabilities: live.device.recvRtpCapabilities as RequestOf<'consume'>['rtpCapabilities'],
			});
			if (live.session.aborted) return;
			const consumer = await live.transport.consume({
				id: res.consumerId,
				producerId: res.producerId,
				kind: res.kind,
				rtpParameters: res.rtpParameters as unknown as RtpParameters,
				streamId: `${res.sessionId}-${res.source}`,
				appData: { sessionId: res.sessionId, source: res.source },
			});
			if (live.session.aborted) {
				consumer.close();
				return;
			}
			const entry: ConsumerEntry = { consumer, sessionId: res.sessionId || sessionId, source: res.source, producerId };
			live.consumers.set(consumer.id, entry);
			consumer.on('transportclose', () => live.consumers.delete(consumer.id));
			if (res.source === 'camera') {
				await this.setLayers(consumer.id, this.focused === entry.sessionId ? FOCUS_LAYER : GRID_LAYER);
			}
			await this.signal.request('consumer:resume', { consumerId: consumer.id });
		} catch (error) {
			if (live.session.aborted) return;
			const code = error instanceof SignalError ? error.code : 'media';
			console.warn(`[media] consume ${producer.source} failed (${code})`, error);
			live.holdUntil.set(producerId, Date.now() + (code === 'not_found' ? 10_000 : CONSUME_RETRY_MS));
			if (code === 'network' || code === 'timeout') this.loop.restart(error as Error);
			else this.scheduleReconcile(CONSUME_RETRY_MS);
		} finally {
			live.pending.delete(producerId);
		}
		if (!live.session.aborted) this.reconcile();
	}

	// ——— handshake ———

	private async handshake(session: Session): Promise<void> {
		const signal = this.signal;
		const join = await joinRoom(
			() => signal.request('proctor:join', { examId: this.examId }),
			['unauthenticated', 'forbidden', 'not_found', 'bad_request'],
			this.move,
		);
		session.check();
		this.move?.remember(join.cluster);

		// The server's list is authoritative; candidates we knew but it no longer lists left.
		const listed = new Set(join.candidates.map((c) => c.sessionId));
		for (const [sessionId, entry] of this.entries) {
			if (!listed.has(sessionId)) entry.peer = { ...entry.peer, state: 'disconnected', producers: [] };
		}
		for (const peer of join.candidates) this.upsert(peer);

		const device = await loadDevice(join.routerRtpCapabilities);
		session.check();
		const transport = await openTransport(signal, session, device, 'recv');
		const live: LiveRecv = {
			session,
			device,
			transport,
			consumers: new Map(),
			pending: new Set(),
			holdUntil: new Map(),
		};
		session.onCleanup(() => {
			for (const c of live.consumers.values()) if (!c.consumer.closed) c.consumer.close();
			live.consumers.clear();
			if (this.live === live) this.live = null;
			this.emit();
		});
		this.live = live;
		this.reconcile();
	}
}
