/**
 * The live picture of this node's exam rooms: who is connected, dropped and held for a
 * resume (#12), or watching; how a candidate's attempt ends; when a room is released; what
 * happens when a room is lost (worker died) or moved to another node. media-service.ts runs
 * the handshake on top of it; nothing here checks roles (the handshake did).
 */
import type * as ms from 'mediasoup/types';
import { endAttempt, markFinished, type AttemptEndReason } from '@proctor/db';
import type { DomainEventPayload } from '../contract/domain-events.ts';
import { LiveExam, peerView, type CandidateLive } from './live-exam.ts';
import { ConnectionLog } from './connection-log.ts';
import { watchRtpActivity } from './rtp-activity.ts';
import { KeyFrames } from './key-frames.ts';
import { DEFAULT_DROP_GRACE_MS, type Caller, type MediaServiceDeps } from './media-types.ts';

type FinishedBy = Pick<DomainEventPayload<'session.finished'>, 'by' | 'proctorUserId' | 'reason'>;

export class LiveRooms {
  readonly #exams = new Map<string, LiveExam>();
  readonly connections: ConnectionLog;
  readonly keyFrames = new KeyFrames();

  constructor(private readonly deps: MediaServiceDeps) {
    this.connections = new ConnectionLog(deps.db, deps.log);
    deps.rooms.on('roomLost', (examId, reason) => void this.#onRoomLost(examId, reason));
  }

  get(examId: string | undefined): LiveExam | undefined {
    return examId === undefined ? undefined : this.#exams.get(examId);
  }

  getOrCreate(examId: string): LiveExam {
    let exam = this.#exams.get(examId);
    if (!exam) this.#exams.set(examId, (exam = new LiveExam(examId)));
    return exam;
  }

  /**
   * Ends the attempt and finishes the session at `at` (default: once the attempt has ended),
   * as the candidate handing it in or a proctor stopping it; the action log, settling open
   * findings and the Results push are subscribers.
   */
  async finishSession(exam: LiveExam, live: CandidateLive, finish: FinishedBy, at?: Date): Promise<Date> {
    await this.dropCandidate(exam, live, finish.by === 'candidate' ? 'finished' : 'kicked');
    at ??= new Date();
    await markFinished(this.deps.db, live.sessionId, at);
    await this.deps.events.publish('session.finished', {
      sessionId: live.sessionId,
      examId: exam.examId,
      at: at.toISOString(),
      ...finish,
      attempt: live.attemptNumber,
    });
    return at;
  }

  async disconnected(caller: Caller, reason: string): Promise<void> {
    const exam = this.get(caller.examId);
    if (!exam) return;
    if (caller.claims.role === 'candidate') {
      const live = exam.candidates.get(caller.claims.sessionId);
      // Only the connection that currently owns the session ends (or holds) its attempt.
      if (live?.peer && live.socketId === caller.socketId) {
        // The page closing its socket on purpose is a leave, the server cutting it on purpose
        // ends the attempt; anything else (network cut, ping timeout, laptop lid) may come
        // back within the grace and keeps the attempt.
        if (reason === 'client namespace disconnect') await this.dropCandidate(exam, live, 'left');
        else if (reason === 'server namespace disconnect') await this.dropCandidate(exam, live, 'disconnected');
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
    this.setState(exam, live, 'reconnecting');
    live.dropTimer = setTimeout(() => {
      live.dropTimer = undefined;
      this.dropCandidate(exam, live, 'disconnected')
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
  watchSendIce(exam: LiveExam, live: CandidateLive, transport: ms.WebRtcTransport): void {
    const peer = live.peer;
    const current = () => live.peer === peer && exam.candidates.get(live.sessionId) === live;
    const down = { ice: false, dtls: false, rtp: false };
    live.mediaDown = () => down.ice || down.dtls || down.rtp;
    const update = () => {
      if (!current()) return;
      if (down.ice || down.dtls || down.rtp) this.setState(exam, live, 'reconnecting');
      else if (!live.dropTimer) this.setState(exam, live, 'connected');
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
    this.keyFrames.request(producerIds);
    for (const consumer of exam.consumers) {
      if (consumer.kind === 'video' && !consumer.closed && producerIds.includes(consumer.producerId)) {
        consumer.requestKeyFrame().catch(() => undefined);
      }
    }
  }

  setState(exam: LiveExam, live: CandidateLive, state: CandidateLive['state']): void {
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
      await this.#askToRejoin(exam, 'room_moved', 'the exam moved to another server');
      await this.deps.rooms.release(examId);
    }
  }

  /** Node shutdown: end every attempt cleanly so recordings and rows are complete. */
  async shutdown(): Promise<void> {
    for (const exam of this.#exams.values()) {
      for (const live of exam.candidates.values()) if (live.peer) await this.dropCandidate(exam, live, 'node_shutdown');
    }
  }

  async dropCandidate(exam: LiveExam, live: CandidateLive, reason: AttemptEndReason): Promise<void> {
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
    this.connections.record(live.sessionId, live.attemptId ?? null, reason === 'left' || reason === 'finished' ? 'left' : 'disconnected');
    // If the candidate joined again meanwhile, the new attempt's state is the current one
    // and this ended attempt's push would overwrite it.
    if (exam.candidates.get(live.sessionId) === live) this.deps.push.toProctors(exam.examId, 'peer:state', peerView(live));
    this.deps.log.info({ sessionId: live.sessionId, attempt: live.attemptNumber, reason }, 'candidate left');
  }

  async #onRoomLost(examId: string, reason: string): Promise<void> {
    const exam = this.#exams.get(examId);
    if (!exam) return;
    this.deps.log.warn({ examId, reason }, 'media room lost; asking clients to rejoin');
    await this.#askToRejoin(exam, 'worker_died', 'media server restarted');
    // Callers still hold their closed peers; `peer.closed` lets them join again.
    this.#exams.delete(examId);
  }

  /** Ends every connected candidate's attempt and tells candidates and proctors to join again. */
  async #askToRejoin(exam: LiveExam, end: AttemptEndReason, reason: string): Promise<void> {
    for (const live of exam.candidates.values()) {
      if (!live.peer) continue;
      const socketId = live.socketId;
      await this.dropCandidate(exam, live, end);
      this.deps.push.toSocket(socketId, 'media:rejoin', { reason });
    }
    this.deps.push.toProctors(exam.examId, 'media:rejoin', { reason });
  }
}
