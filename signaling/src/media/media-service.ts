/**
 * The media handshake of an exam room, in one readable flow (after mediasoup-demo's Room):
 *
 *   candidate:join → transport:create(send) → transport:connect → produce ×3 (the recorder,
 *   observing the rooms, records each one; nothing here starts or stops a recording)
 *   proctor:join   → transport:create(recv) → transport:connect → consume → consumer:resume
 *
 * A candidate's short network drop (#12) keeps the attempt: the page restarts ICE on the
 * same transports (transport:restartIce) and, when the socket itself came back as a new
 * one, re-attaches it with candidate:resume. The node holds the dropped peer for
 * MEDIA_DROP_GRACE_MS and shows proctors `reconnecting` meanwhile; only then does the
 * attempt end.
 *
 * Every method receives the caller's verified identity (`Caller`); all role and ownership
 * checks happen here, before the sfu is touched. Persistent facts (attempts, session
 * start, audit entries) go to PostgreSQL; the live picture stays in memory per node.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type * as ms from 'mediasoup/types';
import { MediaPeer, type MediaConfig, type RoomRegistry, type Source } from '@proctor/sfu';
import {
  appendAction,
  endAttempt,
  getSessionForJoin,
  getUserById,
  isProctorAssigned,
  markFinished,
  markStarted,
  startAttempt,
  type AttemptEndReason,
  type DB,
} from '@proctor/db';
import type { RecordingService } from '@proctor/recorder';
import type { ClusterHome, PushName, PushOf, RequestOf, ResponseOf } from '../contract/events.ts';
import type { IceConfig } from '../config.ts';
import { iceOptionsFor } from './ice-servers.ts';
import type { TokenClaims } from '../contract/token.ts';
import { RequestError } from '../socket/ack.ts';
import { LiveExam, attemptOf, peerView, producerInfo, type CandidateLive } from './live-exam.ts';
import { ConnectionLog } from './connection-log.ts';
import { watchRtpActivity } from './rtp-activity.ts';
import { KeyFrames } from './key-frames.ts';
import type { EventBus } from '../events/event-bus.ts';

export interface PushSink {
  toProctors<E extends PushName>(examId: string, event: E, payload: PushOf<E>): void;
  toSocket<E extends PushName>(socketId: string, event: E, payload: PushOf<E>): void;
  joinProctorChannel(socketId: string, examId: string): void;
  disconnect(socketId: string, reason: string): void;
}

/** Per-socket state kept by the connection handler and passed back on every call. */
export interface Caller {
  socketId: string;
  claims: TokenClaims;
  examId?: string;
  peer?: MediaPeer;
}

export interface MediaServiceDeps {
  db: Kysely<DB>;
  rooms: RoomRegistry;
  recordings: RecordingService;
  media: MediaConfig;
  push: PushSink;
  nodeId: string;
  log: Logger;
  /** Domain events (`session.started`, `session.finished`): pushes, action log and webhooks subscribe. */
  events: EventBus;
  /** TURN servers and ICE policy for browsers' transports; omitted = none. */
  ice?: IceConfig;
  /** Several media nodes: who holds each exam's room (cluster/room-ownership.ts); omitted = always this node. */
  ownership?: RoomGate;
  /** How long a candidate whose socket dropped keeps their attempt for `candidate:resume`; default 30 s. */
  dropGraceMs?: number;
}

export const DEFAULT_DROP_GRACE_MS = 30_000;

/** The part of RoomOwnership the media flow needs. */
export interface RoomGate {
  claim(examId: string): Promise<{ mine: boolean; nodeUrl: string }>;
  release(examId: string): Promise<void>;
  /** Given to joined clients when nodes share one entry address. */
  readonly home: ClusterHome | undefined;
}

export class MediaService {
  readonly #exams = new Map<string, LiveExam>();
  readonly #connections: ConnectionLog;
  readonly #keyFrames = new KeyFrames();

  constructor(private readonly deps: MediaServiceDeps) {
    this.#connections = new ConnectionLog(deps.db, deps.log);
    deps.rooms.on('roomLost', (examId, reason) => void this.#onRoomLost(examId, reason));
  }

  // ── Joining ────────────────────────────────────────────────────────────────

  async candidateJoin(caller: Caller): Promise<ResponseOf<'candidate:join'>> {
    const { claims } = caller;
    if (claims.role !== 'candidate') throw new RequestError('forbidden', 'only candidates join as candidates');
    const session = await getSessionForJoin(this.deps.db, claims.sessionId);
    if (!session) throw new RequestError('not_found', 'exam session not found');
    if (session.archived || session.status === 'finished') {
      throw new RequestError('forbidden', 'this exam session is closed');
    }
    await this.#assertRoomHere(session.examId);

    const exam = this.#exam(session.examId);
    const previous = exam.candidates.get(session.sessionId);
    if (previous?.peer && previous.socketId === caller.socketId) {
      // The page rejoins on the same socket after its transport failed: that attempt is over.
      await this.#dropCandidate(exam, previous, 'disconnected');
    } else if (previous?.peer && previous.dropTimer) {
      // Dropped and held for a resume, but this page joins afresh (it was reloaded): the
      // held attempt is over; the old socket is already gone.
      await this.#dropCandidate(exam, previous, 'disconnected');
    } else if (previous?.peer) {
      // The same candidate opened a second tab or came back before the old socket timed
      // out: the newest connection wins, the old one's attempt ends as "replaced".
      await this.#dropCandidate(exam, previous, 'replaced');
      this.deps.push.disconnect(previous.socketId, 'replaced by a newer connection');
    }

    const room = await this.deps.rooms.getOrCreate(session.examId);
    const now = new Date();
    const attempt = await startAttempt(this.deps.db, { sessionId: session.sessionId, nodeId: this.deps.nodeId, at: now });
    this.#connections.record(session.sessionId, attempt.id, attempt.number === 1 ? 'joined' : 'reconnected');
    if (await markStarted(this.deps.db, session.sessionId, now)) {
      void this.deps.events.publish('session.started', { sessionId: session.sessionId, examId: session.examId, at: now.toISOString() });
    }
    // Not awaited, like session.started: subscribers (webhooks) must not delay the join.
    void this.deps.events.publish('attempt.started', { sessionId: session.sessionId, examId: session.examId, attempt: attempt.number, at: now.toISOString() });

    const peer = new MediaPeer(room, caller.socketId, this.deps.media.maxIncomingBitrate);
    const live: CandidateLive = {
      sessionId: session.sessionId,
      candidateName: session.candidateName,
      candidateIin: session.candidateIin,
      socketId: caller.socketId,
      peer,
      attemptId: attempt.id,
      attemptNumber: attempt.number,
      state: 'connected',
    };
    exam.candidates.set(session.sessionId, live);
    caller.examId = session.examId;
    caller.peer = peer;
    this.deps.push.toProctors(session.examId, 'peer:state', peerView(live));
    this.deps.log.info({ sessionId: session.sessionId, attempt: attempt.number }, 'candidate joined');
    return {
      sessionId: session.sessionId,
      examId: session.examId,
      attempt: attempt.number,
      mediaProfile: session.mediaProfile,
      routerRtpCapabilities: room.rtpCapabilities as ResponseOf<'candidate:join'>['routerRtpCapabilities'],
      ...this.#home(),
    };
  }

  /**
   * #12: the same candidate (token → session) on a new socket takes over the peer the node
   * still holds — its transports, producers, recordings and attempt go on unchanged. If the
   * node has not noticed the old socket is dead yet (ping timeout), it is closed now; its
   * later disconnect no longer owns the session and changes nothing.
   */
  async candidateResume(caller: Caller): Promise<ResponseOf<'candidate:resume'>> {
    const { claims } = caller;
    if (claims.role !== 'candidate') throw new RequestError('forbidden', 'only candidates resume a candidate connection');
    const session = await getSessionForJoin(this.deps.db, claims.sessionId);
    if (!session) throw new RequestError('not_found', 'exam session not found');
    if (session.archived || session.status === 'finished') throw new RequestError('forbidden', 'this exam session is closed');
    const exam = this.#exams.get(session.examId);
    const live = exam?.candidates.get(session.sessionId);
    if (!exam || !live?.peer || live.peer.closed) throw new RequestError('not_found', 'nothing to resume here; join again');
    clearTimeout(live.dropTimer);
    live.dropTimer = undefined;
    const oldSocketId = live.socketId;
    live.socketId = caller.socketId;
    caller.examId = exam.examId;
    caller.peer = live.peer;
    if (oldSocketId !== caller.socketId) this.deps.push.disconnect(oldSocketId, 'resumed on a newer connection');
    // The socket may come back before the media path does (ICE restart still under way).
    this.#setState(exam, live, live.mediaDown?.() ? 'reconnecting' : 'connected');
    this.deps.log.info({ sessionId: live.sessionId, attempt: live.attemptNumber }, 'candidate resumed');
    return {
      sessionId: live.sessionId,
      examId: exam.examId,
      attempt: live.attemptNumber,
      producers: peerView(live).producers,
    };
  }

  async candidateFinish(caller: Caller): Promise<ResponseOf<'candidate:finish'>> {
    const live = this.#candidate(caller);
    const exam = this.#exams.get(caller.examId!)!;
    await this.#dropCandidate(exam, live, 'finished');
    const at = new Date();
    await markFinished(this.deps.db, live.sessionId, at);
    // The action log, settling open findings and the Results push are subscribers.
    await this.deps.events.publish('session.finished', {
      sessionId: live.sessionId,
      examId: exam.examId,
      at: at.toISOString(),
      by: 'candidate',
      proctorUserId: null,
      reason: null,
      attempt: live.attemptNumber,
    });
    this.deps.log.info({ sessionId: live.sessionId, attempt: live.attemptNumber }, 'candidate finished the exam');
    return { endedAt: at.toISOString() };
  }

  async proctorJoin(caller: Caller, { examId }: RequestOf<'proctor:join'>): Promise<ResponseOf<'proctor:join'>> {
    const { claims } = caller;
    if (claims.role === 'candidate') throw new RequestError('forbidden', 'candidates cannot watch other candidates');
    if (caller.peer && !caller.peer.closed) throw new RequestError('conflict', 'already joined');
    if (claims.role === 'proctor' && !(await isProctorAssigned(this.deps.db, claims.userId, examId))) {
      throw new RequestError('forbidden', 'you are not assigned to this exam');
    }
    await this.#assertRoomHere(examId);
    const room = await this.deps.rooms.getOrCreate(examId);
    const exam = this.#exam(examId);
    exam.proctorSockets.add(caller.socketId);
    caller.examId = examId;
    caller.peer = new MediaPeer(room, caller.socketId, this.deps.media.maxIncomingBitrate);
    this.deps.push.joinProctorChannel(caller.socketId, examId);

    // Audit: who opened the live view of which exam.
    const user = await getUserById(this.deps.db, claims.userId);
    await appendAction(this.deps.db, {
      actorUserId: claims.userId,
      actorName: user?.fullName ?? '',
      actorIin: user?.iin ?? '',
      sessionId: null,
      action: 'live_view_opened',
      details: { examId },
    });

    return {
      examId,
      routerRtpCapabilities: room.rtpCapabilities as ResponseOf<'proctor:join'>['routerRtpCapabilities'],
      candidates: [...exam.candidates.values()].map(peerView),
      ...this.#home(),
    };
  }

  /** A proctor of this exam (joined on this socket) messages one of its connected candidates. */
  async warnCandidate(caller: Caller, { sessionId, message }: RequestOf<'proctor:warn'>): Promise<ResponseOf<'proctor:warn'>> {
    const { claims } = caller;
    if (claims.role === 'candidate') throw new RequestError('forbidden', 'only proctors send warnings');
    const exam = caller.examId ? this.#exams.get(caller.examId) : undefined;
    if (!exam || !exam.proctorSockets.has(caller.socketId)) throw new RequestError('bad_request', 'join the exam first');
    const live = exam.candidates.get(sessionId);
    if (!live?.peer) throw new RequestError('not_found', 'this candidate is not connected');
    const at = new Date();
    this.deps.push.toSocket(live.socketId, 'candidate:warning', { message, at: at.toISOString() });
    const user = await getUserById(this.deps.db, claims.userId);
    await appendAction(this.deps.db, {
      actorUserId: claims.userId,
      actorName: user?.fullName ?? '',
      actorIin: user?.iin ?? '',
      sessionId,
      action: 'proctor.warning_sent',
      details: { message },
    });
    return { sentAt: at.toISOString() };
  }

  /**
   * A proctor of this exam (joined on this socket) stops a connected candidate's exam: the
   * candidate is told first (their page closes the test), then the attempt ends as
   * "kicked" and the session is finished, as if they had handed it in.
   */
  async stopCandidate(caller: Caller, { sessionId, reason }: RequestOf<'proctor:stop'>): Promise<ResponseOf<'proctor:stop'>> {
    const { claims } = caller;
    if (claims.role === 'candidate') throw new RequestError('forbidden', 'only proctors stop exams');
    const exam = caller.examId ? this.#exams.get(caller.examId) : undefined;
    if (!exam || !exam.proctorSockets.has(caller.socketId)) throw new RequestError('bad_request', 'join the exam first');
    const live = exam.candidates.get(sessionId);
    if (!live?.peer) throw new RequestError('not_found', 'this candidate is not connected');
    const at = new Date();
    this.deps.push.toSocket(live.socketId, 'candidate:stopped', { reason, at: at.toISOString() });
    await this.#dropCandidate(exam, live, 'kicked');
    await markFinished(this.deps.db, sessionId, at);
    await this.deps.events.publish('session.finished', {
      sessionId,
      examId: exam.examId,
      at: at.toISOString(),
      by: 'proctor',
      proctorUserId: claims.userId,
      reason,
      attempt: live.attemptNumber,
    });
    this.deps.log.info({ sessionId, attempt: live.attemptNumber }, 'proctor stopped the exam');
    return { endedAt: at.toISOString() };
  }

  // ── Transports ─────────────────────────────────────────────────────────────

  async createTransport(caller: Caller, { direction }: RequestOf<'transport:create'>): Promise<ResponseOf<'transport:create'>> {
    const peer = this.#peer(caller);
    const role = caller.claims.role;
    if (direction === 'recv' && role === 'candidate') throw new RequestError('forbidden', 'candidates cannot receive media');
    if (direction === 'send' && role !== 'candidate') throw new RequestError('forbidden', 'proctors cannot publish media');
    const t = await peer.createTransport(direction);
    if (direction === 'send' && caller.claims.role === 'candidate') {
      const exam = this.#exams.get(caller.examId!);
      const live = exam?.candidates.get(caller.claims.sessionId);
      this.#connections.watchSendTransport(t, caller.claims.sessionId, live?.attemptId ?? null);
      if (exam && live) this.#watchSendIce(exam, live, t);
    }
    // The TURN username names who allocated, so coturn's log can be matched to a session or user.
    const label = caller.claims.role === 'candidate' ? `candidate-${caller.claims.sessionId}` : `${caller.claims.role}-${caller.claims.userId}`;
    return {
      id: t.id,
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates as unknown as Record<string, unknown>[],
      dtlsParameters: t.dtlsParameters,
      ...(this.deps.ice ? iceOptionsFor(this.deps.ice, label) : {}),
    };
  }

  async connectTransport(caller: Caller, req: RequestOf<'transport:connect'>): Promise<ResponseOf<'transport:connect'>> {
    await this.#peer(caller).connectTransport(req.transportId, req.dtlsParameters as ms.DtlsParameters);
    return {};
  }

  async restartIce(caller: Caller, req: RequestOf<'transport:restartIce'>): Promise<ResponseOf<'transport:restartIce'>> {
    return { iceParameters: await this.#peer(caller).restartIce(req.transportId) };
  }

  // ── Publishing (candidates) ────────────────────────────────────────────────

  async produce(caller: Caller, req: RequestOf<'produce'>): Promise<ResponseOf<'produce'>> {
    const live = this.#candidate(caller);
    const peer = this.#peer(caller);
    // The room announces the producer with these tags, and the recorder (observing the
    // rooms) records it from its own router; its close stops the recording the same way.
    const producer = await peer.produce(req.transportId, req.source, req.kind, req.rtpParameters as ms.RtpParameters, {
      sessionId: live.sessionId,
      attemptId: live.attemptId!,
      attemptNumber: live.attemptNumber,
    });
    const examId = caller.examId!;
    producer.observer.once('close', () => {
      this.deps.push.toProctors(examId, 'producer:closed', { sessionId: live.sessionId, ...attemptOf(live), producerId: producer.id });
    });
    // Proctors see the stream at once (#12 fast join); the recorder follows the room's
    // producer announcements by itself (recorder/README.md).
    this.deps.push.toProctors(examId, 'producer:new', {
      sessionId: live.sessionId,
      ...attemptOf(live),
      producer: producerInfo(req.source, producer),
    });
    // After a drop, every consumer of this video (proctors and the recorder) asks for a key frame.
    this.#keyFrames.watch(peer.room.routerOf(producer.id).router);
    return { producerId: producer.id };
  }

  async closeProducer(caller: Caller, { producerId }: RequestOf<'producer:close'>): Promise<ResponseOf<'producer:close'>> {
    this.#candidate(caller);
    this.#peer(caller).closeProducer(producerId);
    return {};
  }

  // ── Watching (proctors) ────────────────────────────────────────────────────

  async consume(caller: Caller, req: RequestOf<'consume'>): Promise<ResponseOf<'consume'>> {
    if (caller.claims.role === 'candidate') throw new RequestError('forbidden', 'candidates cannot receive media');
    const peer = this.#peer(caller);
    const found = this.#exams.get(caller.examId!)?.findProducer(req.producerId);
    if (!found) throw new RequestError('not_found', 'no such stream in this exam');
    const consumer = await peer.consume(req.transportId, found.producer, req.rtpCapabilities as ms.RtpCapabilities, {
      sessionId: found.candidate.sessionId,
      source: found.source,
    });
    const tell = () => this.deps.push.toSocket(caller.socketId, 'consumer:closed', { consumerId: consumer.id });
    const exam = this.#exams.get(caller.examId!);
    exam?.consumers.add(consumer);
    consumer.observer.once('close', () => exam?.consumers.delete(consumer));
    consumer.on('producerclose', tell);
    consumer.on('transportclose', tell);
    return {
      consumerId: consumer.id,
      producerId: found.producer.id,
      sessionId: found.candidate.sessionId,
      source: found.source,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
    };
  }

  async resumeConsumer(caller: Caller, { consumerId }: RequestOf<'consumer:resume'>): Promise<ResponseOf<'consumer:resume'>> {
    const consumer = this.#peer(caller).consumer(consumerId);
    await consumer.resume();
    // The proctor's tile shows a picture as soon as a key frame arrives: ask for one now
    // rather than wait for the decoder's own request (#12 fast join).
    if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
    return {};
  }

  async closeConsumer(caller: Caller, { consumerId }: RequestOf<'consumer:close'>): Promise<ResponseOf<'consumer:close'>> {
    this.#peer(caller).consumer(consumerId).close();
    return {};
  }

  async setConsumerLayers(caller: Caller, req: RequestOf<'consumer:setLayers'>): Promise<ResponseOf<'consumer:setLayers'>> {
    const consumer = this.#peer(caller).consumer(req.consumerId);
    if (consumer.type !== 'simulcast') throw new RequestError('bad_request', 'this stream has a single layer');
    // The exam's media profile (#11) decides how many layers a camera sends (2 or 3): the
    // focus view asks for the highest, which is the last one the producer has.
    const layers = this.#exams.get(caller.examId ?? '')?.findProducer(consumer.producerId)?.producer.rtpParameters.encodings?.length ?? 1;
    const spatialLayer = Math.min(req.spatialLayer, Math.max(0, layers - 1));
    await consumer.setPreferredLayers({ spatialLayer, temporalLayer: req.temporalLayer ?? 2 });
    return {};
  }

  // ── Leaving ────────────────────────────────────────────────────────────────

  async disconnected(caller: Caller, reason: string): Promise<void> {
    const examId = caller.examId;
    if (!examId) return;
    const exam = this.#exams.get(examId);
    if (!exam) return;
    if (caller.claims.role === 'candidate') {
      const live = exam.candidates.get(caller.claims.sessionId);
      // Only the connection that currently owns the session ends (or holds) its attempt.
      if (live?.peer && live.socketId === caller.socketId) {
        // The page closing its socket on purpose is a leave, the server cutting it on purpose
        // ends the attempt; anything else (network cut, ping timeout, laptop lid) may come
        // back within the grace and keeps the attempt.
        if (reason === 'client namespace disconnect') await this.#dropCandidate(exam, live, 'left');
        else if (reason === 'server namespace disconnect') await this.#dropCandidate(exam, live, 'disconnected');
        else this.#holdForResume(exam, live);
      }
    } else {
      caller.peer?.close();
      exam.proctorSockets.delete(caller.socketId);
    }
    caller.peer = undefined;
    await this.#releaseIfEmpty(exam);
  }

  /** Keep a dropped candidate's peer for the grace; proctors see `reconnecting` meanwhile. */
  #holdForResume(exam: LiveExam, live: CandidateLive): void {
    clearTimeout(live.dropTimer);
    this.#setState(exam, live, 'reconnecting');
    live.dropTimer = setTimeout(() => {
      live.dropTimer = undefined;
      this.#dropCandidate(exam, live, 'disconnected')
        .then(() => this.#releaseIfEmpty(exam))
        .catch((err: unknown) => this.deps.log.error({ err, sessionId: live.sessionId }, 'ending a dropped attempt failed'));
    }, this.deps.dropGraceMs ?? DEFAULT_DROP_GRACE_MS);
    this.deps.log.info({ sessionId: live.sessionId, attempt: live.attemptNumber }, 'candidate dropped; holding the attempt for a resume');
  }

  /**
   * The node notices a cut media path (#12) long before the socket's ping timeout: RTP stops
   * arriving on the send transport (within ~1 s, rtp-activity.ts), or its ICE goes
   * `disconnected` / DTLS fails. Media flowing again (after the page's ICE restart) = live
   * again, unless the socket is still gone; the proctors' decoders get a key frame at once.
   */
  #watchSendIce(exam: LiveExam, live: CandidateLive, transport: ms.WebRtcTransport): void {
    const peer = live.peer;
    const current = () => live.peer === peer && exam.candidates.get(live.sessionId) === live;
    const down = { ice: false, dtls: false, rtp: false };
    live.mediaDown = () => down.ice || down.dtls || down.rtp;
    const update = () => {
      if (!current()) return;
      if (down.ice || down.dtls || down.rtp) this.#setState(exam, live, 'reconnecting');
      else if (!live.dropTimer) this.#setState(exam, live, 'connected');
    };
    transport.on('icestatechange', (state) => {
      down.ice = state === 'disconnected';
      update();
    });
    transport.on('dtlsstatechange', (state) => {
      down.dtls = state === 'failed';
      update();
    });
    watchRtpActivity(transport, (active) => {
      const wasDown = down.rtp;
      down.rtp = !active;
      update();
      if (active && wasDown && current()) this.#requestKeyFrames(exam, live);
    });
  }

  /**
   * The candidate's media is back: every consumer of its video (proctors' tiles, recorders)
   * asks for a key frame, so pictures and recordings go on at once instead of at the next
   * key frame the browser happens to send.
   */
  #requestKeyFrames(exam: LiveExam, live: CandidateLive): void {
    const producerIds = [...(live.peer?.producers.values() ?? [])].map((p) => p.id);
    this.#keyFrames.request(producerIds);
    for (const consumer of exam.consumers) {
      if (consumer.kind === 'video' && !consumer.closed && producerIds.includes(consumer.producerId)) {
        consumer.requestKeyFrame().catch(() => undefined);
      }
    }
  }

  #setState(exam: LiveExam, live: CandidateLive, state: CandidateLive['state']): void {
    if (live.state === state) return;
    live.state = state;
    this.deps.push.toProctors(exam.examId, 'peer:state', peerView(live));
  }

  async #releaseIfEmpty(exam: LiveExam): Promise<void> {
    const examId = exam.examId;
    if (!exam.empty || this.#exams.get(examId) !== exam) return;
    this.#exams.delete(examId);
    await this.deps.rooms.release(examId);
    // Someone may have joined meanwhile; a release racing a join is healed by the next renewal.
    if (!this.#exams.has(examId)) await this.deps.ownership?.release(examId);
  }

  /** Exams with a live room on this node (their leases are renewed). */
  liveExamIds(): string[] {
    return [...this.#exams.keys()];
  }

  /** Who is in the live rooms here right now (metrics). */
  liveCounts(): { candidates: number; proctors: number; rooms: number } {
    let candidates = 0;
    let proctors = 0;
    for (const exam of this.#exams.values()) {
      for (const c of exam.candidates.values()) if (c.peer) candidates++;
      proctors += exam.proctorSockets.size;
    }
    return { candidates, proctors, rooms: this.#exams.size };
  }

  /**
   * Another node took these rooms over (this node stalled past its lease): end the attempts
   * here and tell every client to rejoin; their join is refused as `moved`, and the pages
   * reopen their links, which lead to the new holder.
   */
  async roomsMoved(examIds: string[]): Promise<void> {
    for (const examId of examIds) {
      const exam = this.#exams.get(examId);
      if (!exam) continue;
      this.#exams.delete(examId);
      for (const live of exam.candidates.values()) {
        if (!live.peer) continue;
        await this.#dropCandidate(exam, live, 'room_moved');
        this.deps.push.toSocket(live.socketId, 'media:rejoin', { reason: 'the exam moved to another server' });
      }
      this.deps.push.toProctors(examId, 'media:rejoin', { reason: 'the exam moved to another server' });
      await this.deps.rooms.release(examId);
    }
  }

  /** Node shutdown: end every attempt cleanly so recordings and rows are complete. */
  async shutdown(): Promise<void> {
    for (const exam of this.#exams.values()) {
      for (const live of exam.candidates.values()) if (live.peer) await this.#dropCandidate(exam, live, 'node_shutdown');
    }
  }

  // ── Internals ──────────────────────────────────────────────────────────────

  async #dropCandidate(exam: LiveExam, live: CandidateLive, reason: AttemptEndReason): Promise<void> {
    const peer = live.peer;
    if (!peer) return;
    clearTimeout(live.dropTimer);
    live.dropTimer = undefined;
    live.peer = undefined;
    live.state = 'disconnected';
    // The attempt ends now, at the drop.
    const at = new Date();
    peer.close(); // closes producers → the room announces it → the recorder stops their tracks
    if (live.attemptId) {
      await endAttempt(this.deps.db, live.attemptId, { at, reason });
      void this.deps.events.publish('attempt.ended', { sessionId: live.sessionId, examId: exam.examId, attempt: live.attemptNumber, reason, at: at.toISOString() });
    }
    this.#connections.record(live.sessionId, live.attemptId ?? null, reason === 'left' || reason === 'finished' ? 'left' : 'disconnected');
    // If the candidate joined again meanwhile, the new attempt's state is the current one
    // and this ended attempt's push would overwrite it.
    if (exam.candidates.get(live.sessionId) === live) this.deps.push.toProctors(exam.examId, 'peer:state', peerView(live));
    this.deps.log.info({ sessionId: live.sessionId, attempt: live.attemptNumber, reason }, 'candidate left');
  }

  async #onRoomLost(examId: string, reason: string): Promise<void> {
    const exam = this.#exams.get(examId);
    if (!exam) return;
    this.deps.log.warn({ examId, reason }, 'media room lost; asking clients to rejoin');
    for (const live of exam.candidates.values()) {
      if (!live.peer) continue;
      const socketId = live.socketId;
      await this.#dropCandidate(exam, live, 'worker_died');
      this.deps.push.toSocket(socketId, 'media:rejoin', { reason: 'media server restarted' });
    }
    this.deps.push.toProctors(examId, 'media:rejoin', { reason: 'media server restarted' });
    // Callers still hold their closed peers; `peer.closed` lets them join again.
    this.#exams.delete(examId);
  }

  async #assertRoomHere(examId: string): Promise<void> {
    const owner = await this.deps.ownership?.claim(examId);
    if (owner && !owner.mine) throw new RequestError('moved', `this exam is served by ${owner.nodeUrl}; open the link again`);
  }

  #home(): { cluster?: ClusterHome } {
    const home = this.deps.ownership?.home;
    return home ? { cluster: home } : {};
  }

  #exam(examId: string): LiveExam {
    let exam = this.#exams.get(examId);
    if (!exam) this.#exams.set(examId, (exam = new LiveExam(examId)));
    return exam;
  }

  #peer(caller: Caller): MediaPeer {
    if (caller.peer?.closed) throw new RequestError('unavailable', 'media server restarted; rejoin');
    if (!caller.peer) throw new RequestError('bad_request', 'join first');
    return caller.peer;
  }

  #candidate(caller: Caller): CandidateLive {
    if (caller.claims.role !== 'candidate') throw new RequestError('forbidden', 'only candidates publish media');
    const live = this.#exams.get(caller.examId ?? '')?.candidates.get(caller.claims.sessionId);
    if (!live || live.socketId !== caller.socketId || !live.peer) throw new RequestError('bad_request', 'join first');
    return live;
  }
}
