/**
 * Closes sessions whose exam has ended while they still read "in progress" because the
 * candidate never pressed "Finish exam" (tab closed, connection lost for good), so Results,
 * statistics and exports don't show them as running forever. Runs in every jobs process on
 * a timer; the UPDATE is atomic, so several processes never finish a session twice.
 */
import type { Logger } from 'pino';
import { finishOverdueSessions, recomputeSessionHonesty } from '@proctor/db';
import type { Db } from '../db.ts';
import { sealSessionViolations } from '../evidence/seal.ts';
import type { EvidenceSigner } from '../evidence/signer.ts';

/** Candidates may still be uploading or reconnecting just after the end: wait this long. */
export const OVERDUE_GRACE_MS = 15 * 60_000;
export const OVERDUE_SWEEP_MS = 60_000;

/** Told about each session the sweep finished (the LMS score, #13); a failure is logged, not fatal. */
export type OnSessionFinished = (sessionId: string) => Promise<unknown>;

export async function sweepOverdueSessions(db: Db, logger: Logger, now = new Date(), signer?: EvidenceSigner, onFinished?: OnSessionFinished): Promise<number> {
  const ids = await finishOverdueSessions(db, now, OVERDUE_GRACE_MS);
  // Honesty is a share of the session's time: settle it on the final duration. The
  // violations are final now too: seal them (their recordings settled long ago).
  for (const id of ids) {
    await recomputeSessionHonesty(db, id, now);
    if (signer) await sealSessionViolations({ db, signer }, id);
    await onFinished?.(id).catch((err: unknown) => logger.warn({ err, sessionId: id }, 'after-finish hook failed'));
  }
  if (ids.length > 0) logger.info({ count: ids.length }, 'finished sessions left in progress after their exam ended');
  return ids.length;
}

/** Starts the periodic sweep; the returned function stops it. */
export function startOverdueSweep(db: Db, logger: Logger, signer?: EvidenceSigner, everyMs = OVERDUE_SWEEP_MS, onFinished?: OnSessionFinished): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    sweepOverdueSessions(db, logger, new Date(), signer, onFinished)
      .catch((err: unknown) => logger.warn({ err }, 'overdue session sweep failed'))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
