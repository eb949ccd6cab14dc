/**
 * The HTTP app as a media node builds it (token secret, recordings directory) over a fresh
 * database with the media demo seeded, for the #10 tests: signed-in admin and proctor
 * cookies, candidate tokens, and a JSON `api()` from our own origin (or none).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { MEDIA_DEMO_ADMIN_EMAIL, MEDIA_DEMO_PROCTOR_EMAIL, seedMediaDemo, setUserPasswordHash, type MediaDemo } from '@proctor/db';
import { buildApp } from '../src/http/app.ts';
import { AuthService, hashPassword } from '../src/services/auth.service.ts';
import { mintToken } from '../src/auth/token.ts';
import { ORIGIN, PUBLIC_URL, login, nextIp } from './auth-harness.ts';

const PASSWORD = 'assessment-test-pass-2026';

export interface CallOptions {
  cookie?: string;
  /** Candidate link token, sent as the Bearer header. */
  token?: string;
  /** Default our origin; null sends none. */
  origin?: string | null;
  ip?: string;
}

export interface AssessmentHarness {
  app: FastifyInstance;
  db: TestDatabase['db'];
  demo: MediaDemo;
  secret: string;
  photosDir: string;
  adminCookie: string;
  proctorCookie: string;
  candidateToken(sessionId: string, ttlSeconds?: number): string;
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS', url: string, body?: unknown, opts?: CallOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const json = <T>(res: LightMyRequestResponse): T => JSON.parse(res.body) as T;

export async function startAssessmentHarness(): Promise<AssessmentHarness> {
  const photosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-assess-photos-'));
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-assess-rec-'));
  process.env.PHOTOS_DIR = photosDir;
  const t = await createTestDatabase();
  const demo = await seedMediaDemo(t.db, { candidates: 3, passwordHash: await hashPassword(PASSWORD) });
  await setUserPasswordHash(t.db, demo.adminUserId, await hashPassword(PASSWORD));
  const secret = randomBytes(32).toString('base64url');
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const auth = new AuthService({ db: t.db, mailer: { send: async () => undefined } as never, publicUrl: PUBLIC_URL, log });
  const app = await buildApp({ log, db: t.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, recordingsDir, tokenSecret: secret });
  const adminCookie = await login(app, MEDIA_DEMO_ADMIN_EMAIL, PASSWORD);
  const proctorCookie = await login(app, MEDIA_DEMO_PROCTOR_EMAIL, PASSWORD);
  return {
    app,
    db: t.db,
    demo,
    secret,
    photosDir,
    adminCookie,
    proctorCookie,
    candidateToken: (sessionId, ttl = 600) => mintToken({ role: 'candidate', sessionId }, secret, ttl),
    api(method, url, body, opts = {}) {
      const headers: Record<string, string> = { 'x-forwarded-for': opts.ip ?? nextIp() };
      if (opts.cookie) headers.cookie = opts.cookie;
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const origin = opts.origin === undefined ? ORIGIN : opts.origin;
      if (origin !== null) headers.origin = origin;
      return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    },
    async close() {
      await app.close();
      await t.drop();
      fs.rmSync(photosDir, { recursive: true, force: true });
      fs.rmSync(recordingsDir, { recursive: true, force: true });
    },
  };
}
