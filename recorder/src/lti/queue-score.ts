/**
 * Queues the AGS score of a session launched from an LMS (#13): a no-op for every other
 * session (no grade target). Called by the media node on finish / decision events and by
 * the jobs process when its overdue sweep finishes a session.
 */
import { markLtiGradeQueued } from '@proctor/db';
import type { Db } from '../db.ts';
import type { JobQueue } from '../queue.ts';
import { LTI_SCORE_JOB, QUEUES } from '../jobs/types.ts';

export async function queueLtiScore(db: Db, queue: JobQueue, sessionId: string): Promise<boolean> {
  if (!(await markLtiGradeQueued(db, sessionId))) return false;
  await queue.add(QUEUES.ltiScore, { sessionId }, { attempts: LTI_SCORE_JOB.attempts, backoffMs: LTI_SCORE_JOB.backoffMs });
  return true;
}
