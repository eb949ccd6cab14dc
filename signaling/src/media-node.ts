/**
 * A media node: fastify + socket.io + SvelteKit on one port, the mediasoup workers, and
 * live recording. Used by `main.ts`, the demo launcher and the end-to-end tests alike, so
 * what the tests exercise is what runs.
 */
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'socket.io';
import { RoomRegistry, WorkerPool, type MediaConfig } from '@proctor/sfu';
import { endOpenAttemptsOnNode, type DB } from '@proctor/db';
import { evidenceSignerFromEnv, RecordingService, resolveFfmpeg, type EvidenceSigner, type JobQueue, type WebhookPolicy } from '@proctor/recorder';
import { buildApp, candidatePhotos } from './http/app.ts';
import { attachMediaHandlers, createSocketServer, pushSinkFor } from './socket/connection.ts';
import { MediaService } from './media/media-service.ts';
import { resultsEmitter } from './socket/results-channel.ts';
import { storageFromEnv, type StorageConfig } from './config.ts';
import { attachRedisAdapter, type RedisAdapterHandle } from './socket/redis-adapter.ts';
import { ResultsService } from './services/results.service.ts';
import { AuthService } from './services/auth.service.ts';
import { ServerFaceChecker } from './services/face-check.service.ts';
import { ViolationService } from './services/violation.service.ts';
import { attachViolationHandlers, violationPushFor } from './socket/violation-handlers.ts';
import { startMail, type Mailer } from './services/mail.service.ts';
import { createEventBus } from './events/event-bus.ts';
import { subscribeNode } from './events/subscribers.ts';
import { subscribeWebhooks } from './events/webhook-subscriber.ts';
import { startOutboxRelay } from './events/outbox-relay.ts';
import { WebhookService } from './services/webhook.service.ts';
import { Registry } from 'prom-client';
import { serveMetrics, type MetricsServer } from '@proctor/recorder';
import type { IceConfig } from './config.ts';
import { RoomOwnership } from './cluster/room-ownership.ts';
import { RoomLinks } from './cluster/room-links.ts';
import type { RoomGate } from './media/media-service.ts';
import { registerNodeMetrics } from './metrics/node-metrics.ts';
import { installSocketMetrics } from './metrics/socket-metrics.ts';

export interface MediaNodeOptions {
  host: string;
  port: number;
  db: Kysely<DB>;
  queue: JobQueue;
  recordingsDir: string;
  tokenSecret: string;
  nodeId: string;
  media: MediaConfig;
  webBuildDir: string | null;
  log: Logger;
  /** Address users open (e-mailed links, Secure cookies). Default http://localhost:<port>, as in config.ts. */
  publicUrl?: string;
  /** Outgoing mail server; unset = the in-process demo inbox at /dev/mail. */
  smtpUrl?: string;
  /** Sender of e-mails; default no-reply@<public host>. */
  mailFrom?: string;
  /**
   * Several media nodes: socket.io room broadcasts are relayed through this Redis so a
   * proctor connected to another node still gets live pushes. Unset on a single node.
   */
  redisUrl?: string;
  /** Pub/sub channel prefix of that relay (tests isolate themselves with it). */
  socketAdapterKey?: string;
  /** Demo mode (`--demo`): the in-process inbox is shown to admins at /dev/mail. Off = never shown. */
  demo?: boolean;
  /** Reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES). */
  trustedProxies?: string[];
  /** Signs this node's evidence-chain entries; default the key under DATA_DIR (EVIDENCE_SIGNING_KEY overrides). */
  evidenceSigner?: EvidenceSigner;
  /** TURN servers and ICE policy handed to browsers (config.ts `ice`); omitted = none. */
  ice?: IceConfig;
  /**
   * Several media nodes (config.ts `cluster`): exam rooms are leased in PostgreSQL and links
   * opened here for a room held elsewhere are redirected there. `nodeUrl` defaults to the
   * address this node listens on. Omitted = a single node, no leases.
   */
  cluster?: { nodeUrl?: string; leaseSeconds: number };
  /** How long a dropped candidate's attempt waits for `candidate:resume` (config.ts `mediaDropGraceMs`); default 30 s. */
  dropGraceMs?: number;
  /** Prometheus `/metrics` on its own port (config.ts `metrics`); omitted = off. */
  metrics?: { host: string; port: number; registry?: Registry };
  /** Webhook retries and timeout; must match the jobs process's (default DEFAULT_WEBHOOK_POLICY). */
  webhookPolicy?: WebhookPolicy;
  /** How often the domain-event outbox (recording.ready from the jobs process) is read; default 1 s. */
  outboxIntervalMs?: number;
  /** Reference photos and report exports (config.ts); default from the environment. */
  storage?: StorageConfig;
}

export interface MediaNode {
  url: string;
  port: number;
  app: FastifyInstance;
  io: Server;
  pool: WorkerPool;
  rooms: RoomRegistry;
  media: MediaService;
  recordings: RecordingService;
  /** This node's outgoing mail (SMTP_URL or the demo inbox): job workers run in-process use it too. */
  mailer: Mailer;
  /** This node's evidence key (registered): job workers run in-process sign with it too. */
  evidenceSigner: EvidenceSigner;
  /** Where `/metrics` answers, when enabled. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

export async function startMediaNode(opts: MediaNodeOptions): Promise<MediaNode> {
  const { log, db } = opts;
  // Fail at start-up, not at the first candidate, when the face checks (and the jobs run
  // in-process) can't work; recording itself needs no ffmpeg.
  const ffmpeg = resolveFfmpeg();
  const storage = opts.storage ?? storageFromEnv();

  // When this node came back: the end of attempts a crash left open without a recording.
  const restartedAt = new Date();
  const pool = await WorkerPool.start(opts.media);
  pool.on('died', (index, error) => log.error({ index, err: error }, 'mediasoup worker died; replacing it'));
  pool.on('replaced', (index, worker) => log.warn({ index, pid: worker.pid }, 'mediasoup worker replaced'));
  const rooms = new RoomRegistry(pool, opts.media);
  const recordings = new RecordingService({
    db,
    recordingsDir: opts.recordingsDir,
    queue: opts.queue,
    logger: log.child({ mod: 'recorder' }),
  });
  // Recording observes the rooms: every tagged producer is recorded until it closes.
  recordings.observe(rooms);

  const publicUrl = opts.publicUrl ?? `http://localhost:${opts.port}`;
  const mail = await startMail({
    smtpUrl: opts.smtpUrl,
    from: opts.mailFrom ?? `Proctor <no-reply@${new URL(publicUrl).hostname}>`,
    log: log.child({ mod: 'mail' }),
  });
  const auth = new AuthService({ db, mailer: mail.mailer, publicUrl, log: log.child({ mod: 'auth' }) });
  const evidenceSigner = await (opts.evidenceSigner ?? evidenceSignerFromEnv(undefined, opts.nodeId)).register(db);
  // Recordings this node left open when it last died: close their rows, finalise the files.
  await recordings.recoverInterrupted(opts.nodeId);
  // Its attempts can never be continued (their transports died with it): they end where their
  // recovered recordings end, i.e. at the crash; the pages join again as a new attempt.
  await endOpenAttemptsOnNode(db, opts.nodeId, restartedAt, 'node_restarted');

  let io: Server | undefined;
  // Created once the listening address (the default node URL) is known; no request arrives before.
  let ownership: RoomOwnership | undefined;
  const gate: RoomGate | undefined = opts.cluster && {
    claim: (examId) => ownership!.claim(examId),
    release: (examId) => ownership!.release(examId),
    get home() {
      return ownership?.home;
    },
  };
  const metricsRegistry = opts.metrics ? (opts.metrics.registry ?? new Registry()) : undefined;
  const emitSessionChanged = resultsEmitter(() => io);
  const events = await createEventBus({ log: log.child({ mod: 'events' }), redisUrl: opts.redisUrl, channel: opts.socketAdapterKey && `${opts.socketAdapterKey}:domain-events` });
  const sessionRows = new ResultsService({ db, emitSessionChanged, photos: candidatePhotos(opts.recordingsDir, storage.photosDir), events });
  const webhooks = new WebhookService({ db, queue: opts.queue, ...(opts.webhookPolicy ? { policy: opts.webhookPolicy } : {}) });
  // Attached once socket.io exists (after the app); /healthz reads it per request.
  let relay: RedisAdapterHandle | undefined;
  const app = await buildApp({
    log,
    db,
    webhooks,
    pool,
    ...(opts.redisUrl ? { redisReady: () => relay?.ready() ?? false } : {}),
    webBuildDir: opts.webBuildDir,
    auth,
    // Caught mail holds reset links: readable only in a demo (and there by admins only).
    devMailbox: opts.demo ? mail.devMailbox : null,
    events,
    recordingsDir: opts.recordingsDir,
    photosDir: storage.photosDir,
    reportsDir: storage.reportsDir,
    tokenSecret: opts.tokenSecret,
    jobQueue: opts.queue,
    faceChecker: new ServerFaceChecker(ffmpeg.ffmpeg),
    trustedProxies: opts.trustedProxies,
    evidenceSigner,
    metrics: metricsRegistry,
    roomLinks:
      gate &&
      new RoomLinks({
        db,
        tokenSecret: opts.tokenSecret,
        claim: gate.claim,
        sessionClaims: (headers) => auth.socketClaims(headers),
        log: log.child({ mod: 'cluster' }),
      }),
  });
  io = createSocketServer(app.server, opts.tokenSecret, auth);
  relay = opts.redisUrl ? await attachRedisAdapter(io, opts.redisUrl, log.child({ mod: 'socket-relay' }), opts.socketAdapterKey) : undefined;
  const media = new MediaService({
    db,
    rooms,
    recordings,
    media: opts.media,
    push: pushSinkFor(io),
    nodeId: opts.nodeId,
    log: log.child({ mod: 'media' }),
    events,
    ice: opts.ice,
    ownership: gate,
    dropGraceMs: opts.dropGraceMs,
  });
  attachMediaHandlers(io, media, db, log.child({ mod: 'socket' }));
  const violations: ViolationService = new ViolationService({
    db,
    events,
    log: log.child({ mod: 'violations' }),
  });
  attachViolationHandlers(io, violations, log.child({ mod: 'socket' }));
  subscribeNode(events, {
    db,
    settleFindings: (sessionId) => violations.candidateGone(sessionId),
    pushRow: (sessionId) => sessionRows.publishSession(sessionId),
    violationPush: violationPushFor(() => io),
  });
  subscribeWebhooks(events, { db, queue: opts.queue, policy: webhooks.policy, log: log.child({ mod: 'webhooks' }) });
  const outbox = startOutboxRelay({ db, bus: events, log: log.child({ mod: 'outbox' }), ...(opts.outboxIntervalMs ? { intervalMs: opts.outboxIntervalMs } : {}) });
  if (metricsRegistry) {
    registerNodeMetrics({ registry: metricsRegistry, pool, live: () => media.liveCounts(), recordings, queue: opts.queue });
    installSocketMetrics(io, metricsRegistry);
  }
  await app.listen({ host: opts.host, port: opts.port });
  const port = (app.server.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const url = `http://${shownHost}:${port}`;

  if (opts.cluster) {
    ownership = new RoomOwnership({
      db,
      nodeId: opts.nodeId,
      nodeUrl: opts.cluster.nodeUrl ?? url,
      // Without a PUBLIC_URL of its own there is no shared entry address to come back to.
      entryUrl: opts.publicUrl ? new URL(opts.publicUrl).origin : (opts.cluster.nodeUrl ?? url),
      leaseSeconds: opts.cluster.leaseSeconds,
      log: log.child({ mod: 'cluster' }),
      liveRooms: () => media.liveExamIds(),
      onLost: (examIds) => void media.roomsMoved(examIds).catch((err: unknown) => log.error({ err }, 'moving rooms failed')),
    });
    ownership.start();
  }
  const metricsServer: MetricsServer | undefined = opts.metrics && metricsRegistry ? await serveMetrics(metricsRegistry, opts.metrics) : undefined;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    app,
    io,
    pool,
    rooms,
    media,
    recordings,
    mailer: mail.mailer,
    evidenceSigner,
    metricsUrl: metricsServer?.url,
    close() {
      closing ??= (async () => {
        await media.shutdown();
        // Rooms go back at once, so their browsers' next node takes them without waiting for the lease.
        await ownership?.close();
        await recordings.stopAll();
        // Closing the sockets runs their disconnect handlers; wait for what they started.
        io.close();
        await violations.close();
        await relay?.close();
        await outbox.close();
        await events.close();
        await app.close();
        await metricsServer?.close();
        await mail.close();
        rooms.closeAll();
        await pool.close();
      })();
      return closing;
    },
  };
}
