/**
 * The fastify app of a media node: health, then the SvelteKit UI for every other path
 * (socket.io answers /socket.io/ on the same server before fastify sees it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import type { WorkerPool } from '@proctor/sfu';

type NodeHandler = (req: unknown, res: unknown, next: () => void) => void;

export interface AppDeps {
  log: Logger;
  db: Kysely<DB>;
  pool: WorkerPool;
  webBuildDir: string | null;
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

export async function buildApp({ log, db, pool, webBuildDir }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger, bodyLimit: 1024 * 1024, trustProxy: true });

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
      if (url === '/healthz' || url.startsWith('/api/')) return;
      reply.hijack();
      web(req.raw, reply.raw, () => {
        reply.raw.statusCode = 404;
        reply.raw.end('Not found');
      });
    });
  }
  return app;
}
