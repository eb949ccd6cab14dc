// @proctor/recorder: records candidate producers as RTP dumps (no process per track) and converts them in jobs.
export {
  chromiumPathFromEnv,
  dataDirFromEnv,
  evidenceKeyFromEnv,
  FfmpegNotFoundError,
  type FfmpegPaths,
  recordingsDirFromEnv,
  reportsDirFromEnv,
  resolveFfmpeg,
  tapModeFromEnv,
} from './config.ts';
export { type ProbeResult, probe, probeDuration } from './ffmpeg.ts';
export { mediaCodecOf, RtpTap, type TapTrack, type TapTrackInput } from './tap/rtp-tap.ts';
export { type TapHostMode } from './tap/tap-host.ts';
export { FLUSH_INTERVAL_MS, TapReceiver, type TapStats, type TrackResult, type TrackSpec } from './tap/tap-receiver.ts';
export * from './dump/rtp-dump-format.ts';
export {
  type ProducerSource,
  type RecordingFailure,
  RecordingService,
  type RecordingServiceOptions,
  type StartRecordingInput,
  recordingRelativePath,
} from './recording-service.ts';
export {
  type AddJobOptions,
  createJobQueue,
  type CreateJobQueueOptions,
  DEFAULT_JOB_OPTIONS,
  type JobConsumer,
  type JobContext,
  type JobHandler,
  type JobObserver,
  type JobQueue,
  type QueueBackendKind,
} from './queue.ts';
export { type FinaliseRecordingPayload, finaliseJobId, type JobPayload, type QueueName, QUEUES } from './jobs/types.ts';
export { finaliseRecording, resolveRecordingPath } from './jobs/finalise-recording.ts';
export { type JobWorkers, requeueStoppedRecordings, startJobWorkers, type StartJobWorkersOptions } from './jobs/worker.ts';
export { closePdfBrowser, PDF_BASE_CSS, PDF_FONT_FAMILY, renderPdf, type RenderPdfOptions } from './pdf/render-pdf.ts';
export { type ReportExportPayload, reportExportJobId } from './jobs/types.ts';
export { exportReport, type ExportReportDeps } from './jobs/export-report.ts';
export { type WriteExamReportOptions, type WrittenReport, writeExamReport } from './reports/exam-report-xlsx.ts';
export { type GradeSheet, gradeSheetXlsx } from './reports/grade-sheet-xlsx.ts';
export { gradeSheetHtml } from './reports/grade-sheet-html.ts';
export { REPORT_TEXTS, type ReportTexts, reportTexts } from './reports/report-texts.ts';
export { exportRelativePath, resolveReportPath } from './reports/reports-dir.ts';
export { type PhotoReportEmailPayload, snapshotsJobId, type ViolationSnapshotsPayload } from './jobs/types.ts';
export { enqueueMissingSnapshots, snapshotRelativePath, type SnapshotOutcome, snapshotSources, snapshotViolations } from './jobs/snapshot-violations.ts';
export { type AttachmentMailer, emailPhotoReport, type MailAttachment, PHOTO_REPORT_EMAIL_FAILED, PHOTO_REPORT_EMAILED } from './jobs/email-photo-report.ts';
export { loadPhotoCard, type PhotoCard, type PhotoCardEvent } from './photo-report/card-data.ts';
export { type CardPictures, loadCardPictures, renderPhotoCardHtml } from './photo-report/card-html.ts';
export { CARD_TEXTS, type CardTexts } from './photo-report/card-texts.ts';
export { type PhotoReportPdf, renderPhotoReportPdf } from './photo-report/photo-report-pdf.ts';
export { smtpAttachmentMailer } from './photo-report/smtp-mailer.ts';
export { FaceAnalyser, type FaceObservation, type FrameAnalysis, MIN_FACE_SCORE, type RgbFrame } from './face/face-analyser.ts';
export { CROP_SCALE, descriptorSimilarity, type PixelBox, recognitionCrop } from './face/face-crop.ts';
export { type FaceQuality, faceQuality, MAX_IDENTITY_YAW_DEG, MIN_FACE_BRIGHTNESS, MIN_FACE_WIDTH_PX } from './face/face-quality.ts';
export { correctLight, DARK_P99, denoise, DIM_MEAN, isDim, type LightCorrection, type LightStats, lightStats, tooDarkToJudge } from './face/frame-light.ts';
export { FRAME_HEIGHT, FRAME_WIDTH, pictureFrame, sampleFrames, type SampledFrame } from './face/frame-sampler.ts';
export {
  classifyFrame,
  DECISION_RULES,
  type DecisionRule,
  type FaceInterval,
  type FaceViolationType,
  HEAD_TURNED_YAW_DEG,
  type FrameFinding,
  type FrameOutcome,
  intervalsFromFrames,
  OTHER_PERSON_SIMILARITY,
  SAMPLE_EVERY_MS,
  VERIFICATION_MIN_SIMILARITY,
} from './face/face-rules.ts';
export { BACKGROUNDS, type ClipScene, type Crop, makeClip, makePhoto, PORTRAITS } from './face/sample-pictures.ts';
export { enqueueFaceSamplingAfterFinalise, sampleFaces, type SampleFacesOutcome } from './jobs/sample-faces.ts';
export { runHonestyRecompute } from './jobs/recompute-honesty.ts';
export { LTI_SCORE_JOB, type LtiScorePayload } from './jobs/types.ts';
export { type LtiScoreOutcome, sendLtiScore } from './jobs/lti-score.ts';
export { queueLtiScore } from './lti/queue-score.ts';
export { type OnSessionFinished, sweepOverdueSessions } from './jobs/finish-overdue.ts';
export { ensureLtiKey, LTI_KEY_ALG, ltiSigningKey, type LtiSigningKey, publishedLtiJwks, rotateLtiKey } from './lti/keys.ts';
export { AGS_SCOPES, AgsError, clientCredentialsToken, PROCTORING_LINE_ITEM } from './lti/ags-client.ts';
export * from './evidence/index.ts';
export { DATA_DELETED, type RemovalActor, type RemovalDeps, type RemovalOutcome, removeSessionData, SYSTEM_ACTOR } from './data-protection/remove-session-data.ts';
export { type RetentionCounts, runRetention, startRetentionSchedule } from './jobs/retention.ts';
export { jobObserverFor, registerQueueDepths } from './metrics/job-metrics.ts';
export { type MetricsServer, serveMetrics } from './metrics/metrics-server.ts';
export { createProcessLogger, type LogFormat } from './process-logger.ts';
export { advanceChain, type ChainRef, webhookJobId } from './webhooks/chain.ts';
export { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from './webhooks/policy.ts';
export { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, signWebhook, verifyWebhookSignature, type SignatureCheck } from './webhooks/signature.ts';
// Recording without a process per track: the dump → WebM converter (recorder/README.md#rtp-dumps).
export { type ConversionResult, type ConvertMeasurement, convertDump, dumpToWebm, EmptyDumpError } from './dump/dump-to-webm.ts';
export { closeConvertThread, CONVERT_NICE, convertDumpOnThread, DumpInputError } from './dump/convert-thread.ts';
export { isDumpPath, webmPathOf } from './jobs/finalise-dump.ts';
