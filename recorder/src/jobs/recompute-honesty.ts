/**
 * After an admin changes an exam's violation weights (or whether technical events count),
 * every stored honesty of that exam is recomputed with computeHonesty, so Results, reports
 * and statistics agree with the new settings. The job writes one action-log entry saying who
 * asked and how many sessions changed, so a moved verdict is always explainable.
 */
import { appendAction, recomputeExamHonesty } from '@proctor/db';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import type { HonestyRecomputePayload } from './types.ts';

export interface RecomputeOutcome {
  sessions: number;
  changed: number;
}

export async function runHonestyRecompute(deps: { db: Db; logger: Logger }, payload: HonestyRecomputePayload): Promise<RecomputeOutcome> {
  const { sessions, changed } = await recomputeExamHonesty(deps.db, payload.examId);
  await appendAction(deps.db, {
    actorUserId: payload.requestedBy?.userId ?? null,
    actorName: payload.requestedBy?.fullName ?? 'system',
    actorIin: payload.requestedBy?.iin ?? null,
    sessionId: null,
    action: 'honesty.recomputed',
    details: { examId: payload.examId, sessions, changed },
  });
  deps.logger.info({ examId: payload.examId, sessions, changed }, 'exam honesty recomputed');
  return { sessions, changed };
}
