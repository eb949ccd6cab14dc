/**
 * The retention job: deletes what exams keep no longer. For each kind (snapshots,
 * violations, recordings, verification photos) and each session whose exam ended more than
 * the exam's retention days ago, removeSessionData deletes it and logs a `data.deleted`
 * entry in the session's action archive. Statistics keep their numbers (violation tallies),
 * stored honesty and decisions stay.
 *
 * Runs in every jobs process at start and then daily; concurrent runs are safe (each
 * session and kind is removed once, under a lock).
 */
import { listRetentionDue, RETAINED_KINDS, type RetainedKind } from '@proctor/db';
import type { Logger } from 'pino';
import { removeSessionData, SYSTEM_ACTOR, type RemovalDeps } from '../data-protection/remove-session-data.ts';

export const RETENTION_EVERY_MS = 24 * 60 * 60_000;
/** Sessions fetched per query: bounded memory, progress in the log. */
const BATCH = 200;

export type RetentionCounts = Record<RetainedKind, { sessions: number; items: number; bytes: number }>;

export async function runRetention(deps: RemovalDeps & { logger: Logger }, now: Date = new Date()): Promise<RetentionCounts> {
  const counts = Object.fromEntries(RETAINED_KINDS.map((k) => [k, { sessions: 0, items: 0, bytes: 0 }])) as RetentionCounts;
  // Snapshots before violations: a violation's removal takes its snapshot, and the
  // snapshots' own policy should be the one the archive names when it is due first.
  for (const kind of ['snapshots', 'violations', 'recordings', 'photos'] as const) {
    for (;;) {
      const due = await listRetentionDue(deps.db, kind, now, BATCH);
      if (due.length === 0) break;
      for (const d of due) {
        const outcome = await removeSessionData(deps, {
          sessionId: d.sessionId,
          kind,
          reason: 'retention',
          actor: SYSTEM_ACTOR,
          details: { examId: d.examId, retentionDays: d.retentionDays },
          at: now,
        });
        if (!outcome || outcome.items === 0) continue;
        counts[kind].sessions++;
        counts[kind].items += outcome.items;
        counts[kind].bytes += outcome.bytes;
      }
      deps.logger.info({ kind, ...counts[kind] }, 'retention: deleting');
    }
  }
  return counts;
}

/** Starts the daily run (the first one now); the returned function stops it. */
export function startRetentionSchedule(deps: RemovalDeps & { logger: Logger }, everyMs = RETENTION_EVERY_MS): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    runRetention(deps)
      .then((counts) => deps.logger.info({ counts }, 'retention run done'))
      .catch((err: unknown) => deps.logger.warn({ err }, 'retention run failed; the next one retries'))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
