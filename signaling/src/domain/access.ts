/**
 * Who may reach which exam and session, for REST routes, services and sockets alike.
 * Admins reach every exam; proctors only those they are assigned to (exam_proctors).
 * Failures are `DomainError`s; the adapters turn them into statuses or acks.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { getExam, getSessionExamId, isProctorAssigned, listExamsForProctor, type DB, type UserRole } from '@proctor/db';
import { DomainError } from './errors.ts';

/** The signed-in person an access check is about (a session user or a socket's claims). */
export interface Actor {
  id: string;
  role: UserRole;
}

const examIdSchema = z.uuid();

/** `forbidden` for a proctor whether or not the exam exists, so ids of other exams stay secret. */
export async function assertExamAccess(db: Kysely<DB>, user: Actor, examId: string): Promise<void> {
  if (user.role === 'admin') {
    if (!examIdSchema.safeParse(examId).success || !(await getExam(db, examId))) {
      throw new DomainError('not_found', 'There is no such exam.');
    }
    return;
  }
  if (!examIdSchema.safeParse(examId).success || !(await isProctorAssigned(db, user.id, examId))) {
    throw new DomainError('forbidden', 'You are not assigned to this exam.');
  }
}

/**
 * Access to one exam session (report, recordings, photo report, decision): admins reach
 * every session, proctors those of their exams. A session a proctor may not see answers
 * exactly like one that does not exist (`not_found`), so ids cannot be probed for existence.
 */
export async function assertSessionAccess(db: Kysely<DB>, user: Actor, sessionId: string): Promise<void> {
  const examId = await getSessionExamId(db, sessionId);
  if (examId && (user.role === 'admin' || (await isProctorAssigned(db, user.id, examId)))) return;
  throw new DomainError('not_found', 'There is no such exam session.');
}

/** The exams a person may watch: every exam for an admin, the assigned ones for a proctor. */
export async function visibleExams(db: Kysely<DB>, user: Actor): Promise<'all' | string[]> {
  if (user.role === 'admin') return 'all';
  return (await listExamsForProctor(db, user.id)).map((e) => e.id);
}
