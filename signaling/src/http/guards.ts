/**
 * Access checks for route handlers. Every protected route states its roles in one line:
 *
 *   app.get('/api/results', { preHandler: requireRole('admin', 'proctor') }, handler)
 *
 * and, for exam-scoped data, calls `assertExamAccess(db, signedInUser(req), examId)`.
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { getExam, getSessionExamId, isProctorAssigned, type DB, type UserRole } from '@proctor/db';
import type { SessionUser } from '../services/auth.service.ts';
import { HttpError } from './errors.ts';

const notSignedIn = () => new HttpError(401, 'unauthenticated', 'Sign in first: there is no session or it has expired.');

/** preHandler: 401 without a session, 403 when the user's role is not one of `roles`. */
export function requireRole(...roles: UserRole[]): (req: FastifyRequest) => Promise<void> {
  return async (req) => {
    if (!req.user) throw notSignedIn();
    if (!roles.includes(req.user.role)) throw new HttpError(403, 'forbidden', `Only ${roles.join(' or ')} users may do this.`);
  };
}

/** The signed-in user (for handlers behind requireRole, where it is always set). */
export function signedInUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw notSignedIn();
  return req.user;
}

const examIdSchema = z.uuid();

/**
 * Admins reach every exam; proctors only those they are assigned to (exam_proctors).
 * 403 for a proctor whether or not the exam exists, so ids of other exams stay secret.
 */
export async function assertExamAccess(db: Kysely<DB>, user: Pick<SessionUser, 'id' | 'role'>, examId: string): Promise<void> {
  if (user.role === 'admin') {
    if (!examIdSchema.safeParse(examId).success || !(await getExam(db, examId))) {
      throw new HttpError(404, 'not_found', 'There is no such exam.');
    }
    return;
  }
  if (!examIdSchema.safeParse(examId).success || !(await isProctorAssigned(db, user.id, examId))) {
    throw new HttpError(403, 'forbidden', 'You are not assigned to this exam.');
  }
}

/**
 * Access to one exam session (report, recordings, photo report, decision): admins reach
 * every session, proctors those of their exams. A session a proctor may not see answers
 * exactly like one that does not exist (404), so ids cannot be probed for existence.
 */
export async function assertSessionAccess(db: Kysely<DB>, user: Pick<SessionUser, 'id' | 'role'>, sessionId: string): Promise<void> {
  const examId = await getSessionExamId(db, sessionId);
  if (examId && (user.role === 'admin' || (await isProctorAssigned(db, user.id, examId)))) return;
  throw new HttpError(404, 'not_found', 'There is no such exam session.');
}
