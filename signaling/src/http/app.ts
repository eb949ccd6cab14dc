/**
 * The fastify app of a media node: health, the HTTP API under /api/ (sign-in, …), then the
 * SvelteKit UI for every other path (socket.io answers /socket.io/ on the same server
 * before fastify sees it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import type { WorkerPool } from '@proctor/sfu';
import type { AuthService } from '../services/auth.service.ts';
import type { DevMailbox } from '../services/mail.service.ts';
import { installApiErrors } from './errors.ts';
import { authPlugin } from './auth.plugin.ts';
import { DEV_MAIL_PATH } from './routes/dev-mail.routes.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { resultsRoutes } from './routes/results.routes.ts';
import { ResultsService, type EmitSessionChanged } from '../services/results.service.ts';

type NodeHandler = (req: unknown, res: unknown, next: () => void) => void;

export interface AppDeps {
  log: Logger;
  db: Kysely<DB>;
  /** Only what /healthz reads, so API tests can run without mediasoup workers. */
  pool: Pick<WorkerPool, 'pids' | 'size'>;
  webBuildDir: string | null;
  auth: AuthService;
  /** The in-process demo inbox (no SMTP_URL), shown at /dev/mail; null otherwise. */
  devMailbox: DevMailbox | null;
  /**
   * Pushes `results:session` to the exam's proctor room when a Results row changes. Called
   * only while handling requests, so it may close over a socket server created after
   * buildApp. Omitted (API-only tests), changes are simply not pushed.
   */
  emitSessionChanged?: EmitSessionChanged;
}

async function loadWebHandler(dir: string | null, log: Logger): Promise<NodeHandler | undefined> {
  if (!dir) return undefined;
  const file = path.join(dir, 'handler.js');
  if (!fs.existsSync(file)) {
    log.warn({ file }, 'web UI is not built (run `pnpm build:web`); serving the API only');
    return undefined;
  }
  const mod = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
  return mod.handler;
}

export async function buildApp({ log, db, pool, webBuildDir, auth, devMailbox, emitSessionChanged }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger, bodyLimit: 1024 * 1024, trustProxy: true });
  installApiErrors(app);
  await app.register(authPlugin, { auth, devMailbox });
  await app.register(adminRoutes, { db, auth });
  await app.register(resultsRoutes, { results: new ResultsService({ db, emitSessionChanged: emitSessionChanged ?? (() => {}) }) });

  app.get('/healthz', async (_req, reply) => {
    const workers = pool.pids().filter((pid) => pid > 0).length;
    const dbOk = await sql`select 1`.execute(db).then(() => true, () => false);
    const ok = dbOk && workers === pool.size;
    return reply.code(ok ? 200 : 503).send({ ok, db: dbOk, workers, expectedWorkers: pool.size });
  });

  const web = await loadWebHandler(webBuildDir, log);
  if (web) {
    // Hand everything that is not ours to SvelteKit before fastify parses a body.
    app.addHook('onRequest', async (req, reply) => {
      const url = req.raw.url ?? '/';
      if (url === '/healthz' || url.startsWith('/api/') || url.startsWith(DEV_MAIL_PATH)) return;
      reply.hijack();
      web(req.raw, reply.raw, () => {
        reply.raw.statusCode = 404;
        reply.raw.end('Not found');
      });
    });
  }
  return app;
}
