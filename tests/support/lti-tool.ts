/**
 * The LTI 1.3 tool of tests/integration/lti.test.ts on real PostgreSQL and Redis: a seeded
 * media demo, the HTTP app listening on loopback (its JWKS is what the test platform
 * fetches), the LTI score queue with its worker, an admin signed in; and the requests a
 * platform and a browser make (login initiation, launch form post), with their checks.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { MEDIA_DEMO_ADMIN_EMAIL, seedMediaDemo, setUserPasswordHash, type MediaDemo } from '@proctor/db';
import { createJobQueue, QUEUES, sendLtiScore, type JobQueue } from '@proctor/recorder';
import { buildApp } from '../../signaling/src/http/app.ts';
import { createEventBus } from '../../signaling/src/events/event-bus.ts';
import { AuthService, hashPassword } from '../../signaling/src/services/auth.service.ts';
import { login, nextIp, PUBLIC_URL } from '../../signaling/test/auth-harness.ts';
import { LTI, startLtiPlatform, type LaunchUser, type LtiTestPlatform, type SignOptions } from './lti-platform.ts';

type FastifyInstance = Awaited<ReturnType<typeof buildApp>>;
export type LightMyRequestResponse = Awaited<ReturnType<FastifyInstance['inject']>>;

const PASSWORD = 'lti-test-pass-2026';
export const TOOL = PUBLIC_URL;

export type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

export async function startLtiTool() {
  const dirs: string[] = [];
  const platform = await startLtiPlatform();
  const t = await createTestDatabase();
  const demo = await seedMediaDemo(t.db, { candidates: 1 });
  await setUserPasswordHash(t.db, demo.adminUserId, await hashPassword(PASSWORD));
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-lti-rec-'));
  dirs.push(recordingsDir);
  process.env.PHOTOS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-lti-photos-'));
  dirs.push(process.env.PHOTOS_DIR);
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const queue = createJobQueue({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', namespace: `proctor_lti_${randomBytes(4).toString('hex')}`, logger: log });
  const worker = queue.process(QUEUES.ltiScore, async (data, ctx) => void (await sendLtiScore({ db: t.db, logger: log }, data, ctx)));
  const secret = randomBytes(32).toString('base64url');
  const auth = new AuthService({ db: t.db, mailer: { send: async () => undefined } as never, publicUrl: PUBLIC_URL, log });
  // The bus: the proctoring attempt ends when the session's finish is published on it.
  const events = await createEventBus({ log });
  const app = await buildApp({ log, db: t.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, recordingsDir, tokenSecret: secret, jobQueue: queue, events });
  await app.listen({ host: '127.0.0.1', port: 0 });
  platform.setToolJwksUrl(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/.well-known/jwks.json`);
  const adminCookie = await login(app, MEDIA_DEMO_ADMIN_EMAIL, PASSWORD);

  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, cookie = adminCookie) =>
    app.inject({ method, url, headers: { cookie, origin: TOOL, 'x-forwarded-for': nextIp() }, ...(body === undefined ? {} : { payload: body as object }) });
  const count = async (table: 'candidates' | 'examSessions' | 'users') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  /** Login initiation at the tool: the state and nonce it sent to the platform, and its state cookie. */
  async function startLogin(hint = 'hint'): Promise<{ state: string; nonce: string; cookie: string; location: URL }> {
    const res = await app.inject({ method: 'GET', url: platform.loginUrl(TOOL, hint).replace(TOOL, '') });
    assert.equal(res.statusCode, 302, res.body);
    const location = new URL(res.headers.location as string);
    assert.equal(location.origin + location.pathname, platform.authUrl);
    const cookie = res.cookies.find((c: { name: string }) => c.name.startsWith('proctor_lti_'));
    assert.ok(cookie, 'a state cookie is set');
    assert.equal(cookie.httpOnly, true);
    return { state: location.searchParams.get('state')!, nonce: location.searchParams.get('nonce')!, cookie: `${cookie.name}=${cookie.value}`, location };
  }
  const post = (idToken: string, state: string, cookie?: string): Promise<LightMyRequestResponse> =>
    app.inject({
      method: 'POST',
      url: '/lti/launch',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: platform.url, ...(cookie ? { cookie } : {}) },
      payload: new URLSearchParams({ id_token: idToken, state }).toString(),
    });
  async function launch(user: LaunchUser, sign: Partial<SignOptions> = {}): Promise<LightMyRequestResponse> {
    const { state, nonce, cookie } = await startLogin();
    return post(await platform.signIdToken(TOOL, user, { nonce, ...sign }), state, cookie);
  }
  const refusedWith = (res: LightMyRequestResponse, reason: string) => {
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `/lti/refused?reason=${reason}`);
    assert.ok(!res.body.includes(' at '), 'no stack trace');
  };
  const learner = (n: number, extra: Partial<LaunchUser> = {}): LaunchUser => ({
    sub: `student-${n}`,
    name: `Ерланқызы Дана ${n}`,
    email: `dana${n}@uni.test`,
    roles: [LTI.learner],
    custom: { proctor_exam: demo.examId },
    ...extra,
  });

  async function close(): Promise<void> {
    await worker.close();
    await app.close();
    await events.close();
    await queue.close();
    await platform.close();
    await t.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  return { t, demo, app, queue, events, platform, adminCookie, secret, api, count, startLogin, post, launch, refusedWith, learner, close };
}

/** `probe` once it gives a value, polled every 100 ms. */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
