/**
 * Job metrics shared by the media node (which enqueues, and runs the jobs itself without
 * Redis) and the jobs process: queue depths read from the queue at scrape time, and the
 * outcome and duration of every job this process ran.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { QUEUES, type QueueName } from '../jobs/types.ts';
import type { JobObserver, JobQueue } from '../queue.ts';

/** BullMQ job states worth a graph: the backlog, what runs, what waits for a retry, what failed for good. */
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** `proctor_job_queue_jobs{queue,state}`: read from the queue (Redis or PostgreSQL) on every scrape. */
export function registerQueueDepths(registry: Registry, queue: Pick<JobQueue, 'counts'>): void {
  new Gauge({
    name: 'proctor_job_queue_jobs',
    help: 'Jobs per queue and state (failed = failed after the last retry, kept 30 days)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const all = await Promise.all(Object.values(QUEUES).map(async (name) => [name, await queue.counts(name)] as const));
      for (const [name, counts] of all) for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0);
    },
  });
}

/** Counters and a duration histogram fed by the queue's workers in this process. */
export function jobObserverFor(registry: Registry): JobObserver {
  const finished = new Counter({
    name: 'proctor_jobs_finished_total',
    help: 'Job runs finished in this process, by outcome (a failed run may be retried)',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'proctor_job_duration_seconds',
    help: 'How long one job run took',
    labelNames: ['queue'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  return (name: QueueName, outcome: 'completed' | 'failed', seconds: number) => {
    finished.inc({ queue: name, outcome });
    duration.observe({ queue: name }, seconds);
  };
}
