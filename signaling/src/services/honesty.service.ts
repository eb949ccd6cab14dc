/**
 * Keeps stored honesty in step with an exam's scoring settings. When an admin changes the
 * violation weights or whether technical events count, every session of that exam is
 * recomputed — by the jobs process (BullMQ `honesty-recompute`) when a queue is configured,
 * else right here — and an action-log entry records who caused it and how many verdicts moved.
 */
import type { Kysely } from 'kysely';
import { appendAction, recomputeExamHonesty, type DB } from '@proctor/db';
import { QUEUES, type JobQueue } from '@proctor/recorder';

export interface HonestyServiceDeps {
  db: Kysely<DB>;
  queue: JobQueue | null;
}

export class HonestyService {
  constructor(private readonly deps: HonestyServiceDeps) {}

  async scoringChanged(examId: string, actor: { id: string | null; fullName: string; iin: string | null }): Promise<void> {
    const requestedBy = { userId: actor.id, fullName: actor.fullName, iin: actor.iin ?? null };
    if (this.deps.queue) {
      await this.deps.queue.add(QUEUES.honestyRecompute, { examId, requestedBy });
      return;
    }
    const { sessions, changed } = await recomputeExamHonesty(this.deps.db, examId);
    await appendAction(this.deps.db, {
      actorUserId: actor.id,
      actorName: actor.fullName,
      actorIin: actor.iin ?? null,
      action: 'honesty.recomputed',
      details: { examId, sessions, changed },
    });
  }
}
