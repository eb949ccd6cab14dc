/**
 * Job metrics on a real Redis queue: a run that succeeds and one that fails for good are
 * counted with their durations, and the queue depth gauge shows the failed job.
 */
import { afterAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createJobQueue } from '../src/queue.ts';
import { QUEUES } from '../src/jobs/types.ts';
import { jobObserverFor, registerQueueDepths } from '../src/metrics/job-metrics.ts';
import { serveMetrics } from '../src/metrics/metrics-server.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('job metrics', () => {
  const registry = new Registry();
  const queue = createJobQueue({ redisUrl: REDIS_URL, namespace: `metrics_${randomBytes(4).toString('hex')}`, logger, observe: jobObserverFor(registry) });
  registerQueueDepths(registry, queue);
  afterAll(() => queue.close());

  it('count finished runs by outcome and show failed jobs in the queue depth', async () => {
    const seen: string[] = [];
    const consumer = queue.process(QUEUES.finaliseRecording, async ({ recordingId }) => {
      seen.push(recordingId);
      if (seen.length === 2) throw new Error('this one fails');
    });
    await queue.add(QUEUES.finaliseRecording, { recordingId: randomUUID() });
    await queue.add(QUEUES.finaliseRecording, { recordingId: randomUUID() }, { attempts: 1 });
    for (let i = 0; i < 100 && (await queue.counts(QUEUES.finaliseRecording)).failed !== 1; i++) await new Promise((r) => setTimeout(r, 100));
    await consumer.close();

    const server = await serveMetrics(registry, { host: '127.0.0.1', port: 0 });
    try {
      const text = await (await fetch(server.url)).text();
      assert.equal(sample(text, 'proctor_jobs_finished_total{queue="recording-finalise",outcome="completed"}'), 1);
      assert.equal(sample(text, 'proctor_jobs_finished_total{queue="recording-finalise",outcome="failed"}'), 1);
      assert.equal(sample(text, 'proctor_job_duration_seconds_count{queue="recording-finalise"}'), 2);
      assert.equal(sample(text, 'proctor_job_queue_jobs{queue="recording-finalise",state="failed"}'), 1);
      assert.equal(sample(text, 'proctor_job_queue_jobs{queue="recording-finalise",state="waiting"}'), 0);
      // Only /metrics is served on that port.
      assert.equal((await fetch(server.url.replace('/metrics', '/'))).status, 404);
    } finally {
      await server.close();
    }
  });
});
