/**
 * socket.io server for the media handshake: authenticates every socket (a signed token, or
 * the session cookie of a signed-in proctor/admin), then maps each contract request onto
 * MediaService. Thin on purpose: the flow and all checks live in media/media-service.ts.
 */
import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { PushName, PushOf } from '../contract/events.ts';
import type { TokenClaims } from '../contract/token.ts';
import { verifyToken, TokenError } from '../auth/token.ts';
import { RateLimiter, refuseUnknown, register } from './ack.ts';
import type { Caller, MediaService, PushSink } from '../media/media-service.ts';
import type { Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import { joinResultsRooms } from './results-channel.ts';

/** Largest socket message accepted; an SDP-derived rtpParameters is a few KB. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export const proctorChannel = (examId: string) => `exam:${examId}:proctors`;

/** Resolves a signed-in user's session cookie (AuthService.socketClaims); null = no cookie. */
export interface SessionClaims {
  socketClaims(headers: IncomingHttpHeaders): Promise<TokenClaims | null>;
}

export function createSocketServer(httpServer: HttpServer, tokenSecret: string, sessions: SessionClaims): Server {
  const io = new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    cors: { origin: false },
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
  // Candidates always bring a token; signed-in proctors/admins may rely on their cookie instead.
  const authenticate = async (token: unknown, headers: IncomingHttpHeaders): Promise<TokenClaims> =>
    (token === undefined ? await sessions.socketClaims(headers) : null) ?? verifyToken(token, tokenSecret);
  io.use((socket, next) => {
    authenticate(socket.handshake.auth?.token, socket.request.headers).then(
      (claims) => {
        socket.data.claims = claims;
        next();
      },
      (err: unknown) => {
        // `data.code` is the contract's error code; the message says what was wrong.
        const refused = new Error(err instanceof TokenError ? err.message : 'unauthenticated') as Error & { data: unknown };
        refused.data = { code: 'unauthenticated' };
        next(refused);
      },
    );
  });
  return io;
}

export function pushSinkFor(io: Server): PushSink {
  return {
    toProctors<E extends PushName>(examId: string, event: E, payload: PushOf<E>) {
      io.to(proctorChannel(examId)).emit(event, payload);
    },
    toSocket<E extends PushName>(socketId: string, event: E, payload: PushOf<E>) {
      io.to(socketId).emit(event, payload);
    },
    joinProctorChannel(socketId: string, examId: string) {
      io.in(socketId).socketsJoin(proctorChannel(examId));
    },
    disconnect(socketId: string) {
      io.in(socketId).disconnectSockets(true);
    },
  };
}

export function attachMediaHandlers(io: Server, media: MediaService, db: Kysely<DB>, log: Logger): void {
  io.on('connection', (socket: Socket) => {
    const caller: Caller = { socketId: socket.id, claims: socket.data.claims };
    joinResultsRooms(socket, caller.claims, db).catch((err: unknown) => log.error({ err }, 'results subscription failed'));
    // 30 requests/s sustained, bursts of 60: a full join+publish is about 10.
    const limiter = new RateLimiter(30, 60);
    const slog = log.child({ socket: socket.id, role: caller.claims.role });
    refuseUnknown(socket);
    register(socket, limiter, slog, 'candidate:join', () => media.candidateJoin(caller));
    register(socket, limiter, slog, 'candidate:resume', () => media.candidateResume(caller));
    register(socket, limiter, slog, 'candidate:finish', () => media.candidateFinish(caller));
    register(socket, limiter, slog, 'proctor:join', (req) => media.proctorJoin(caller, req));
    register(socket, limiter, slog, 'proctor:warn', (req) => media.warnCandidate(caller, req));
    register(socket, limiter, slog, 'proctor:stop', (req) => media.stopCandidate(caller, req));
    register(socket, limiter, slog, 'transport:create', (req) => media.createTransport(caller, req));
    register(socket, limiter, slog, 'transport:connect', (req) => media.connectTransport(caller, req));
    register(socket, limiter, slog, 'transport:restartIce', (req) => media.restartIce(caller, req));
    register(socket, limiter, slog, 'produce', (req) => media.produce(caller, req));
    register(socket, limiter, slog, 'producer:close', (req) => media.closeProducer(caller, req));
    register(socket, limiter, slog, 'consume', (req) => media.consume(caller, req));
    register(socket, limiter, slog, 'consumer:resume', (req) => media.resumeConsumer(caller, req));
    register(socket, limiter, slog, 'consumer:close', (req) => media.closeConsumer(caller, req));
    register(socket, limiter, slog, 'consumer:setLayers', (req) => media.setConsumerLayers(caller, req));
    socket.on('disconnect', (reason) => {
      media.disconnected(caller, reason).catch((err: unknown) => slog.error({ err }, 'disconnect cleanup failed'));
    });
  });
}
