/**
 * The separate jobs process for multi-node deployments:
 *   node --import tsx recorder/src/jobs/main.ts
 *
 *   DATABASE_URL    required (the product database).
 *   REDIS_URL       the queue; unset → BullMQ's PostgreSQL backend in DATABASE_URL.
 *   RECORDINGS_DIR  the recordings root shared with the media nodes
 *                   (default DATA_DIR/recordings, DATA_DIR default <repo>/.data, as the media node).
 *   JOBS_CONCURRENCY finalise jobs in parallel (default 2).
 *   REPORTS_DIR     where report exports (.xlsx) are written, shared with the media nodes that
 *                   serve them (default DATA_DIR/reports).
 *   SMTP_URL        mail server for e-mailed photo reports (MAIL_FROM sets the sender);
 *                   unset → those jobs fail saying so (a media node running the jobs inline
 *                   passes its own mailer, /dev/mail in the demo).
 *   METRICS_PORT    Prometheus /metrics (queue depths, job outcomes and durations) on this
 *                   port of METRICS_HOST (default 127.0.0.1); unset = off.
 *   WEBHOOK_DELIVERY_RETENTION_DAYS  settled webhook deliveries are deleted after this many
 *                   days by the daily retention run (default 30, as the media node's).
 *   LOG_LEVEL, LOG_FORMAT  as for the media node (pretty on a terminal, JSON otherwise).
 *
 * It does not migrate the database: the media nodes do that on start.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '@proctor/db';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { resolveFfmpeg } from '../ffmpeg.ts';
import { jobObserverFor, registerQueueDepths } from '../metrics/job-metrics.ts';
import { serveMetrics } from '../metrics/metrics-server.ts';
import { createProcessLogger } from '../process-logger.ts';
import { createJobQueue } from '../queue.ts';
import { smtpAttachmentMailer } from '../photo-report/smtp-mailer.ts';
import { startJobWorkers } from './worker.ts';
import { webhookDeliveryRetentionDaysFromEnv } from './retention.ts';

const log = createProcessLogger({
  level: process.env.LOG_LEVEL || 'info',
  format: process.env.LOG_FORMAT === 'json' || (process.env.LOG_FORMAT !== 'pretty' && !process.stdout.isTTY) ? 'json' : 'pretty',
});

function metricsPort(): number | undefined {
  const raw = process.env.METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`METRICS_PORT must be a port number, got "${raw}"`);
  return port;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required');
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(repoRoot, '.data'));
  const recordingsDir = path.resolve(process.env.RECORDINGS_DIR ?? path.join(dataDir, 'recordings'));
  const ffmpeg = resolveFfmpeg(); // fails here, once, with the install hint

  const port = metricsPort();
  const registry = port === undefined ? undefined : new Registry();
  const db = createDb(databaseUrl, { applicationName: 'proctor-jobs' });
  const queue = createJobQueue({
    redisUrl: process.env.REDIS_URL || undefined,
    postgresUrl: process.env.REDIS_URL ? undefined : databaseUrl,
    logger: log,
    ...(registry ? { observe: jobObserverFor(registry) } : {}),
  });
  let metrics: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  if (registry && port !== undefined) {
    collectDefaultMetrics({ register: registry, prefix: 'proctor_jobs_process_' });
    registerQueueDepths(registry, queue);
    metrics = await serveMetrics(registry, { host: process.env.METRICS_HOST || '127.0.0.1', port });
  }
  const workers = await startJobWorkers({
    db,
    queue,
    recordingsDir,
    logger: log,
    ffmpeg,
    mailer: process.env.SMTP_URL ? smtpAttachmentMailer(process.env.SMTP_URL, process.env.MAIL_FROM ?? 'Proctor <no-reply@localhost>') : null,
    concurrency: Number(process.env.JOBS_CONCURRENCY ?? 2),
    overdueSweep: true,
    retentionSchedule: true,
    webhookDeliveryRetentionDays: webhookDeliveryRetentionDaysFromEnv(),
  });
  log.info({ backend: queue.backend, recordingsDir, metrics: metrics?.url }, 'jobs process ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Lets running jobs finish; an interrupted remux is retried (the original is untouched until rename).
    await workers.close();
    await metrics?.close();
    await queue.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'jobs process failed to start');
  process.exit(1);
});
