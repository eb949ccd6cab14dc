/**
 * What the media flow is given (its dependencies) and what it keeps per socket: shared by
 * media-service.ts (the handshake), live-rooms.ts (the node's live picture) and the socket
 * adapter that calls them.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { MediaConfig, MediaPeer, RoomRegistry } from '@proctor/sfu';
import type { DB } from '@proctor/db';
import type { RecordingService } from '@proctor/recorder';
import type { ClusterHome, PushName, PushOf } from '../contract/events.ts';
import type { TokenClaims } from '../contract/token.ts';
import type { IceConfig } from '../config.ts';
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

