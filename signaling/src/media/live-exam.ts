/** In-memory view of who is connected to one exam on this media node. */
import type * as ms from 'mediasoup/types';
import type { MediaPeer, Source } from '@proctor/sfu';
import type { AttemptRef, CandidatePeer, PeerState, ProducerInfo } from '../contract/events.ts';

export interface CandidateLive {
  sessionId: string;
  candidateName: string;
  /** For the action archive (who finished the exam). */
  candidateIin: string;
  socketId: string;
  peer: MediaPeer | undefined;
  attemptId: string;
  attemptNumber: number;
  state: PeerState;
  /**
   * #12: set while the candidate's socket is gone and the attempt waits for
   * `candidate:resume`; when it fires, the attempt ends as `disconnected`.
   */
  dropTimer?: ReturnType<typeof setTimeout>;
  /** #12: whether the send transport's media path is down (no RTP, ICE disconnected). */
  mediaDown?: () => boolean;
}

export class LiveExam {
  /** Candidates seen on this node, connected or dropped, by session id. */
  readonly candidates = new Map<string, CandidateLive>();
  /** Sockets of proctors watching, to know when the room can be released. */
  readonly proctorSockets = new Set<string>();
  /** Proctors' consumers of this exam's streams (key frame requests when a candidate's media returns). */
  readonly consumers = new Set<ms.Consumer>();

  constructor(readonly examId: string) {}

  findProducer(producerId: string): { candidate: CandidateLive; producer: ms.Producer; source: Source } | undefined {
    for (const candidate of this.candidates.values()) {
      for (const [source, producer] of candidate.peer?.producers ?? []) {
        if (producer.id === producerId) return { candidate, producer, source };
      }
    }
    return undefined;
  }

  get empty(): boolean {
    return this.proctorSockets.size === 0 && ![...this.candidates.values()].some((c) => c.peer);
  }
}

/** The attempt fields of every push about this candidate (#12). */
export function attemptOf(c: CandidateLive): AttemptRef {
  return { attempt: c.attemptNumber, attemptId: c.attemptId };
}

export function producerInfo(source: Source, p: ms.Producer): ProducerInfo {
  return { producerId: p.id, source, kind: p.kind, paused: p.paused };
}

export function peerView(c: CandidateLive): CandidatePeer {
  return {
    sessionId: c.sessionId,
    candidateName: c.candidateName,
    state: c.state,
    attempt: c.attemptNumber,
    attemptId: c.attemptId,
    producers: [...(c.peer?.producers ?? [])].map(([source, p]) => producerInfo(source, p)),
  };
}
