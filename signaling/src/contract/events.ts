/**
 * Every socket.io message between browsers and a media node, typed once.
 *
 * Client → server messages are requests with an acknowledgement. Each entry names the
 * request schema (validated on arrival) and the response type. Server → client
 * messages are pushes. Both web/ and signaling/ import from here; nothing is redeclared.
 *
 * The media handshake (mediasoup-demo's order):
 *   join → transport:create → transport:connect → produce | consume → consumer:resume
 */
import { z } from 'zod';
import { domainErrorCode } from '../domain/error-codes.ts';
import {
  dtlsParameters,
  id,
  mediaProfileId,
  mediaSource,
  rtpCapabilities,
  rtpParameters,
  transportOptions,
  uuid,
} from './media.ts';
import { resultRow } from './api/results.ts';
import { violationPushes, violationRequests } from './violations.ts';

/** Longest proctor message to a candidate: one or two sentences, read during an exam. */
export const WARNING_MAX_LENGTH = 300;

export const peerState = z.enum(['connected', 'reconnecting', 'disconnected']);
export type PeerState = z.infer<typeof peerState>;

export const producerInfo = z.object({
  producerId: z.string(),
  source: mediaSource,
  kind: z.enum(['audio', 'video']),
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof producerInfo>;

/**
 * #12: which attempt of a session a push to proctors is about. A page orders pushes about one
 * session by `attempt` (the number), never by arrival: an ended attempt's last push can arrive
 * after the next attempt's first one, and must not overwrite it. `attemptId` names the row
 * in `attempts` (null only where the session has none yet).
 */
export const attemptFields = {
  attempt: z.number().int().nonnegative(),
  attemptId: uuid.nullable(),
};
export interface AttemptRef {
  attempt: number;
  attemptId: string | null;
}

export const candidatePeer = z.object({
  sessionId: uuid,
  candidateName: z.string(),
  state: peerState,
  ...attemptFields,
  producers: z.array(producerInfo),
});
export type CandidatePeer = z.infer<typeof candidatePeer>;

const empty = z.object({}).strict();

/**
 * Several media nodes: the address every node answers (PUBLIC_URL). A page whose node has
 * been unreachable for longer than `leaseSeconds` reopens its link there, and whichever
 * node now holds the room serves it. Absent on a single node.
 */
export const clusterHome = z.object({ entryUrl: z.url(), leaseSeconds: z.number().int().positive() });
export type ClusterHome = z.infer<typeof clusterHome>;

/** Requests from the browser. `req` is validated; `res` documents the ack payload. */
export const requests = {
  /** Candidate joins the room of their own exam session (identity comes from the token). */
  'candidate:join': {
    req: empty,
    res: z.object({
      sessionId: uuid,
      examId: uuid,
      attempt: z.number().int().positive(),
      /** #11: what this exam's page sends (capture size, simulcast layers, screen and microphone rates). */
      mediaProfile: mediaProfileId,
      routerRtpCapabilities: rtpCapabilities,
      cluster: clusterHome.optional(),
    }),
  },
  /**
   * #12: the candidate's socket dropped and came back (a new socket, the same token) while
   * the node still holds their peer (MEDIA_DROP_GRACE_MS): re-attach this socket to it. The
   * attempt, transports, producers and recordings go on unchanged. `not_found` = nothing
   * is held (grace over, another node): run `candidate:join` (a new attempt).
   */
  'candidate:resume': {
    req: empty,
    res: z.object({
      sessionId: uuid,
      examId: uuid,
      attempt: z.number().int().positive(),
      producers: z.array(producerInfo),
    }),
  },
  /**
   * Candidate hands in: the attempt ends as "finished", the session is closed (no rejoin),
   * open findings end and honesty is settled. Only the connection that owns the session.
   */
  'candidate:finish': {
    req: empty,
    res: z.object({ endedAt: z.iso.datetime() }),
  },
  /** Proctor joins an exam room they are assigned to and gets the current candidates. */
  'proctor:join': {
    req: z.object({ examId: uuid }).strict(),
    res: z.object({
      examId: uuid,
      routerRtpCapabilities: rtpCapabilities,
      candidates: z.array(candidatePeer),
      cluster: clusterHome.optional(),
    }),
  },
  /**
   * A proctor watching the exam sends a connected candidate a short message ("return to the
   * exam tab", …); it appears on the candidate's page and in the session's action archive.
   */
  'proctor:warn': {
    req: z.object({ sessionId: uuid, message: z.string().trim().min(1).max(WARNING_MAX_LENGTH) }).strict(),
    res: z.object({ sentAt: z.iso.datetime() }),
  },
  /**
   * #10: a proctor watching the exam stops a connected candidate's exam for good (the
   * reason is shown to the candidate and kept in the action archive): the attempt ends as
   * "kicked", the session is finished, and the candidate's test (exam guard) is closed.
   */
  'proctor:stop': {
    req: z.object({ sessionId: uuid, reason: z.string().trim().min(1).max(WARNING_MAX_LENGTH) }).strict(),
    res: z.object({ endedAt: z.iso.datetime() }),
  },
  'transport:create': {
    req: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
    res: transportOptions,
  },
  'transport:connect': {
    req: z.object({ transportId: id, dtlsParameters }).strict(),
    res: empty,
  },
  'transport:restartIce': {
    req: z.object({ transportId: id }).strict(),
    res: z.object({ iceParameters: z.looseObject({}) }),
  },
  /** Candidate only: publish one of their three sources. */
  produce: {
    req: z
      .object({
        transportId: id,
        kind: z.enum(['audio', 'video']),
        source: mediaSource,
        rtpParameters,
      })
      .strict(),
    res: z.object({ producerId: z.string() }),
  },
  'producer:close': {
    req: z.object({ producerId: id }).strict(),
    res: empty,
  },
  /** Proctor only: receive one producer of a candidate in their exam. Starts paused. */
  consume: {
    req: z.object({ transportId: id, producerId: id, rtpCapabilities }).strict(),
    res: z.object({
      consumerId: z.string(),
      producerId: z.string(),
      sessionId: uuid,
      source: mediaSource,
      kind: z.enum(['audio', 'video']),
      rtpParameters: z.looseObject({}),
    }),
  },
  'consumer:resume': {
    req: z.object({ consumerId: id }).strict(),
    res: empty,
  },
  'consumer:close': {
    req: z.object({ consumerId: id }).strict(),
    res: empty,
  },
  /** Proctor picks a simulcast layer: low for grid tiles, high for the focused candidate. */
  'consumer:setLayers': {
    req: z
      .object({
        consumerId: id,
        spatialLayer: z.number().int().min(0).max(2),
        temporalLayer: z.number().int().min(0).max(2).optional(),
      })
      .strict(),
    res: empty,
  },
  /** Candidate only: detector findings (contract/violations.ts). */
  ...violationRequests,
} as const;

export type RequestName = keyof typeof requests;
export type RequestOf<E extends RequestName> = z.input<(typeof requests)[E]['req']>;
export type ResponseOf<E extends RequestName> = z.infer<(typeof requests)[E]['res']>;

/** Error codes an ack may carry (the web UI translates them), from the one code list. */
export const errorCode = domainErrorCode.extract([
  'bad_request', // schema validation failed
  'unknown_event',
  'unauthenticated',
  'forbidden', // role or ownership check failed
  'not_found',
  'conflict', // e.g. a second producer of the same source
  'rate_limited',
  'unavailable', // worker restarting, room moving
  'moved', // another media node holds this exam's room: reopen the link (it redirects there)
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCode>;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/** Pushes from the server. */
export const pushes = {
  /** To proctors of the exam: a candidate connected, dropped or came back. */
  'peer:state': candidatePeer,
  /** To proctors: a candidate's attempt published a source (the tile shows it). */
  'producer:new': z.object({ sessionId: uuid, ...attemptFields, producer: producerInfo }),
  'producer:closed': z.object({ sessionId: uuid, ...attemptFields, producerId: z.string() }),
  /** To the owner of a consumer whose producer or transport went away. */
  'consumer:closed': z.object({ consumerId: z.string() }),
  /**
   * The media worker serving this room died and was replaced. Every transport is gone;
   * the client must run the handshake again (candidates get a new attempt).
   */
  'media:rejoin': z.object({ reason: z.string() }),
  /** To the candidate: a proctor's message (`proctor:warn`). */
  'candidate:warning': z.object({ message: z.string(), at: z.iso.datetime() }),
  /** To the candidate: a proctor stopped the exam (`proctor:stop`); the session is closed. */
  'candidate:stopped': z.object({ reason: z.string(), at: z.iso.datetime() }),
  /**
   * To the exam's proctor channel: a session's status, decision or review status changed;
   * the payload is its new Results row, so open Results pages update it in place, with the
   * session's latest attempt when the row was read (a row of an older attempt is stale).
   */
  'results:session': resultRow.extend(attemptFields),
  /** To the exam's proctors (live grid and Results): a violation was stored or closed. */
  ...violationPushes,
} as const;

export type PushName = keyof typeof pushes;
export type PushOf<E extends PushName> = z.infer<(typeof pushes)[E]>;
