/**
 * What a media node does when a domain event happens here: the action log entry of a
 * finish, settling the session's open findings, and the live socket pushes (payloads as
 * before: `session:violation`, `results:session`). Registered in this order, so a finished
 * session's honesty is settled before its row is pushed. Local events only: the socket.io
 * adapter already relays pushes between nodes.
 */
import type { Kysely } from 'kysely';
import { appendAction, getSessionForJoin, getUserById, type DB } from '@proctor/db';
import type { EventBus } from './event-bus.ts';
import type { ViolationPush } from '../socket/violation-handlers.ts';

export interface NodeSubscribers {
  db: Kysely<DB>;
  /** Closes the session's open findings and settles honesty (ViolationService.candidateGone). */
  settleFindings(sessionId: string): Promise<void>;
  /** Pushes the session's current Results row (ResultsService.publishSession). */
  pushRow(sessionId: string): Promise<void>;
  violationPush: ViolationPush;
}

export function subscribeNode(bus: EventBus, deps: NodeSubscribers): void {
  bus.subscribe('session.finished', async (e) => {
    if (e.by === 'proctor' && e.proctorUserId) {
      const user = await getUserById(deps.db, e.proctorUserId);
      await appendAction(deps.db, {
        actorUserId: e.proctorUserId,
        actorName: user?.fullName ?? '',
        actorIin: user?.iin ?? '',
        sessionId: e.sessionId,
        action: 'proctor.exam_stopped',
        details: { reason: e.reason, attempt: e.attempt },
      });
    } else {
      const who = await getSessionForJoin(deps.db, e.sessionId);
      await appendAction(deps.db, {
        actorUserId: null,
        actorName: who?.candidateName ?? '',
        actorIin: who?.candidateIin ?? '',
        sessionId: e.sessionId,
        action: 'candidate.finished',
        details: { attempt: e.attempt },
      });
    }
  });
  bus.subscribe('session.finished', (e) => deps.settleFindings(e.sessionId));
  for (const type of ['session.started', 'session.finished', 'decision.changed', 'session.updated'] as const) {
    bus.subscribe(type, (e) => deps.pushRow(e.sessionId));
  }
  for (const type of ['violation.created', 'violation.updated'] as const) {
    bus.subscribe(type, (e) => deps.violationPush.toWatchers(e.examId, { sessionId: e.sessionId, violation: e.violation }));
  }
}
