/**
 * A whole media node for one test file: a fresh PostgreSQL database, a Redis-backed job
 * queue under a unique prefix, the job workers, and the media node on a free port with
 * two mediasoup workers (so pipeToRouter is exercised). Nothing is mocked.
 */
import { afterAll, beforeAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createTestDatabase } from '@proctor/db/testing';
import { seedMediaDemo, upsertUserByEmail } from '@proctor/db';
import { createJobQueue, startJobWorkers } from '@proctor/recorder';
import { startMediaNode, type MediaNode, type MediaNodeOptions } from '@proctor/signaling';
import { mintToken, type ClaimsInput } from '@proctor/signaling/token';
import { mediaConfigFromEnv } from '@proctor/sfu';
// Not exported by @proctor/signaling; the same hashing the sign-in route verifies against.
import { hashPassword } from '../../signaling/src/services/auth.service.ts';

export type Seed = Awaited<ReturnType<typeof seedMediaDemo>>;

export interface Stack {
  node: MediaNode;
  db: Awaited<ReturnType<typeof createTestDatabase>>['db'];
  seed: Seed;
  recordingsDir: string;
  token(claims: ClaimsInput, ttlSeconds?: number): string;
  candidateUrl(sessionId: string): string;
  proctorUrl(examId?: string): string;
  /** The demo inbox page (/dev/mail), read as a signed-in admin (only admins may, in demo mode). */
  devMail(): Promise<string>;
  close(): Promise<void>;
}

const INBOX_ADMIN = { email: 'inbox.admin@proctor.test', password: 'inbox-admin-2026' };

export type StackOptions = { candidates?: number; workers?: number; faceSampling?: boolean; node?: Partial<MediaNodeOptions> };

/**
 * A stack for the tests of the calling file: started before them (`set` receives it),
 * closed after them, after the file's own later hooks' clean-up.
 */
export function useStack(options: StackOptions, set: (stack: Stack) => void): void {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
    set(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });
}

/**
 * `faceSampling`: run the server-side face checks on finalised camera recordings. Off by
 * default here: Chromium's fake camera has no face, and on a 2-core CI machine the checks
 * (~0.2 s of CPU per sampled frame) would compete with the browsers; the checks have their
 * own tests (recorder/test/face-sampling.test.ts).
 */
/** `node`: extra media node options (public URL behind a front, TURN, metrics). */
export async function startStack({
  candidates = 3,
  workers = 2,
  faceSampling = false,
  node: nodeOptions = {},
}: StackOptions = {}): Promise<Stack> {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const testDb = await createTestDatabase();
  const seed = await seedMediaDemo(testDb.db, { candidates });
  const recordingsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-rec-'));
  // Report exports (written by the jobs, served by the node) go to this test's own directory,
  // removed with it, not to the repository's .data; both ends read REPORTS_DIR.
  process.env.REPORTS_DIR = path.join(recordingsDir, 'reports');
  const queue = createJobQueue({
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    namespace: `proctor_test_${randomBytes(4).toString('hex')}`,
    logger: log,
  });
  const tokenSecret = randomBytes(32).toString('base64url');
  const node = await startMediaNode({
    host: '127.0.0.1',
    port: 0,
    db: testDb.db,
    queue,
    recordingsDir,
    tokenSecret,
    nodeId: `test-${randomBytes(3).toString('hex')}`,
    media: { ...mediaConfigFromEnv(), numWorkers: workers, listenIp: '127.0.0.1' },
    webBuildDir: process.env.WEB_BUILD_DIR ?? path.resolve(import.meta.dirname, '../../web/build'),
    log,
    // As `npm start` runs it: the demo inbox at /dev/mail (no SMTP server here).
    demo: true,
    ...nodeOptions,
  });
  // After the node: e-mail jobs send through its mailer (the in-process demo inbox).
  const jobs = await startJobWorkers({ db: testDb.db, queue, recordingsDir, logger: log, mailer: node.mailer, faceSampling });
  const token = (claims: ClaimsInput, ttl = 3600) => mintToken(claims, tokenSecret, ttl);
  let inboxCookie: string | undefined;
  const devMail = async () => {
    if (!inboxCookie) {
      await upsertUserByEmail(testDb.db, { email: INBOX_ADMIN.email, fullName: 'Inbox Admin', role: 'admin', passwordHash: await hashPassword(INBOX_ADMIN.password) });
      const res = await fetch(`${node.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: node.url },
        body: JSON.stringify(INBOX_ADMIN),
      });
      if (!res.ok) throw new Error(`inbox admin sign-in failed: ${res.status} ${await res.text()}`);
      inboxCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    }
    const page = await fetch(`${node.url}/dev/mail`, { headers: { cookie: inboxCookie }, redirect: 'manual' });
    if (page.status !== 200) throw new Error(`/dev/mail answered ${page.status}`);
    return page.text();
  };
  return {
    node,
    db: testDb.db,
    seed,
    recordingsDir,
    token,
    candidateUrl: (sessionId) => `${node.url}/exam?token=${token({ role: 'candidate', sessionId })}`,
    devMail,
    proctorUrl: (examId = seed.examId) =>
      `${node.url}/proctor/exams/${examId}/live?token=${token({ role: 'proctor', userId: seed.proctorUserId })}`,
    async close() {
      await jobs.close();
      await node.close();
      await queue.close();
      await testDb.drop();
      await fs.rm(recordingsDir, { recursive: true, force: true });
    },
  };
}
