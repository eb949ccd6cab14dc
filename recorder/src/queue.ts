/**
 * The job queue between the media node (enqueues) and the jobs process (works).
 *
 * Both ends are BullMQ. With REDIS_URL it runs on Redis; without Redis (the embedded
 * single-machine demo) it runs on BullMQ 6.7's PostgreSQL backend in the product's own
 * database — the same Queue/Worker code, its tables in a separate `bullmq` schema that
 * BullMQ migrates itself (`migrate: true`, serialised by an advisory lock). That backend
 * was checked against PostgreSQL 15 here: add, retry with backoff, jobId
 * de-duplication and LISTEN/NOTIFY wake-up all work, so no in-process fallback exists.
 */
import { type Job, Queue, UnrecoverableError, Worker, createPostgresBackend, withBackend } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type JobPayload, type QueueName, jobPayloadSchemas } from './jobs/types.ts';

export type QueueBackendKind = 'redis' | 'postgres';

export interface JobContext {
  id: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** No retry follows if this run fails: the place to record a permanent failure. */
  isFinalAttempt: boolean;
}

export type JobHandler<N extends QueueName> = (data: JobPayload<N>, ctx: JobContext) => Promise<void>;

export interface AddJobOptions {
  /** Jobs with an id already present (waiting, active, completed or failed and kept) are not added again. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
  /** First retry delay of the exponential backoff (doubling); default 5 s. */
  backoffMs?: number;
}

export interface JobConsumer {
  close(): Promise<void>;
}

export interface JobQueue {
  readonly backend: QueueBackendKind;
  add<N extends QueueName>(name: N, data: JobPayload<N>, opts?: AddJobOptions): Promise<void>;
  process<N extends QueueName>(name: N, handler: JobHandler<N>, opts?: { concurrency?: number }): JobConsumer;
  /** Counts per state, for tests and health pages. */
  counts(name: QueueName): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Told about every job run this process finishes (metrics: recorder/src/metrics/job-metrics.ts). */
export type JobObserver = (name: QueueName, outcome: 'completed' | 'failed', seconds: number) => void;

export interface CreateJobQueueOptions {
  /** Redis wins when both are given. */
  redisUrl?: string | undefined;
  /** PostgreSQL used when there is no Redis: normally the product's DATABASE_URL. */
  postgresUrl?: string | undefined;
  /**
   * Keeps separate deployments (or test runs) on one server apart: the Redis key prefix
   * (default 'bull') or the PostgreSQL schema (default 'bullmq'; letters, digits, _).
   */
  namespace?: string | undefined;
  logger: Logger;
  observe?: JobObserver;
}

/** Defaults for every job: 3 attempts, 5 s → 10 s → 20 s backoff, bounded history. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

// Both backends expose the same Queue/Worker surface; only construction differs.
type AnyQueue = Queue;
type AnyWorker = Worker;

interface BackendParts {
  kind: QueueBackendKind;
  newQueue(name: string): AnyQueue;
  newWorker(name: string, processor: (job: Job) => Promise<void>, concurrency: number): AnyWorker;
  close(): Promise<void>;
}

function redisParts(url: string, prefix: string | undefined): BackendParts {
  const connections: Redis[] = [];
  // Workers block on Redis; BullMQ requires maxRetriesPerRequest null for them.
  const connect = () => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  return {
    kind: 'redis',
    newQueue: (name) =>
      new Queue(name, { connection: connect(), defaultJobOptions: DEFAULT_JOB_OPTIONS, ...(prefix ? { prefix } : {}) }),
    newWorker: (name, processor, concurrency) =>
      new Worker(name, processor, { connection: connect(), concurrency, ...(prefix ? { prefix } : {}) }),
    close: async () => {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

function postgresParts(url: string, schema: string | undefined): BackendParts {
  const pg = withBackend(createPostgresBackend);
  // Each Queue/Worker owns a small pool plus (workers) one LISTEN connection.
  const connection = {
    connectionString: url,
    migrate: true,
    max: 2,
    application_name: 'proctor-jobs',
    ...(schema ? { schema } : {}),
  };
  return {
    kind: 'postgres',
    newQueue: (name) => new pg.Queue(name, { connection, defaultJobOptions: DEFAULT_JOB_OPTIONS }) as unknown as AnyQueue,
    newWorker: (name, processor, concurrency) =>
      new pg.Worker(name, processor, { connection, concurrency }) as unknown as AnyWorker,
    close: async () => {},
  };
}

export function createJobQueue(opts: CreateJobQueueOptions): JobQueue {
  let parts: BackendParts;
  if (opts.redisUrl) parts = redisParts(opts.redisUrl, opts.namespace);
  else if (opts.postgresUrl) parts = postgresParts(opts.postgresUrl, opts.namespace);
  else throw new Error('createJobQueue needs redisUrl (REDIS_URL) or postgresUrl (DATABASE_URL)');
  const logger = opts.logger.child({ component: 'queue', backend: parts.kind });

  const queues = new Map<string, AnyQueue>();
  const workers = new Set<AnyWorker>();
  const queueFor = (name: string): AnyQueue => {
    let q = queues.get(name);
    if (!q) {
      q = parts.newQueue(name);
      q.on('error', (err) => logger.error({ err, queue: name }, 'queue error'));
      queues.set(name, q);
    }
    return q;
  };

  return {
    backend: parts.kind,

    async add(name, data, addOpts = {}) {
      const payload = jobPayloadSchemas[name].parse(data);
      await queueFor(name).add(name, payload, {
        ...(addOpts.jobId ? { jobId: addOpts.jobId } : {}),
        ...(addOpts.delayMs ? { delay: addOpts.delayMs } : {}),
        ...(addOpts.attempts ? { attempts: addOpts.attempts } : {}),
        ...(addOpts.backoffMs ? { backoff: { type: 'exponential', delay: addOpts.backoffMs } } : {}),
      });
    },

    process(name, handler, processOpts = {}) {
      const worker = parts.newWorker(
        name,
        async (job) => {
          const parsed = jobPayloadSchemas[name].safeParse(job.data);
          // A malformed payload will never succeed: fail it without retries.
          if (!parsed.success) throw new UnrecoverableError(`invalid ${name} payload: ${parsed.error.message}`);
          const maxAttempts = job.opts.attempts ?? 1;
          const attempt = job.attemptsMade + 1;
          const started = performance.now();
          let outcome: 'completed' | 'failed' = 'failed';
          try {
            await handler(parsed.data as JobPayload<typeof name>, {
              id: job.id ?? '',
              attempt,
              maxAttempts,
              isFinalAttempt: attempt >= maxAttempts,
            });
            outcome = 'completed';
          } finally {
            opts.observe?.(name, outcome, (performance.now() - started) / 1000);
          }
        },
        processOpts.concurrency ?? 1,
      );
      worker.on('failed', (job, err) =>
        logger.warn({ err, queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'job failed'),
      );
      worker.on('error', (err) => logger.error({ err, queue: name }, 'worker error'));
      workers.add(worker);
      return {
        close: async () => {
          workers.delete(worker);
          await worker.close();
        },
      };
    },

    async counts(name) {
      return queueFor(name).getJobCounts();
    },

    async close() {
      await Promise.all([...workers].map((w) => w.close()));
      workers.clear();
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
      await parts.close();
    },
  };
}
