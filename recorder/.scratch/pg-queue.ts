import { withBackend, createPostgresBackend, runMigrations } from 'bullmq';
import pg from 'pg';
const url = 'postgres://postgres@127.0.0.1:5432/bullmq_probe';
const { Queue, Worker } = withBackend(createPostgresBackend);
const t0 = Date.now();
const conn = { connectionString: url, migrate: true };
const q = new Queue<{ n: number }>('probe', { connection: conn });
await q.waitUntilReady();
console.log('queue ready', Date.now() - t0);
let attempts = 0;
const done = new Promise<void>((resolve) => {
  const w = new Worker<{ n: number }>('probe', async (job) => {
    attempts++;
    console.log('process', job.id, job.data, job.attemptsMade, Date.now() - t0);
    if (job.attemptsMade < 1) throw new Error('boom');
    return 'ok';
  }, { connection: conn, concurrency: 1 });
  w.on('completed', async (job) => { console.log('completed', job.id, job.returnvalue, Date.now() - t0); await w.close(); resolve(); });
  w.on('failed', (job, err) => console.log('failed', job?.id, err.message, Date.now() - t0));
  w.on('error', (e) => console.log('worker error', e));
});
await q.add('finalise', { n: 1 }, { jobId: 'finalise-1', attempts: 3, backoff: { type: 'exponential', delay: 200 } });
await q.add('finalise', { n: 1 }, { jobId: 'finalise-1', attempts: 3 });
await done;
console.log(await q.getJobCounts());
await q.close();
console.log('closed', attempts);
