/**
 * The separate jobs process for multi-node deployments:
 *   node --import tsx recorder/src/jobs/main.ts
 *
 * Its settings (DATABASE_URL required, REDIS_URL, RECORDINGS_DIR, REPORTS_DIR, SMTP_URL,
 * JOBS_CONCURRENCY, METRICS_PORT, WEBHOOK_DELIVERY_RETENTION_DAYS, LOG_LEVEL, …) are read and checked in ../config.ts
 * (`jobsConfigFromEnv`); a wrong one stops it at start-up, saying which.
 *
 * It does not migrate the database: the media nodes do that on start.
 */
import { createDb } from '@proctor/db';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { jobsConfigFromEnv, logConfigFromEnv } from '../config.ts';
import { jobObserverFor, registerQueueDepths } from '../metrics/job-metrics.ts';
import { serveMetrics } from '../metrics/metrics-server.ts';
import { createProcessLogger } from '../process-logger.ts';
import { createJobQueue } from '../queue.ts';
import { smtpAttachmentMailer } from '../photo-report/smtp-mailer.ts';
import { startJobWorkers } from './worker.ts';

const log = createProcessLogger(logConfigFromEnv());

async function main(): Promise<void> {
  const config = jobsConfigFromEnv();
  const registry = config.metrics ? new Registry() : undefined;
  const db = createDb(config.databaseUrl, { applicationName: 'proctor-jobs' });
  const queue = createJobQueue({
    redisUrl: config.redisUrl,
    postgresUrl: config.redisUrl ? undefined : config.databaseUrl,
    logger: log,
    ...(registry ? { observe: jobObserverFor(registry) } : {}),
  });
  let metrics: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  if (registry && config.metrics) {
    collectDefaultMetrics({ register: registry, prefix: 'proctor_jobs_process_' });
    registerQueueDepths(registry, queue);
    metrics = await serveMetrics(registry, config.metrics);
  }
  const workers = await startJobWorkers({
    db,
    queue,
    recordingsDir: config.recordingsDir,
    reportsDir: config.reportsDir,
    logger: log,
    ffmpeg: config.ffmpeg,
    mailer: config.smtp ? smtpAttachmentMailer(config.smtp.url, config.smtp.from) : null,
    concurrency: config.concurrency,
    overdueSweep: true,
    retentionSchedule: true,
    webhookDeliveryRetentionDays: config.webhookDeliveryRetentionDays,
  });
  log.info({ backend: queue.backend, recordingsDir: config.recordingsDir, metrics: metrics?.url }, 'jobs process ready');

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
