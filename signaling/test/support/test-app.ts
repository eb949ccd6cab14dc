/**
 * The HTTP app of one test file on its own database: buildApp without mediasoup workers or
 * a web build, a silent log (TEST_LOG_LEVEL to see it), sign-in by password through the
 * real AuthService whose mail goes nowhere. `extra` adds or overrides buildApp's options.
 */
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import { buildApp, type AppDeps } from '../../src/http/app.ts';
import { AuthService } from '../../src/services/auth.service.ts';
import { PUBLIC_URL } from '../auth-harness.ts';

export function buildTestApp(db: Kysely<DB>, extra: Partial<Omit<AppDeps, 'db'>> = {}): Promise<FastifyInstance> {
  const log = extra.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const auth = extra.auth ?? new AuthService({ db, mailer: { send: async () => undefined }, publicUrl: PUBLIC_URL, log });
  return buildApp({ log, db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, ...extra });
}
