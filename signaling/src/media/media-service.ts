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
 * checks happen here, before the sfu is touched, and fail as `DomainError` (the socket
 * adapter turns it into an ack). Persistent facts (attempts, session start, audit entries)
 * go to PostgreSQL; the live picture stays in memory per node (live-rooms.ts: drops, holds
 * for a resume, room release, lost and moved rooms).
 */
import type * as ms from 'mediasoup/types';
import { MediaPeer } from '@proctor/sfu';
import { appendAction, getSessionForJoin, getUserById, isProctorAssigned, markStarted, startAttempt, type AppendActionInput } from '@proctor/db';
import type { ClusterHome, RequestOf, ResponseOf } from '../contract/events.ts';
import type { TokenClaims } from '../contract/token.ts';
import { DomainError } from '../domain/errors.ts';
import { iceOptionsFor } from './ice-servers.ts';
import { attemptOf, peerView, producerInfo, type CandidateLive, type LiveExam } from './live-exam.ts';
import { LiveRooms } from './live-rooms.ts';
import type { Caller, MediaServiceDeps } from './media-types.ts';

export type { Caller, MediaServiceDeps, PushSink, RoomGate } from './media-types.ts';
export { DEFAULT_DROP_GRACE_MS } from './media-types.ts';

export class MediaService {
  readonly #rooms: LiveRooms;

  constructor(private readonly deps: MediaServiceDeps) {
    this.#rooms = new LiveRooms(deps);
  }

  // ── Joining ────────────────────────────────────────────────────────────────

  async candidateJoin(caller: Caller): Promise<ResponseOf<'candidate:join'>> {
    const session = await this.#openSession(caller.claims, 'only candidates join as candidates');
    await this.#assertRoomHere(session.examId);

    const exam = this.#rooms.getOrCreate(session.examId);
    const previous = exam.candidates.get(session.sessionId);
    if (previous?.peer && previous.socketId === caller.socketId) {
      // The page rejoins on the same socket after its transport failed: that attempt is over.
      await this.#rooms.dropCandidate(exam, previous, 'disconnected');
    } else if (previous?.peer && previous.dropTimer) {
      // Dropped and held for a resume, but this page joins afresh (it was reloaded): the
      // held attempt is over; the old socket is already gone.
      await this.#rooms.dropCandidate(exam, previous, 'disconnected');
    } else if (previous?.peer) {
      // The same candidate opened a second tab or came back before the old socket timed
      // out: the newest connection wins, the old one's attempt ends as "replaced".
      await this.#rooms.dropCandidate(exam, previous, 'replaced');
      this.deps.push.disconnect(previous.socketId, 'replaced by a newer connection');
    }

    const room = await this.deps.rooms.getOrCreate(session.examId);
    const now = new Date();
    const attempt = await startAttempt(this.deps.db, { sessionId: session.sessionId, nodeId: this.deps.nodeId, at: now });
    this.#rooms.connections.record(session.sessionId, attempt.id, attempt.number === 1 ? 'joined' : 'reconnected');
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
    const session = await this.#openSession(caller.claims, 'only candidates resume a candidate connection');
    const exam = this.#rooms.get(session.examId);
    const live = exam?.candidates.get(session.sessionId);
    if (!exam || !live?.peer || live.peer.closed) throw new DomainError('not_found', 'nothing to resume here; join again');
    clearTimeout(live.dropTimer);
    live.dropTimer = undefined;
    const oldSocketId = live.socketId;
    live.socketId = caller.socketId;
    caller.examId = exam.examId;
    caller.peer = live.peer;
    if (oldSocketId !== caller.socketId) this.deps.push.disconnect(oldSocketId, 'resumed on a newer connection');
    // The socket may come back before the media path does (ICE restart still under way).
    this.#rooms.setState(exam, live, live.mediaDown?.() ? 'reconnecting' : 'connected');
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
    const exam = this.#rooms.get(caller.examId)!;
    const at = await this.#rooms.finishSession(exam, live, { by: 'candidate', proctorUserId: null, reason: null });
    this.deps.log.info({ sessionId: live.sessionId, attempt: live.attemptNumber }, 'candidate finished the exam');
    return { endedAt: at.toISOString() };
  }

  async proctorJoin(caller: Caller, { examId }: RequestOf<'proctor:join'>): Promise<ResponseOf<'proctor:join'>> {
    const { claims } = caller;
    if (claims.role === 'candidate') throw new DomainError('forbidden', 'candidates cannot watch other candidates');
    if (caller.peer && !caller.peer.closed) throw new DomainError('conflict', 'already joined');
    if (claims.role === 'proctor' && !(await isProctorAssigned(this.deps.db, claims.userId, examId))) {
      throw new DomainError('forbidden', 'you are not assigned to this exam');
    }
    await this.#assertRoomHere(examId);
    const room = await this.deps.rooms.getOrCreate(examId);
    const exam = this.#rooms.getOrCreate(examId);
    exam.proctorSockets.add(caller.socketId);
    caller.examId = examId;
    caller.peer = new MediaPeer(room, caller.socketId, this.deps.media.maxIncomingBitrate);
    this.deps.push.joinProctorChannel(caller.socketId, examId);

    // Audit: who opened the live view of which exam.
    await this.#audit(claims.userId, null, 'live_view_opened', { examId });

    return {
      examId,
      routerRtpCapabilities: room.rtpCapabilities as ResponseOf<'proctor:join'>['routerRtpCapabilities'],
      candidates: [...exam.candidates.values()].map(peerView),
      ...this.#home(),
    };
  }

  /** A proctor of this exam (joined on this socket) messages one of its connected candidates. */
  async warnCandidate(caller: Caller, { sessionId, message }: RequestOf<'proctor:warn'>): Promise<ResponseOf<'proctor:warn'>> {
    const { live, userId } = this.#watchedCandidate(caller, sessionId, 'only proctors send warnings');
    const at = new Date();
    this.deps.push.toSocket(live.socketId, 'candidate:warning', { message, at: at.toISOString() });
    await this.#audit(userId, sessionId, 'proctor.warning_sent', { message });
    return { sentAt: at.toISOString() };
  }

  /**
   * A proctor of this exam (joined on this socket) stops a connected candidate's exam: the
   * candidate is told first (their page closes the test), then the attempt ends as
   * "kicked" and the session is finished, as if they had handed it in.
   */
  async stopCandidate(caller: Caller, { sessionId, reason }: RequestOf<'proctor:stop'>): Promise<ResponseOf<'proctor:stop'>> {
    const { exam, live, userId } = this.#watchedCandidate(caller, sessionId, 'only proctors stop exams');
    const at = new Date();
    this.deps.push.toSocket(live.socketId, 'candidate:stopped', { reason, at: at.toISOString() });
    await this.#rooms.finishSession(exam, live, { by: 'proctor', proctorUserId: userId, reason }, at);
    this.deps.log.info({ sessionId, attempt: live.attemptNumber }, 'proctor stopped the exam');
    return { endedAt: at.toISOString() };
  }

  // ── Transports ─────────────────────────────────────────────────────────────

  async createTransport(caller: Caller, { direction }: RequestOf<'transport:create'>): Promise<ResponseOf<'transport:create'>> {
    const peer = this.#peer(caller);
    const role = caller.claims.role;
    if (direction === 'recv' && role === 'candidate') throw new DomainError('forbidden', 'candidates cannot receive media');
    if (direction === 'send' && role !== 'candidate') throw new DomainError('forbidden', 'proctors cannot publish media');
    const t = await peer.createTransport(direction);
    if (direction === 'send' && caller.claims.role === 'candidate') {
      const exam = this.#rooms.get(caller.examId);
      const live = exam?.candidates.get(caller.claims.sessionId);
      this.#rooms.connections.watchSendTransport(t, caller.claims.sessionId, live?.attemptId ?? null);
      if (exam && live) this.#rooms.watchSendIce(exam, live, t);
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
    this.#rooms.keyFrames.watch(peer.room.routerOf(producer.id).router);
    return { producerId: producer.id };
  }

  async closeProducer(caller: Caller, { producerId }: RequestOf<'producer:close'>): Promise<ResponseOf<'producer:close'>> {
    this.#candidate(caller);
    this.#peer(caller).closeProducer(producerId);
    return {};
  }

  // ── Watching (proctors) ────────────────────────────────────────────────────

  async consume(caller: Caller, req: RequestOf<'consume'>): Promise<ResponseOf<'consume'>> {
    if (caller.claims.role === 'candidate') throw new DomainError('forbidden', 'candidates cannot receive media');
    const peer = this.#peer(caller);
    const found = this.#rooms.get(caller.examId)?.findProducer(req.producerId);
    if (!found) throw new DomainError('not_found', 'no such stream in this exam');
    const consumer = await peer.consume(req.transportId, found.producer, req.rtpCapabilities as ms.RtpCapabilities, {
      sessionId: found.candidate.sessionId,
      source: found.source,
    });
    const tell = () => this.deps.push.toSocket(caller.socketId, 'consumer:closed', { consumerId: consumer.id });
    const exam = this.#rooms.get(caller.examId);
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
    if (consumer.type !== 'simulcast') throw new DomainError('bad_request', 'this stream has a single layer');
    // The exam's media profile (#11) decides how many layers a camera sends (2 or 3): the
    // focus view asks for the highest, which is the last one the producer has.
    const layers = this.#rooms.get(caller.examId)?.findProducer(consumer.producerId)?.producer.rtpParameters.encodings?.length ?? 1;
    const spatialLayer = Math.min(req.spatialLayer, Math.max(0, layers - 1));
    await consumer.setPreferredLayers({ spatialLayer, temporalLayer: req.temporalLayer ?? 2 });
    return {};
  }

  // ── Leaving, and the node's rooms ────────────────────────────────────────

  disconnected(caller: Caller, reason: string): Promise<void> {
    return this.#rooms.disconnected(caller, reason);
  }

  /** Exams with a live room on this node (their leases are renewed). */
  liveExamIds(): string[] {
    return this.#rooms.liveExamIds();
  }

  /** Who is in the live rooms here right now (metrics). */
  liveCounts(): { candidates: number; proctors: number; rooms: number } {
    return this.#rooms.liveCounts();
  }

  /** Another node took these rooms over: end the attempts here and tell every client to rejoin. */
  roomsMoved(examIds: string[]): Promise<void> {
    return this.#rooms.roomsMoved(examIds);
  }

  /** Node shutdown: end every attempt cleanly so recordings and rows are complete. */
  shutdown(): Promise<void> {
    return this.#rooms.shutdown();
  }

  // ── Internals ──────────────────────────────────────────────────────────────

  /** The caller's own exam session, if it may still be taken. */
  async #openSession(claims: TokenClaims, notCandidate: string) {
    if (claims.role !== 'candidate') throw new DomainError('forbidden', notCandidate);
    const session = await getSessionForJoin(this.deps.db, claims.sessionId);
    if (!session) throw new DomainError('not_found', 'exam session not found');
    if (session.archived || session.status === 'finished') throw new DomainError('forbidden', 'this exam session is closed');
    return session;
  }

  /** A connected candidate of the exam a proctor watches on this socket. */
  #watchedCandidate(caller: Caller, sessionId: string, notProctor: string): { exam: LiveExam; live: CandidateLive; userId: string } {
    if (caller.claims.role === 'candidate') throw new DomainError('forbidden', notProctor);
    const exam = this.#rooms.get(caller.examId);
    if (!exam || !exam.proctorSockets.has(caller.socketId)) throw new DomainError('bad_request', 'join the exam first');
    const live = exam.candidates.get(sessionId);
    if (!live?.peer) throw new DomainError('not_found', 'this candidate is not connected');
    return { exam, live, userId: caller.claims.userId };
  }

  /** An action-archive entry by a staff member, with their name and IIN as they are now. */
  async #audit(userId: string, sessionId: string | null, action: AppendActionInput['action'], details: AppendActionInput['details']): Promise<void> {
    const user = await getUserById(this.deps.db, userId);
    await appendAction(this.deps.db, { actorUserId: userId, actorName: user?.fullName ?? '', actorIin: user?.iin ?? '', sessionId, action, details });
  }

  async #assertRoomHere(examId: string): Promise<void> {
    const owner = await this.deps.ownership?.claim(examId);
    if (owner && !owner.mine) throw new DomainError('moved', `this exam is served by ${owner.nodeUrl}; open the link again`);
  }

  #home(): { cluster?: ClusterHome } {
    const home = this.deps.ownership?.home;
    return home ? { cluster: home } : {};
  }

  #peer(caller: Caller): MediaPeer {
    if (caller.peer?.closed) throw new DomainError('unavailable', 'media server restarted; rejoin');
    if (!caller.peer) throw new DomainError('bad_request', 'join first');
    return caller.peer;
  }

  #candidate(caller: Caller): CandidateLive {
    if (caller.claims.role !== 'candidate') throw new DomainError('forbidden', 'only candidates publish media');
    const live = this.#rooms.get(caller.examId)?.candidates.get(caller.claims.sessionId);
    if (!live || live.socketId !== caller.socketId || !live.peer) throw new DomainError('bad_request', 'join first');
    return live;
  }
}
