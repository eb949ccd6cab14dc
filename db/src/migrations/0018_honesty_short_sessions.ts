// Honesty's minimum event length is now at most 1 % of the session (src/honesty.ts), which
// changes the verdict of finished sessions shorter than 16 min 40 s that have violations;
// longer sessions are unaffected. Their stored honesty is recomputed here so Results, the
// reports and the statistics agree with the breakdown the detailed report computes live.
// Unlike literals, the formula is deliberately the code's: stored honesty must equal what
// computeHonesty says today, so a later formula change brings its own recompute. The reads
// and the write are plain SQL on this migration's schema. There is no down: the old verdicts
// are not kept, and the recomputed ones are valid under either formula's schema.
import { type Kysely, sql } from 'kysely';
import { computeHonesty } from '../honesty.ts';
import type { ViolationCategory } from '../enums.ts';

/** Sessions at or above this length keep MIN_EVENT_MS (10 s / 1 %) and need no recompute. */
const UNCHANGED_FROM_MS = 1_000_000;

// Columns are aliased in camelCase, so rows read the same with or without CamelCasePlugin.
interface SessionRow {
  id: string;
  startedAt: Date;
  endedAt: Date;
  weights: Record<string, number>;
  countTechnical: boolean;
}

interface ViolationRow {
  type: string;
  category: ViolationCategory;
  startsAt: Date;
  endsAt: Date | null;
}

export async function up(db: Kysely<any>): Promise<void> {
  const { rows: sessions } = await sql<SessionRow>`
    SELECT s.id, s.started_at AS "startedAt", s.ended_at AS "endedAt", e.violation_weights AS weights, e.count_technical AS "countTechnical"
    FROM exam_sessions s JOIN exams e ON e.id = s.exam_id
    WHERE s.started_at IS NOT NULL AND s.ended_at IS NOT NULL
      AND s.ended_at - s.started_at < make_interval(secs => ${UNCHANGED_FROM_MS / 1000})
      AND EXISTS (SELECT 1 FROM violations v WHERE v.session_id = s.id)
    ORDER BY s.id`.execute(db);
  for (const session of sessions) {
    const { rows: violations } = await sql<ViolationRow>`
      SELECT type, category, starts_at AS "startsAt", ends_at AS "endsAt" FROM violations WHERE session_id = ${session.id}`.execute(db);
    const { honesty } = computeHonesty({ ...session, violations });
    await sql`UPDATE exam_sessions SET honesty = ${honesty} WHERE id = ${session.id} AND honesty IS DISTINCT FROM ${honesty}`.execute(db);
  }
}
