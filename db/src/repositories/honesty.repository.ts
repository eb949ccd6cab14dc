// Reads what computeHonesty needs for a session and stores its verdict. The function itself
// is pure (../honesty.ts); this file only gathers the inputs and writes exam_sessions.honesty.
import type { Kysely } from 'kysely';
import { computeHonesty, type HonestyBreakdown } from '../honesty.ts';
import type { DB } from '../schema.ts';
import { isDataRemoved } from './data-removal.repository.ts';

/**
 * The explained honesty of one session, or null when the session does not exist, has not
 * started, or its violations were deleted (retention, erasure: the stored honesty stands,
 * but nothing is left to explain it with). A session still in progress is measured up to now.
 */
export async function sessionHonestyBreakdown(db: Kysely<DB>, sessionId: string, now: Date = new Date()): Promise<HonestyBreakdown | null> {
  const session = await db
    .selectFrom('examSessions as s')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .select(['s.startedAt', 's.endedAt', 'e.violationWeights', 'e.countTechnical'])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!session?.startedAt) return null;
  if (await isDataRemoved(db, sessionId, 'violations')) return null;
  const violations = await db
    .selectFrom('violations')
    .select(['type', 'category', 'startsAt', 'endsAt'])
    .where('sessionId', '=', sessionId)
    .execute();
  return computeHonesty({
    startedAt: session.startedAt,
    endedAt: session.endedAt ?? now,
    violations,
    weights: session.violationWeights ?? {},
    countTechnical: session.countTechnical,
  });
}

/**
 * Recomputes and stores the session's honesty; returns it (null when the session has not
 * started). A session whose violations were deleted keeps its stored honesty: recomputing
 * it from nothing would turn every verdict into 100.
 */
export async function recomputeSessionHonesty(db: Kysely<DB>, sessionId: string, now: Date = new Date()): Promise<number | null> {
  if (await isDataRemoved(db, sessionId, 'violations')) {
    const row = await db.selectFrom('examSessions').select('honesty').where('id', '=', sessionId).executeTakeFirst();
    return row?.honesty ?? null;
  }
  const breakdown = await sessionHonestyBreakdown(db, sessionId, now);
  if (!breakdown) return null;
  await db
    .updateTable('examSessions')
    .set({ honesty: breakdown.honesty })
    .where('id', '=', sessionId)
    .where((eb) => eb('honesty', 'is', null).or('honesty', '<>', breakdown.honesty))
    .execute();
  return breakdown.honesty;
}

/** Recomputes every started session of an exam (after its weights changed); counts those whose honesty moved. */
export async function recomputeExamHonesty(db: Kysely<DB>, examId: string, now: Date = new Date()): Promise<{ sessions: number; changed: number }> {
  const rows = await db.selectFrom('examSessions').select(['id', 'honesty']).where('examId', '=', examId).where('startedAt', 'is not', null).orderBy('id').execute();
  let changed = 0;
  for (const row of rows) {
    if ((await recomputeSessionHonesty(db, row.id, now)) !== row.honesty) changed++;
  }
  return { sessions: rows.length, changed };
}
