/**
 * AGS hand-off (#13): when a launched session finishes or its decision changes (domain
 * events on this node's bus), a score job is queued (recorder/src/jobs/lti-score.ts sends it
 * and records the outcome). Only sessions that came from an LMS launch with an AGS endpoint
 * have a grade target; every other event is a cheap miss. Local events only: the node that
 * saw the change enqueues, once. (Sessions finished by the jobs process's overdue sweep are
 * queued there, recorder/src/jobs/worker.ts.)
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '@proctor/db';
import { queueLtiScore, type JobQueue } from '@proctor/recorder';
import type { EventBus } from '../events/event-bus.ts';

export function subscribeLtiGrades(events: EventBus, deps: { db: Kysely<DB>; queue: JobQueue; log: Logger }): () => void {
  const handle = (sessionId: string) =>
    queueLtiScore(deps.db, deps.queue, sessionId).catch((err: unknown) => deps.log.warn({ err, sessionId }, 'LTI score job could not be queued'));
  const offFinished = events.subscribe('session.finished', async (e) => void (await handle(e.sessionId)));
  const offDecision = events.subscribe('decision.changed', async (e) => void (await handle(e.sessionId)));
  return () => {
    offFinished();
    offDecision();
  };
}
