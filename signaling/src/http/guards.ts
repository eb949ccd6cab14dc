/**
 * Role checks for route handlers. Every protected route states its roles in one line:
 *
 *   app.get('/api/results', { preHandler: requireRole('admin', 'proctor') }, handler)
 *
 * Exam- and session-scoped checks (`assertExamAccess`, …) are the domain's (domain/access.ts),
 * shared with the services and sockets.
 */
import type { FastifyRequest } from 'fastify';
import type { UserRole } from '@proctor/db';
import type { SessionUser } from '../services/auth.service.ts';
import { DomainError } from '../domain/errors.ts';

const notSignedIn = () => new DomainError('unauthenticated', 'Sign in first: there is no session or it has expired.');

/** preHandler: 401 without a session, 403 when the user's role is not one of `roles`. */
export function requireRole(...roles: UserRole[]): (req: FastifyRequest) => Promise<void> {
  return async (req) => {
    if (!req.user) throw notSignedIn();
    if (!roles.includes(req.user.role)) throw new DomainError('forbidden', `Only ${roles.join(' or ')} users may do this.`);
  };
}

/** The signed-in user (for handlers behind requireRole, where it is always set). */
export function signedInUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw notSignedIn();
  return req.user;
}
