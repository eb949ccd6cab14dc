/**
 * Media node entry point (`pnpm start` runs it through infra/scripts/start.sh).
 *
 *   DATABASE_URL unset → an embedded PostgreSQL under DATA_DIR/pg (single machine).
 *   REDIS_URL unset    → the job workers run inside this process; the queue lives in
 *                        PostgreSQL (BullMQ's PostgreSQL backend), so nothing else is needed.
 *   SMTP_URL unset     → e-mails (password reset) stay in memory, readable at /dev/mail.
 *   --demo             → seed demo data once and print sign-in links and passwords
 *                        (last, after every start-up line; again when `?` is typed); serve
 *                        the sample assessment (DEMO_ASSESSMENT_PORT, default PORT + 1) and
 *                        give the seeded history real one-minute recordings (cached).
 *   TURN_URLS, NODE_URL, METRICS_PORT, LOG_FORMAT, … → config.ts and infra/README.md.
 *
 * With both URLs set this is one media node of many; run `recorder/src/jobs/main.ts`
 * as the separate jobs process (see infra/README.md).
 */
import path from 'node:path';
import { Registry } from 'prom-client';
import { createDb, migrateToLatest } from '@proctor/db';
import { startEmbeddedPostgres } from '@proctor/db/embedded';
import { createJobQueue, createProcessLogger, jobObserverFor, startJobWorkers } from '@proctor/recorder';
import { mediaConfigFromEnv } from '@proctor/sfu';
import { nodeConfigFromEnv, type NodeConfig } from './config.ts';
import { startMediaNode } from './media-node.ts';
import { printDemo, seedDemo, useSampleAssessment } from './cli/demo.ts';
import { listenForHelpKey } from './cli/demo-keys.ts';
import { seedDemoRecordings } from './cli/demo-recordings.ts';
import { startSampleAssessment, type SampleAssessment } from './cli/sample-assessment.ts';
import { DEV_MAIL_PATH } from './http/routes/dev-mail.routes.ts';

function configOrExit(): NodeConfig {
  try {
    return nodeConfigFromEnv();
  } catch (err) {
    // A wrong setting is the admin's to fix: say which, without a stack trace.
    process.stderr.write(`proctor: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

const cfg = configOrExit();
const log = createProcessLogger(cfg.log);

async function main(): Promise<void> {
  const media = mediaConfigFromEnv();
  const demo = process.argv.includes('--demo');

  let databaseUrl = cfg.databaseUrl;
  const embedded = databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(cfg.dataDir, 'pg'), port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) });
  databaseUrl ??= embedded!.url;
  const db = createDb(databaseUrl);
  await migrateToLatest(db);

  const metrics = cfg.metrics.port === undefined ? undefined : { host: cfg.metrics.host, port: cfg.metrics.port, registry: new Registry() };
  // No Redis: BullMQ's PostgreSQL backend keeps the same queue code on the one database.
  const queue = createJobQueue({
    redisUrl: cfg.redisUrl,
    postgresUrl: cfg.redisUrl ? undefined : databaseUrl,
    logger: log.child({ mod: 'queue' }),
    // Jobs run by this process (inline) are counted on the node's own /metrics.
    ...(metrics ? { observe: jobObserverFor(metrics.registry) } : {}),
  });
  // Without Redis there is no separate jobs process to reach: run the workers here.
  const inlineJobs = !cfg.redisUrl || process.env.RUN_JOBS === '1';

  const node = await startMediaNode({
    host: cfg.host,
    port: cfg.port,
    db,
    queue,
    recordingsDir: cfg.recordingsDir,
    storage: cfg.storage,
    tokenSecret: cfg.tokenSecret,
    nodeId: cfg.nodeId,
    media,
    webBuildDir: cfg.webBuildDir,
    log,
    publicUrl: cfg.publicUrl,
    dropGraceMs: cfg.mediaDropGraceMs,
    smtpUrl: cfg.smtpUrl,
    mailFrom: cfg.mailFrom,
    redisUrl: cfg.redisUrl,
    demo,
    trustedProxies: cfg.trustedProxies,
    ice: cfg.ice,
    cluster: cfg.cluster,
    metrics,
  });
  // Started after the node so e-mail jobs (photo reports) send through its mailer (SMTP_URL or /dev/mail).
  const jobs = inlineJobs
    ? await startJobWorkers({ db, queue, recordingsDir: cfg.recordingsDir, reportsDir: cfg.storage.reportsDir, logger: log.child({ mod: 'jobs' }), mailer: node.mailer, overdueSweep: true, retentionSchedule: true, webhookDeliveryRetentionDays: cfg.webhookDeliveryRetentionDays, evidenceSigner: node.evidenceSigner })
    : undefined;

  if (!cfg.smtpUrl) {
    log.warn(
      demo
        ? `SMTP_URL is not set: e-mails are not delivered but shown to admins at ${cfg.publicUrl}${DEV_MAIL_PATH} (demo mode)`
        : 'SMTP_URL is not set: e-mails (password resets, photo reports) are not delivered; set SMTP_URL',
    );
  }
  log.info({ keyId: node.evidenceSigner.keyId }, 'evidence signing key');
  if (cfg.ice.turnUrls.length === 0) log.info('TURN_URLS is not set: candidates behind strict firewalls may not connect (infra/README.md, TURN)');
  // The seed is idempotent: a restart reuses the demo rows and moves the exam window to now.
  const seeded = demo ? await seedDemo(db) : undefined;
  let sample: SampleAssessment | undefined;
  if (seeded) {
    const publicUrl = new URL(cfg.publicUrl);
    sample = await startSampleAssessment({
      host: cfg.host,
      port: Number(process.env.DEMO_ASSESSMENT_PORT ?? cfg.port + 1),
      publicHost: publicUrl.hostname,
      platformOrigin: publicUrl.origin,
    });
    await useSampleAssessment(db, seeded.examId, sample.url);
    await seedDemoRecordings(db, { dataDir: cfg.dataDir, recordingsDir: cfg.recordingsDir, proctorUserId: seeded.proctorUserId, nodeId: cfg.nodeId, log });
  }
  log.info(
    { url: cfg.publicUrl, node: cfg.cluster.nodeUrl, workers: media.numWorkers, embeddedDb: !!embedded, inlineJobs, metrics: node.metricsUrl },
    'media node ready',
  );
  // Last, after every start-up line, so the links are what the terminal shows.
  if (seeded) {
    const sampleUrl = sample?.url;
    printDemo(seeded, cfg, sampleUrl);
    listenForHelpKey(
      () => printDemo(seeded, cfg, sampleUrl),
      () => void stop('SIGINT'),
    );
  }

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Jobs first: a running e-mail job still needs the node's mailer.
    await jobs?.close();
    await sample?.close();
    await node.close();
    await queue.close();
    await db.destroy();
    await embedded?.stop();
    process.exit(0);
  }
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, (err as Error).message);
  process.exit(1);
});
