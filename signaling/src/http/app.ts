/**
 * The fastify app of a media node: health, the HTTP API under /api/ (sign-in, …), then the
 * SvelteKit UI for every other path (socket.io answers /socket.io/ on the same server
 * before fastify sees it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Logger } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import type { WorkerPool } from '@proctor/sfu';
import type { AuthService } from '../services/auth.service.ts';
import type { DevMailbox } from '../services/mail.service.ts';
import { installApiErrors, refuseNulBytes } from './errors.ts';
import { postgresRateLimitStore } from './rate-limit-store.ts';
import { securityHeaders } from './security-headers.ts';
import { authPlugin } from './auth.plugin.ts';
import { DEV_MAIL_PATH } from './routes/dev-mail.routes.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { resultsRoutes } from './routes/results.routes.ts';
import { liveRoutes } from './routes/live.routes.ts';
import { LiveService } from '../services/live.service.ts';
import { ResultsService } from '../services/results.service.ts';
import { createEventBus, type EventBus } from '../events/event-bus.ts';
import { statisticsRoutes } from './routes/statistics.routes.ts';
import { StatisticsService } from '../services/statistics.service.ts';
import { reportRoutes } from './routes/report.routes.ts';
import { ReportService } from '../services/report.service.ts';
import { journeyRoutes } from './routes/journey.routes.ts';
import { deviceUploadRoutes } from './routes/device-upload.routes.ts';
import { DeviceSegmentService } from '../services/device-segment.service.ts';
import { DEVICE_SEGMENT_MAX_BYTES } from '../contract/api/device.ts';
import { JourneyService } from '../services/journey.service.ts';
import { CandidateLinksService } from '../services/candidate-links.service.ts';
import type { FaceChecker } from '../services/face-check.service.ts';
import { PhotoStore } from '../services/admin-photo.service.ts';
import { storageFromEnv } from '../config.ts';
import { CandidatePhotos } from '../services/candidate-photo.service.ts';
import { photoReportRoutes } from './routes/photo-report.routes.ts';
import { PhotoReportService } from '../services/photo-report.service.ts';
import type { EvidenceSigner, JobQueue } from '@proctor/recorder';
import { privacyRoutes } from './routes/privacy.routes.ts';
import { PrivacyService } from '../services/privacy.service.ts';
import { EvidenceService } from '../services/evidence.service.ts';
import { exportsRoutes } from './routes/exports.routes.ts';
import { ExportsService } from '../services/exports.service.ts';
import type { Registry } from 'prom-client';
import type { RoomLinks } from '../cluster/room-links.ts';
import { installRequestLog } from './request-log.ts';
import { installHttpMetrics } from '../metrics/http-metrics.ts';
import { installRoomRedirect } from './room-redirect.ts';
import { assessmentRoutes } from './routes/assessment.routes.ts';
import { examGuardRoutes } from './routes/exam-guard.routes.ts';
import { signOnRoutes } from './routes/sign-on.routes.ts';
import { AssessmentService } from '../services/assessment.service.ts';
import { FramingChecker } from '../services/framing-check.service.ts';
import { SignOnService } from '../services/sign-on.service.ts';
import { deriveGuardKeys } from '../exam-guard/guard-keys.ts';
import { apiV1RateLimitFromEnv, apiV1Routes, type ApiV1RateLimit } from './routes/api-v1.routes.ts';
import { ApiV1WriteService } from '../services/api-v1-write.service.ts';
import { AdminExamService } from '../services/admin-exam.service.ts';
import { HonestyService } from '../services/honesty.service.ts';
import { apiDocsRoutes } from './routes/api-docs.routes.ts';
import { ApiKeyService } from '../services/api-key.service.ts';
import { ApiV1Service } from '../services/api-v1.service.ts';
import type { WebhookService } from '../services/webhook.service.ts';
import { ltiRoutes } from './routes/lti.routes.ts';
import { LtiLaunchService } from '../services/lti-launch.service.ts';
import { LtiAccountsService } from '../services/lti-accounts.service.ts';
import { LtiDeepLinkService } from '../services/lti-deep-link.service.ts';
import { subscribeLtiGrades } from '../services/lti-grades.service.ts';
import { LtiProctoringService } from '../services/lti-proctoring.service.ts';
import { LTI_DEEP_LINK_PAGE, LTI_PATHS } from '../contract/api/lti.ts';

type NodeHandler = (req: unknown, res: unknown, next: () => void) => void;

export interface AppDeps {
  log: Logger;
  db: Kysely<DB>;
  /** Only what /healthz reads, so API tests can run without mediasoup workers. */
  pool: Pick<WorkerPool, 'pids' | 'size'>;
  /**
   * Whether this node's connections to Redis are up (REDIS_URL set), for /healthz; omitted =
   * no Redis. Reported but not counted into `ok`: without Redis a node still serves its exams
   * (pushes stay on this node, new jobs wait until Redis is back), so a balancer must not drop it.
   */
  redisReady?: () => boolean;
  webBuildDir: string | null;
  auth: AuthService;
  /** The in-process demo inbox (no SMTP_URL), shown at /dev/mail; null otherwise. */
  devMailbox: DevMailbox | null;
  /**
   * Domain events published by the routes' services (decisions, views); the media node's
   * subscribers push them to sockets. Omitted (API-only tests): a bus without subscribers.
   */
  events?: EventBus;
  /** Root of the recording files (the detailed report streams them); null = none on this node. */
  recordingsDir?: string | null;
  /** Signs candidate links and checks candidate tokens; without it the journey routes are off (API-only tests). */
  tokenSecret?: string;
  /** Re-checks verification photos on the server (media nodes pass one; API tests may not). */
  faceChecker?: FaceChecker;
  /** The BullMQ queue (snapshot and e-mail jobs); null/omitted = those features are off. */
  jobQueue?: JobQueue | null;
  /** Where report export files are written and read; default from config.ts (REPORTS_DIR). */
  reportsDir?: string;
  /** Where reference photos live; default from config.ts (PHOTOS_DIR). */
  photosDir?: string;
  /** Reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES); default none. */
  trustedProxies?: string[];
  /** Signs the evidence-chain entries this node writes (erasure); without it erasure is off. */
  evidenceSigner?: EvidenceSigner;
  /** Key prefix of the shared rate-limit counters (tests isolate themselves with it). */
  rateLimitPrefix?: string;
  /** Prometheus registry of this node: HTTP latency is recorded into it; omitted = not measured. */
  metrics?: Registry;
  /** Several media nodes: redirects candidate/proctor links to the node holding the exam's room. */
  roomLinks?: RoomLinks;
  /** Largest device-recorded segment accepted (#12); default DEVICE_SEGMENT_MAX_BYTES. */
  deviceSegmentMaxBytes?: number;
  /** Webhook endpoints (admin routes); default one on jobQueue with the default retry policy. */
  webhooks?: WebhookService;
  /** Requests per API key on /api/v1 (default DEFAULT_API_V1_RATE_LIMIT; API_V1_RATE_LIMIT_PER_MINUTE). */
  apiV1RateLimit?: ApiV1RateLimit;
  /** Sees every route as it is registered (the OpenAPI contract test lists /api/v1 with it). */
  onRoute?: (route: RouteOptions) => void;
}

/** Tells the SvelteKit handler the request's real protocol; overwritten on every request. */
const PROTOCOL_HEADER = 'x-proctor-protocol';

async function loadWebHandler(dir: string | null, log: Logger): Promise<NodeHandler | undefined> {
  if (!dir) return undefined;
  const file = path.join(dir, 'handler.js');
  if (!fs.existsSync(file)) {
    log.warn({ file }, 'web UI is not built (run `pnpm build:web`); serving the API only');
    return undefined;
  }
  // adapter-node assumes https unless a header names the protocol; then SvelteKit's own
  // CSRF check refuses every form post on a plain-http node (its origin reads https://…).
  // The header is ours, set on every request below from fastify's view (trusted proxies only).
  process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;
  const mod = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
  return mod.handler;
}

/** Results photos: verification photos under the recordings root, reference photos in `photosDir`. */
export function candidatePhotos(recordingsDir: string | null, photosDir: string = storageFromEnv().photosDir): CandidatePhotos {
  return new CandidatePhotos({ recordingsDir, photos: new PhotoStore(photosDir) });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { log, db, pool, webBuildDir, auth, devMailbox, recordingsDir, tokenSecret, jobQueue, faceChecker, metrics, roomLinks } = deps;
  // Storage paths: as the node passes them (main.ts reads config.ts), else config.ts's defaults.
  const envStorage = storageFromEnv();
  const photosDir = deps.photosDir ?? envStorage.photosDir;
  const reportsDir = deps.reportsDir ?? envStorage.reportsDir;
  const proxies = deps.trustedProxies ?? [];
  // req.ip (limits, audit) comes from X-Forwarded-For only when the peer is a configured proxy.
  // Our own request log (request-log.ts) replaces fastify's: one line, static files at debug.
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: proxies.length ? proxies : false,
    disableRequestLogging: true,
  });
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  installRequestLog(app);
  if (metrics) installHttpMetrics(app, metrics);
  installApiErrors(app);
  refuseNulBytes(app);
  securityHeaders(app);
  await app.register(authPlugin, { auth, devMailbox, rateLimitStore: postgresRateLimitStore(db, deps.rateLimitPrefix) });
  await app.register(adminRoutes, { db, auth, photosDir, jobQueue: jobQueue ?? null, ...(deps.webhooks ? { webhooks: deps.webhooks } : {}) });
  const events = deps.events ?? (await createEventBus({ log }));
  // Rows are pushed by the bus's subscribers, not by this instance.
  const results = new ResultsService({ db, emitSessionChanged: () => {}, photos: candidatePhotos(recordingsDir ?? null, photosDir), events });
  await app.register(resultsRoutes, { results });
  await app.register(liveRoutes, { live: new LiveService(db) });
  await app.register(statisticsRoutes, { statistics: new StatisticsService({ db }) });
  const report = new ReportService({ db, recordingsDir: recordingsDir ?? null, results });
  await app.register(reportRoutes, {
    results,
    report,
    evidence: new EvidenceService({ db, recordingsDir: recordingsDir ?? null }),
  });
  // #13: the REST API for LMS integrations and its OpenAPI document.
  await app.register(apiV1Routes, {
    keys: new ApiKeyService({ db }),
    v1: new ApiV1Service({ db, results, report, publicOrigin: auth.publicOrigin }),
    write: new ApiV1WriteService({
      db,
      // The admin form's own service: same checks, framing check, audit and honesty recompute.
      admin: new AdminExamService({
        db,
        auth,
        photos: new PhotoStore(photosDir),
        log,
        honesty: new HonestyService({ db, queue: jobQueue ?? null }),
        framing: new FramingChecker({ platformOrigin: auth.publicOrigin }),
      }),
      results,
      tokenSecret: tokenSecret ?? null,
      publicOrigin: auth.publicOrigin,
    }),
    rateLimit: deps.apiV1RateLimit ?? apiV1RateLimitFromEnv(process.env),
  });
  await app.register(apiDocsRoutes, { publicOrigin: auth.publicOrigin });
  await app.register(exportsRoutes, { exports: new ExportsService({ db, queue: jobQueue ?? null, reportsDir }) });
  await app.register(photoReportRoutes, {
    photoReport: new PhotoReportService({ db, recordingsDir: recordingsDir ?? null, queue: jobQueue ?? null, log: log.child({ mod: 'photo-report' }) }),
  });
  await app.register(privacyRoutes, {
    privacy: new PrivacyService({ db, recordingsDir: recordingsDir ?? null, photos: new PhotoStore(photosDir), signer: deps.evidenceSigner ?? null, log }),
  });
  if (tokenSecret && recordingsDir) {
    await app.register(journeyRoutes, {
      tokenSecret,
      journey: new JourneyService({ db, photos: new PhotoStore(photosDir), recordingsDir, log, faces: faceChecker }),
      links: new CandidateLinksService({ db, tokenSecret, publicOrigin: auth.publicOrigin }),
    });
    // #12: segments the candidate's device recorded, for the spans the server's recordings lack.
    await app.register(deviceUploadRoutes, {
      tokenSecret,
      maxBytes: deps.deviceSegmentMaxBytes ?? DEVICE_SEGMENT_MAX_BYTES,
      devices: new DeviceSegmentService({ db, recordingsDir, log: log.child({ mod: 'device-segments' }), signer: deps.evidenceSigner ?? null }),
    });
  }
  if (tokenSecret) {
    // #10: the assessment workspace, the exam guard SDK and sign-on links.
    const keys = deriveGuardKeys(tokenSecret);
    const framing = new FramingChecker({ platformOrigin: auth.publicOrigin });
    // #13: LTI proctoring attempts open the platform's quiz through a signed StartAssessment.
    const ltiAccounts = new LtiAccountsService({ db });
    const ltiProctoring = new LtiProctoringService({ db, accounts: ltiAccounts });
    const offProctoring = events.subscribe('session.finished', (e) => ltiProctoring.sessionFinished(e.sessionId));
    app.addHook('onClose', async () => offProctoring());
    const assessment = new AssessmentService({ db, keys, platformOrigin: auth.publicOrigin, framing, ltiProctoring });
    await app.register(assessmentRoutes, { assessment, tokenSecret });
    await app.register(examGuardRoutes, { keys, platformOrigin: auth.publicOrigin, assessment });
    await app.register(signOnRoutes, {
      signOn: new SignOnService({ db, tokenSecret, photos: new PhotoStore(photosDir), log: log.child({ mod: 'sign-on' }) }),
    });
    // #13: the LTI 1.3 tool (login initiation, launch, our JWKS).
    const ltiLog = log.child({ mod: 'lti' });
    await app.register(ltiRoutes, {
      db,
      launches: new LtiLaunchService({ db, publicOrigin: auth.publicOrigin, log: ltiLog }),
      accounts: ltiAccounts,
      deepLinks: new LtiDeepLinkService({ db, publicOrigin: auth.publicOrigin }),
      proctoring: ltiProctoring,
      auth,
      tokenSecret,
      log: ltiLog,
    });
  }
  // Scores back to the LMS after a finish or a decision change (AGS), through the job queue.
  if (jobQueue) {
    const off = subscribeLtiGrades(events, { db, queue: jobQueue, log: log.child({ mod: 'lti' }) });
    app.addHook('onClose', async () => off());
  }

  app.get('/healthz', async (_req, reply) => {
    const workers = pool.pids().filter((pid) => pid > 0).length;
    const dbOk = await sql`select 1`.execute(db).then(() => true, () => false);
    const ok = dbOk && workers === pool.size;
    const redis = deps.redisReady ? { redis: deps.redisReady() } : {};
    return reply.code(ok ? 200 : 503).send({ ok, db: dbOk, ...redis, workers, expectedWorkers: pool.size });
  });

  // Before the UI: a link for a room held by another node must not be served here.
  if (roomLinks) installRoomRedirect(app, roomLinks);
  const web = await loadWebHandler(webBuildDir, log);
  if (web) {
    // Hand everything that is not ours to SvelteKit before fastify parses a body.
    app.addHook('onRequest', async (req, reply) => {
      const url = req.raw.url ?? '/';
      if (url === '/healthz' || url.startsWith('/api/') || url.startsWith('/sdk/') || url.startsWith(DEV_MAIL_PATH)) return;
      if (url.startsWith(LTI_PATHS.login) || url.startsWith(LTI_PATHS.launch) || url.startsWith(LTI_PATHS.jwks)) return;
      reply.hijack();
      req.raw.headers[PROTOCOL_HEADER] = req.protocol;
      // Static files and pages alike: never framed by another site (pages also get a CSP from SvelteKit).
      // The deep-linking picker is opened inside the LMS's frame (its CSP says who may frame it).
      if (!url.startsWith(LTI_DEEP_LINK_PAGE)) reply.raw.setHeader('x-frame-options', 'SAMEORIGIN');
      web(req.raw, reply.raw, () => {
        reply.raw.statusCode = 404;
        reply.raw.end('Not found');
      });
    });
  }
  return app;
}
