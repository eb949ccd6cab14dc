/**
 * The HTTP app with sign-in for one test file: a fresh PostgreSQL database seeded with the
 * demo admin and proctor (demo passwords), the in-process SMTP inbox, and a clock the test
 * can move. Built with buildApp directly (no mediasoup workers, no recorder).
 */
import { pino } from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import type { MediaDemo } from '@proctor/db';
import { buildApp } from '../src/http/app.ts';
import { AuthService, type AuthLimits } from '../src/services/auth.service.ts';
import { startMail, type DevMailbox, type MailSetup } from '../src/services/mail.service.ts';
import { DEMO_PASSWORDS, seedDemo } from '../src/cli/demo.ts';
import { SESSION_COOKIE } from '../src/contract/api/auth.ts';

export const PUBLIC_URL = 'http://proctor.test';
export const ORIGIN = PUBLIC_URL;
export { DEMO_PASSWORDS };

export interface AuthHarness {
  app: FastifyInstance;
  db: TestDatabase['db'];
  auth: AuthService;
  mailbox: DevMailbox;
  demo: MediaDemo;
  /** Moves the service's clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startAuthHarness(opts: { limits?: Partial<AuthLimits>; publicUrl?: string } = {}): Promise<AuthHarness> {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const testDb = await createTestDatabase();
  let mail: MailSetup | undefined;
  try {
    const demo = await seedDemo(testDb.db);
    mail = await startMail({ from: 'Proctor <no-reply@proctor.test>', log });
    let offsetMs = 0;
    const auth = new AuthService({
      db: testDb.db,
      mailer: mail.mailer,
      publicUrl: opts.publicUrl ?? PUBLIC_URL,
      log,
      limits: opts.limits,
      now: () => new Date(Date.now() + offsetMs),
    });
    const app = await buildApp({
      log,
      db: testDb.db,
      pool: { size: 0, pids: () => [] },
      webBuildDir: null,
      auth,
      devMailbox: mail.devMailbox,
    });
    const setup = mail;
    return {
      app,
      db: testDb.db,
      auth,
      mailbox: mail.devMailbox!,
      demo,
      advance: (ms) => {
        offsetMs += ms;
      },
      async close() {
        await app.close();
        await setup.close();
        await testDb.drop();
      },
    };
  } catch (err) {
    await mail?.close();
    await testDb.drop();
    throw err;
  }
}

let ipCounter = 0;
/** A fresh client address per test, so the per-IP limits of one test don't leak into another. */
export const nextIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

export interface SendOptions {
  cookie?: string;
  ip?: string;
  /** Defaults to the app's own origin; null = no Origin header. */
  origin?: string | null;
  headers?: Record<string, string>;
}

export function send(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  body?: unknown,
  opts: SendOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  const origin = opts.origin === undefined ? ORIGIN : opts.origin;
  if (origin !== null) headers.origin = origin;
  if (opts.cookie) headers.cookie = opts.cookie;
  // The client's own address (X-Forwarded-For is believed only from TRUSTED_PROXIES).
  return app.inject({ method, url, headers, remoteAddress: opts.ip ?? '10.255.0.1', ...(body === undefined ? {} : { payload: body as object }) });
}

/** `name=value` of the session cookie a response set, for the next request's Cookie header. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error(`no ${SESSION_COOKIE} cookie in the response (status ${res.statusCode}: ${res.body})`);
  return `${SESSION_COOKIE}=${cookie.value}`;
}

export async function login(app: FastifyInstance, email: string, password: string, ip = nextIp()): Promise<string> {
  const res = await send(app, 'POST', '/api/auth/login', { email, password }, { ip });
  return sessionCookie(res);
}
