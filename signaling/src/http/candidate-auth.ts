/**
 * Candidate routes are authenticated by the candidate's signed link token alone (the same
 * one the media socket uses), sent as `Authorization: Bearer <token>`. No cookie is
 * involved, so a cross-site page cannot ride on it.
 */
import type { FastifyRequest } from 'fastify';
import { verifyToken, TokenError } from '../auth/token.ts';
import { DomainError } from '../domain/errors.ts';

/** The exam session the request's token names; 401 without a valid candidate token. */
export function candidateSessionId(req: FastifyRequest, tokenSecret: string): string {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_.-]{1,2048})$/.exec(header);
  if (!match) throw new DomainError('unauthenticated', 'Open the exam from your personal link (no candidate token was sent).');
  try {
    const claims = verifyToken(match[1], tokenSecret);
    if (claims.role !== 'candidate') throw new DomainError('forbidden', 'Only candidates use these routes.');
    return claims.sessionId;
  } catch (err) {
    if (err instanceof TokenError) throw new DomainError('unauthenticated', `Your exam link does not work: ${err.message}.`);
    throw err;
  }
}
