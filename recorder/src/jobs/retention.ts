/**
 * The retention job: deletes what exams keep no longer. For each kind (snapshots,
 * violations, recordings, verification photos) and each session whose exam ended more than
 * the exam's retention days ago, removeSessionData deletes it and logs a `data.deleted`
 * entry in the session's action archive. Statistics keep their numbers (violation tallies),
 * stored honesty and decisions stay. Webhook deliveries (the admins' delivery log, which
 * holds each event's body) settled more than `webhookDeliveryRetentionDays` ago go too.
 *
 * Runs in every jobs process at start and then daily; concurrent runs are safe (each
 * session and kind is removed once, under a lock).
 */
import { deleteSettledDeliveriesBefore, listRetentionDue, RETAINED_KINDS, type RetainedKind } from '@proctor/db';
import type { Logger } from 'pino';
import { removeSessionData, SYSTEM_ACTOR, type RemovalDeps } from '../data-protection/remove-session-data.ts';
import { DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS } from '../config.ts';

export const RETENTION_EVERY_MS = 24 * 60 * 60_000;
/** Sessions fetched per query: bounded memory, progress in the log. */
const BATCH = 200;


export type RetentionCounts = Record<RetainedKind, { sessions: number; items: number; bytes: number }> & { webhookDeliveries: number };

export interface RetentionDeps extends RemovalDeps {
  logger: Logger;
  /** Settled webhook deliveries older than this many days are deleted; default 30. */
  webhookDeliveryRetentionDays?: number;
}

export async function runRetention(deps: RetentionDeps, now: Date = new Date()): Promise<RetentionCounts> {
  const counts = {
    ...(Object.fromEntries(RETAINED_KINDS.map((k) => [k, { sessions: 0, items: 0, bytes: 0 }])) as Record<RetainedKind, { sessions: number; items: number; bytes: number }>),
    webhookDeliveries: 0,
  };
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
  const days = deps.webhookDeliveryRetentionDays ?? DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS;
  const before = new Date(now.getTime() - days * 24 * 60 * 60_000);
  for (;;) {
    const n = await deleteSettledDeliveriesBefore(deps.db, before, BATCH * 10);
    counts.webhookDeliveries += n;
    if (n < BATCH * 10) break;
  }
  if (counts.webhookDeliveries) deps.logger.info({ deleted: counts.webhookDeliveries, days }, 'retention: webhook deliveries deleted');
  return counts;
}

/** Starts the daily run (the first one now); the returned function stops it. */
export function startRetentionSchedule(deps: RetentionDeps, everyMs = RETENTION_EVERY_MS): () => void {
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
