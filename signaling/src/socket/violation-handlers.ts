/**
 * Socket side of violation ingestion: the candidate's `violation:report` / `violation:end`
 * mapped onto ViolationService, and the push of stored findings to everyone watching the exam.
 *
 * Violation events get their own per-socket limiter, separate from the media handshake's, so a
 * page (or a script) firing thousands of findings a second is refused with `rate_limited`
 * while its camera, microphone and screen keep flowing and its next legitimate report after
 * the burst is accepted again.
 */
import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { TokenClaims } from '../contract/token.ts';
import { RateLimiter, register } from './ack.ts';
import { DomainError } from '../domain/errors.ts';
import { proctorChannel } from './connection.ts';
import { resultsRoomsOf } from './results-channel.ts';
import type { ViolationService } from '../services/violation.service.ts';
import type { SessionViolation } from '../contract/violations.ts';

export interface ViolationPush {
  /** To the exam's live-grid proctors and the Results rooms. */
  toWatchers(examId: string, payload: SessionViolation): void;
}

/** Sustained findings per second per socket, and the burst a detector switching on may send. */
export const VIOLATION_RATE = 5;
export const VIOLATION_BURST = 20;

export function violationPushFor(io: () => Server | undefined): ViolationPush {
  return {
    // One emit to the union of rooms: a proctor in both the live grid and Results gets it once.
    toWatchers: (examId, payload) => io()?.to([proctorChannel(examId), ...resultsRoomsOf(examId)]).emit('session:violation', payload),
  };
}

function candidateSession(claims: TokenClaims): string {
  if (claims.role !== 'candidate') throw new DomainError('forbidden', 'only candidates report violations');
  return claims.sessionId;
}

export function attachViolationHandlers(io: Server, violations: ViolationService, log: Logger): void {
  io.on('connection', (socket: Socket) => {
    const claims = socket.data.claims as TokenClaims;
    const limiter = new RateLimiter(VIOLATION_RATE, VIOLATION_BURST);
    const slog = log.child({ socket: socket.id, role: claims.role });
    register(socket, limiter, slog, 'violation:report', (req) => violations.report(candidateSession(claims), req));
    register(socket, limiter, slog, 'violation:end', (req) => violations.end(candidateSession(claims), req));
    if (claims.role === 'candidate') {
      socket.on('disconnect', () => {
        violations.candidateGone(claims.sessionId).catch((err: unknown) => slog.warn({ err }, 'closing open violations failed'));
      });
    }
  });
}
