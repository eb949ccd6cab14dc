/**
 * The jobs process side: consumes the queues this package defines.
 *
 * On start it also re-enqueues every recording left 'stopped' (its enqueue may have
 * failed, e.g. Redis was down at the moment of stop, or crash recovery just stopped it);
 * job ids are per recording, so a job that is already queued is not duplicated.
 */
import { startOverdueSweep } from './finish-overdue.ts';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import { type FfmpegPaths, reportsDirFromEnv, resolveFfmpeg } from '../config.ts';
import type { JobQueue } from '../queue.ts';
import { finaliseRecording } from './finalise-recording.ts';
import { type AttachmentMailer, emailPhotoReport } from './email-photo-report.ts';
import { enqueueSnapshotsAfterFinalise, snapshotViolations } from './snapshot-violations.ts';
import { exportReport } from './export-report.ts';
import { QUEUES, finaliseJobId } from './types.ts';
import { enqueueFaceSamplingAfterFinalise, sampleFaces } from './sample-faces.ts';
import { runHonestyRecompute } from './recompute-honesty.ts';
import { sendLtiScore } from './lti-score.ts';
import { queueLtiScore } from '../lti/queue-score.ts';
import { countUnsettledRecordings } from '@proctor/db';
import { type EvidenceSigner, evidenceSignerFromEnv, sealRecordingEvidence, sealSessionViolations } from '../evidence/index.ts';
import { startRetentionSchedule } from './retention.ts';
import { deliverWebhook } from '../webhooks/deliver.ts';
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from '../webhooks/policy.ts';
import { raiseRecordingReady } from '../webhooks/outbox.ts';
import { closeConvertThread } from '../dump/convert-thread.ts';

export interface StartJobWorkersOptions {
  db: Db;
  queue: JobQueue;
  recordingsDir: string;
  logger: Logger;
  /** Default: resolveFfmpeg() (throws at start-up when ffmpeg is missing). */
  ffmpeg?: FfmpegPaths;
  /** Parallel finalise jobs. A -c copy remux is disk-bound; default 2. */
  concurrency?: number;
  /** Re-enqueue recordings left 'stopped'. Default true. */
  requeueStopped?: boolean;
  /** Where report exports are written; default reportsDirFromEnv() (REPORTS_DIR or DATA_DIR/reports). */
  reportsDir?: string;
  /** Sends e-mailed photo reports; without it those jobs fail saying SMTP_URL is missing. */
  mailer?: AttachmentMailer | null;
  /** Run server-side face checks on finalised camera recordings. Default true. */
  faceSampling?: boolean;
  /**
   * Finish sessions left in progress after their exam ended, every minute. Off unless asked
   * (the process entry points turn it on): it rewrites whatever the database holds, which a
   * test's hand-made history must not have changed under it.
   */
  overdueSweep?: boolean;
  /** Candidates' reference photos (compared with the camera when no verification photo exists); default none. */
  photosDir?: string | null;
  /** Signs this process's evidence entries; default the key under DATA_DIR (EVIDENCE_SIGNING_KEY overrides). */
  evidenceSigner?: EvidenceSigner;
  /**
   * Run the retention job (deletes what exams keep no longer) at start and then daily. Off
   * unless asked, like the overdue sweep: the process entry points turn it on.
   */
  retentionSchedule?: boolean;
  /** Settled webhook deliveries are deleted this many days after they were made; default 30 (WEBHOOK_DELIVERY_RETENTION_DAYS). */
  webhookDeliveryRetentionDays?: number;
  /** Webhook retries and timeout; default DEFAULT_WEBHOOK_POLICY (≈ 24 h of retries). Media nodes must use the same. */
  webhookPolicy?: WebhookPolicy;
  /** Parallel webhook deliveries (I/O-bound); default 4. */
  webhookConcurrency?: number;
}

export interface JobWorkers {
  close(): Promise<void>;
}

/** Enqueues a finalise job for every 'stopped' recording; returns how many were found. */
export async function requeueStoppedRecordings(db: Db, queue: JobQueue): Promise<number> {
  const rows = await db.selectFrom('recordings').select('id').where('status', '=', 'stopped').execute();
  for (const { id } of rows) {
    await queue.add(QUEUES.finaliseRecording, { recordingId: id }, { jobId: finaliseJobId(id) });
  }
  return rows.length;
}

export async function startJobWorkers(opts: StartJobWorkersOptions): Promise<JobWorkers> {
  const ffmpeg = opts.ffmpeg ?? resolveFfmpeg();
  const logger = opts.logger.child({ component: 'jobs' });
  const signer = await (opts.evidenceSigner ?? evidenceSignerFromEnv()).register(opts.db);
  const deps = { db: opts.db, recordingsDir: opts.recordingsDir, ffmpeg, logger, signer };

  const faceSampling = opts.faceSampling ?? true;
  const finalise = opts.queue.process(
    QUEUES.finaliseRecording,
    async (data, ctx) => {
      const outcome = await finaliseRecording(deps, data, ctx);
      // Media nodes publish it on their bus (webhooks); a retried job raising it again is
      // delivered twice at worst under a new event id, never lost.
      if (outcome.status === 'finalised') await raiseRecordingReady(opts.db, data.recordingId);
      // The file is final now: seal it (idempotent, so a retried job that skipped the remux still seals).
      await sealRecordingEvidence(deps, data.recordingId);
      // The session's last recording settled: its violations can get their snapshots, and
      // a finished session's violations are final.
      if (outcome.sessionId && (await countUnsettledRecordings(opts.db, outcome.sessionId)) === 0) {
        await sealSessionViolations(deps, outcome.sessionId);
      }
      if (outcome.sessionId) await enqueueSnapshotsAfterFinalise(opts.db, opts.queue, outcome.sessionId);
      if (faceSampling) await enqueueFaceSamplingAfterFinalise(opts.db, opts.queue, data.recordingId);
    },
    { concurrency: opts.concurrency ?? 2 },
  );
  // Frame grabs decode a little video each: one session at a time is plenty.
  const snapshots = opts.queue.process(QUEUES.violationSnapshots, async (data) => {
    await snapshotViolations(deps, data);
  });
  // Each renders a PDF in the shared Chromium (render-pdf bounds its pages).
  const photoEmails = opts.queue.process(QUEUES.photoReportEmail, async (data, ctx) => {
    await emailPhotoReport({ db: opts.db, recordingsDir: opts.recordingsDir, mailer: opts.mailer ?? null, logger }, data, ctx);
  });

  // One export at a time: it is CPU-bound (compression) and may run for minutes.
  const reportExports = opts.queue.process(
    QUEUES.reportExport,
    (data, ctx) => exportReport({ db: opts.db, reportsDir: opts.reportsDir ?? reportsDirFromEnv(), logger }, data, ctx),
    { concurrency: 1 },
  );

  // Face analysis is CPU-bound (wasm, one frame at a time): one recording at a time. Its new
  // server findings then get their photo-report snapshots like any other violation.
  const faces = opts.queue.process(
    QUEUES.faceSampling,
    async (data) => {
      const outcome = await sampleFaces({ ...deps, photosDir: opts.photosDir ?? null }, data);
      if (outcome.status === 'sampled' && outcome.sessionId) await enqueueSnapshotsAfterFinalise(opts.db, opts.queue, outcome.sessionId);
    },
    { concurrency: 1 },
  );
  const recompute = opts.queue.process(QUEUES.honestyRecompute, async (data) => {
    await runHonestyRecompute({ db: opts.db, logger }, data);
  });

  // Sending is I/O-bound: several at once; order within a session is kept by the chains.
  const webhooks = opts.queue.process(
    QUEUES.webhookDelivery,
    (data, ctx) => deliverWebhook({ db: opts.db, queue: opts.queue, policy: opts.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY, logger }, data, ctx),
    { concurrency: opts.webhookConcurrency ?? 4 },
  );

  // Scores to LMS platforms (#13): a few HTTP calls each, a handful at a time.
  const ltiScores = opts.queue.process(
    QUEUES.ltiScore,
    async (data, ctx) => {
      await sendLtiScore({ db: opts.db, logger }, data, ctx);
    },
    { concurrency: 4 },
  );

  // A session the sweep finishes gets its LMS score like one finished by the candidate.
  const stopSweep = opts.overdueSweep
    ? startOverdueSweep(opts.db, logger, signer, undefined, (sessionId) => queueLtiScore(opts.db, opts.queue, sessionId))
    : () => {};
  const stopRetention = opts.retentionSchedule
    ? startRetentionSchedule({ db: opts.db, recordingsDir: opts.recordingsDir, signer, logger, webhookDeliveryRetentionDays: opts.webhookDeliveryRetentionDays })
    : () => {};

  if (opts.requeueStopped ?? true) {
    const n = await requeueStoppedRecordings(opts.db, opts.queue);
    if (n > 0) logger.info({ count: n }, 're-enqueued stopped recordings for finalising');
  }

  return {
    close: async () => {
      stopSweep();
      stopRetention();
      await Promise.all([webhooks.close(), ltiScores.close(), faces.close(), recompute.close(), finalise.close(), reportExports.close(), snapshots.close(), photoEmails.close()]);
      // After the finalise consumer: no conversion is in flight any more.
      await closeConvertThread();
    },
  };
}
