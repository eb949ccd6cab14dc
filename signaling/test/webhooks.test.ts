/**
 * Webhooks (#13) on real services: PostgreSQL, BullMQ on Redis, the job workers and receivers
 * on loopback. Events come from the real bus (a decision through its HTTP route, the others
 * published as the media node's services do, recording.ready through the outbox as the jobs
 * process raises it), with the queue on Redis and on BullMQ's PostgreSQL backend. Checked: each event arrives once with a valid signature (verified here
 * as the README tells receivers to); a receiver answering 500 and then refusing connections
 * gets everything once it is back, in order per session; tampered/stale signatures fail;
 * per-exam scope and disabled endpoints; manual redelivery; admin-only routes and bad input.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { appendOutboxEvent, createExam, ensureDiscipline, setUserPasswordHash } from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { createJobQueue, startJobWorkers, verifyWebhookSignature, type JobQueue, type JobWorkers, type WebhookPolicy } from '@proctor/recorder';
import { buildApp } from '../src/http/app.ts';
import { AuthService, hashPassword } from '../src/services/auth.service.ts';
import { WebhookService } from '../src/services/webhook.service.ts';
import { createEventBus, type EventBus } from '../src/events/event-bus.ts';
import { subscribeWebhooks } from '../src/events/webhook-subscriber.ts';
import { relayOutboxOnce } from '../src/events/outbox-relay.ts';
import { webhookEventTypes } from '../src/contract/domain-events.ts';
import { createdWebhook, webhookDeliveryPage, type CreatedWebhook } from '../src/contract/api/webhooks.ts';
import { seedReviewSession, type ReviewSession } from '../../tests/support/review-fixture.ts';
import { WebhookReceiver, waitFor, type ReceivedRequest } from '../../tests/support/webhook-receiver.ts';
import { ORIGIN, PUBLIC_URL, login } from './auth-harness.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'webhooks-test-2026';
/** Short backoff: 150 ms doubling, 9 attempts (≈ 38 s of retries in all). */
const POLICY: WebhookPolicy = { attempts: 9, backoffMs: 150, timeoutMs: 2000 };

/** The receiver's check exactly as signaling/README.md#webhooks shows it. */
function verify(secret: string, rawBody: string, header: string | undefined, toleranceSec = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(Date.now() / 1000 - t) > toleranceSec) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

const bodyOf = (r: ReceivedRequest) => JSON.parse(r.body) as { id: string; type: string; occurredAt: string; data: { sessionId: string; examId: string } };

for (const backend of ['Redis', 'PostgreSQL'] as const) webhookSuite(backend);

function webhookSuite(backend: 'Redis' | 'PostgreSQL'): void {
describe(`webhooks (queue on ${backend})`, () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let dir: string;
  let review: ReviewSession;
  let otherExamId: string;
  let queue: JobQueue;
  let workers: JobWorkers;
  let bus: EventBus;
  const prefix = `test-webhooks-${randomBytes(4).toString('hex')}`;
  const cookie = { admin: '', proctor: '' };
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-webhooks-'));
    review = await seedReviewSession(t.db, dir);
    const hash = await hashPassword(PASSWORD);
    await setUserPasswordHash(t.db, review.proctorUserId, hash);
    await setUserPasswordHash(t.db, review.adminUserId, hash);
    otherExamId = await createExam(t.db, {
      name: 'Басқа емтихан',
      disciplineId: await ensureDiscipline(t.db, 'Тарих'),
      startsAt: new Date('2025-03-01T08:00:00Z'),
      endsAt: new Date('2025-03-01T12:00:00Z'),
    });
    const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    queue = backend === 'Redis' ? createJobQueue({ redisUrl: REDIS_URL, namespace: prefix, logger: log }) : createJobQueue({ postgresUrl: t.url, namespace: prefix.replaceAll('-', '_'), logger: log });
    workers = await startJobWorkers({ db: t.db, queue, recordingsDir: dir, logger: log, requeueStopped: false, faceSampling: false, webhookPolicy: POLICY });
    bus = await createEventBus({ log });
    const webhooks = new WebhookService({ db: t.db, queue, policy: POLICY });
    subscribeWebhooks(bus, { db: t.db, queue, policy: POLICY, log });
    const auth = new AuthService({ db: t.db, mailer: { send: async () => undefined }, publicUrl: PUBLIC_URL, log });
    app = await buildApp({ log, db: t.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, recordingsDir: dir, jobQueue: queue, events: bus, webhooks });
    cookie.admin = await login(app, 'admin@demo.proctor.local', PASSWORD);
    cookie.proctor = await login(app, 'proctor@demo.proctor.local', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await workers?.close();
    await queue?.close();
    await bus?.close();
    for (const r of receivers) await r.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await t?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, body?: object, who = cookie.admin): Promise<LightMyRequestResponse> =>
    app.inject({ method, url, headers: { cookie: who, origin: ORIGIN }, ...(body ? { payload: body } : {}) });
  const receiver = async () => {
    const r = new WebhookReceiver();
    await r.start();
    receivers.push(r);
    return r;
  };
  const newEndpoint = async (body: object): Promise<CreatedWebhook> => {
    const res = await api('POST', '/api/admin/webhooks', body);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    return createdWebhook.parse(res.json());
  };
  const deliveries = async (endpointId: string) => webhookDeliveryPage.parse((await api('GET', `/api/admin/webhooks/${endpointId}/deliveries`)).json()).items;
  const at = () => new Date().toISOString();
  const started = (sessionId: string, examId = review.examId) => bus.publish('session.started', { sessionId, examId, at: at() });
  const finished = (sessionId: string, examId = review.examId) =>
    bus.publish('session.finished', { sessionId, examId, at: at(), by: 'candidate', proctorUserId: null, reason: null, attempt: 1 });
  const decided = (sessionId: string, decision: 'admitted' | 'not_admitted') => bus.publish('decision.changed', { sessionId, examId: review.examId, decision, at: at() });

  it('a receiver gets each event once, signed; the log shows it delivered', async () => {
    const rx = await receiver();
    const { endpoint, secret } = await newEndpoint({
      name: 'Moodle',
      url: rx.url,
      events: ['session.started', 'violation.created', 'decision.changed', 'session.finished', 'recording.ready'],
    });
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const s = review.sessionId;
    await started(s);
    await bus.publish('violation.created', {
      sessionId: s,
      examId: review.examId,
      violation: { id: randomUUID(), type: 'focus_lost', category: 'behaviour', startsAt: at(), endsAt: null, source: 'client', confidence: null },
    });
    // The real route: ResultsService publishes decision.changed on the bus.
    const set = await app.inject({ method: 'PATCH', url: `/api/sessions/${s}/decision`, headers: { cookie: cookie.admin, origin: ORIGIN }, payload: { decision: 'not_admitted' } });
    assert.equal(set.statusCode, 200, set.body);
    await finished(s);
    // As the jobs process raises it: an outbox row, published by a media node's relay.
    const recordingId = review.attempts[0]!.recordings.camera!.id;
    await appendOutboxEvent(t.db, 'recording.ready', { recordingId, sessionId: s, examId: review.examId, attempt: 1, source: 'camera', durationMs: 60000, bytes: 1234, at: at() });
    assert.equal(await relayOutboxOnce({ db: t.db, bus, log: pino({ level: 'silent' }) }), 1);
    assert.equal(await relayOutboxOnce({ db: t.db, bus, log: pino({ level: 'silent' }) }), 0, 'the outbox row is gone once published');

    await waitFor(() => rx.accepted.length >= 5, 15_000, 'five deliveries');
    await new Promise((r) => setTimeout(r, 500)); // nothing more may arrive
    assert.equal(rx.requests.length, 5);
    const bodies = rx.requests.map(bodyOf);
    assert.deepEqual(bodies.map((b) => b.type), ['session.started', 'violation.created', 'decision.changed', 'session.finished', 'recording.ready']);
    assert.equal(new Set(bodies.map((b) => b.id)).size, 5, 'each event once');
    for (const r of rx.requests) {
      assert.ok(verify(secret, r.body, r.headers['x-proctor-signature'] as string), 'valid signature');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-proctor-event'], bodyOf(r).type);
      assert.equal(r.headers['x-proctor-event-id'], bodyOf(r).id);
    }
    assert.equal((bodies[2]!.data as unknown as { decision: string }).decision, 'not_admitted');
    assert.equal((bodies[4]!.data as unknown as { recordingId: string }).recordingId, recordingId);

    const log = await deliveries(endpoint.id);
    assert.equal(log.length, 5);
    for (const d of log) {
      assert.equal(d.status, 'delivered');
      assert.equal(d.attempts, 1);
      assert.equal(d.lastStatusCode, 200);
      assert.ok(d.lastDurationMs !== null && d.lastDurationMs >= 0);
      assert.equal(d.lastError, null);
    }
  });

  it('signatures: another secret, a changed body or an old timestamp fail', async () => {
    const rx = await receiver();
    const { secret } = await newEndpoint({ name: 'sig', url: rx.url, events: ['session.started'] });
    await started(randomUUID());
    await waitFor(() => rx.accepted.length === 1, 10_000, 'one delivery');
    const r = rx.requests[0]!;
    const header = r.headers['x-proctor-signature'] as string;
    assert.ok(verify(secret, r.body, header));
    assert.equal(verify(`${secret}x`, r.body, header), false);
    assert.equal(verify(secret, r.body.replace('session.started', 'session.finished'), header), false);
    const flipped = header.replace(/v1=(.)/, (_m, c: string) => `v1=${c === '0' ? '1' : '0'}`);
    assert.equal(verify(secret, r.body, flipped), false);
    assert.equal(verify(secret, r.body, undefined), false);
    // Replayed later than the window: the shipped helper says why.
    const t0 = Number(/t=(\d+)/.exec(header)![1]);
    assert.deepEqual(verifyWebhookSignature(secret, r.body, header, t0 + 301), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyWebhookSignature(secret, r.body, header, t0 + 299), { ok: true });
    assert.deepEqual(verifyWebhookSignature('wrong-secret', r.body, header, t0), { ok: false, reason: 'mismatch' });
  });

  it('a receiver down (500, then refusing connections) gets everything after it is back, in order per session', async () => {
    const rx = await receiver();
    const { endpoint, secret } = await newEndpoint({ name: 'flaky', url: rx.url, events: ['session.started', 'decision.changed', 'session.finished'] });
    rx.status = 500;
    const [a, b] = [randomUUID(), randomUUID()];
    await started(a);
    await started(b);
    await decided(a, 'admitted');
    await decided(b, 'not_admitted');
    await finished(b);
    await finished(a);
    await waitFor(() => rx.requests.length >= 4, 10_000, 'failed attempts');
    // While down, only each session's first event is tried: the later ones wait their turn.
    assert.deepEqual(new Set(rx.requests.map((r) => bodyOf(r).type)), new Set(['session.started']));
    await rx.stop(); // now: connection refused
    await new Promise((r) => setTimeout(r, 1500));
    const refused = (await deliveries(endpoint.id)).filter((d) => d.attempts > 0);
    assert.ok(refused.every((d) => d.status === 'retrying'), JSON.stringify(refused));
    assert.ok(refused.some((d) => d.lastStatusCode === null && d.lastError !== null), 'a refused connection is logged with its error');
    const before = rx.requests.length;
    rx.status = 200;
    await rx.start();
    await waitFor(() => rx.accepted.length >= 6, 30_000, 'all six after the receiver came back').catch(async (e: Error) => {
      // Say where it stuck: the log's states and the queue's counts.
      const log = (await deliveries(endpoint.id)).map((d) => [d.eventType, d.status, d.attempts, d.lastError]);
      throw new Error(`${e.message}; deliveries ${JSON.stringify(log)}; jobs ${JSON.stringify(await queue.counts('webhook-delivery'))}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    const got = rx.accepted.map(bodyOf);
    assert.equal(got.length, 6, 'each event accepted once');
    for (const s of [a, b]) {
      assert.deepEqual(got.filter((g) => g.data.sessionId === s).map((g) => g.type), ['session.started', 'decision.changed', 'session.finished'], `order of ${s}`);
    }
    for (const r of rx.accepted) assert.ok(verify(secret, r.body, r.headers['x-proctor-signature'] as string));
    assert.ok(rx.requests.length > before);
    const log = await deliveries(endpoint.id);
    assert.ok(log.every((d) => d.status === 'delivered' && d.lastStatusCode === 200));
    assert.ok(log.filter((d) => d.eventType === 'session.started').every((d) => d.attempts >= 3), 'the heads were retried');
  });

  it('a delivery failing for good is marked failed, the session\'s next one goes on; sending it again delivers it', async () => {
    const rx = await receiver();
    rx.respond = (body) => (body.includes('"session.started"') ? 500 : 200);
    const { endpoint } = await newEndpoint({ name: 'picky', url: rx.url, events: ['session.started', 'session.finished'] });
    // Every component shares this policy object: two attempts for the jobs queued meanwhile.
    const attempts = POLICY.attempts;
    POLICY.attempts = 2;
    try {
      const s = randomUUID();
      await started(s);
      await finished(s);
      await waitFor(() => rx.accepted.length === 1, 10_000, 'the finish after the start failed for good');
    } finally {
      POLICY.attempts = attempts;
    }
    assert.deepEqual(rx.requests.map((r) => [bodyOf(r).type, r.answered]), [['session.started', 500], ['session.started', 500], ['session.finished', 200]]);
    const failed = (await deliveries(endpoint.id)).find((d) => d.eventType === 'session.started')!;
    assert.deepEqual([failed.status, failed.attempts, failed.lastStatusCode, failed.lastError], ['failed', 2, 500, 'HTTP 500']);
    const list = (await api('GET', '/api/admin/webhooks')).json() as { items: { id: string; failedDeliveries: number }[] };
    assert.equal(list.items.find((e) => e.id === endpoint.id)!.failedDeliveries, 1);

    rx.respond = null;
    assert.equal((await api('POST', `/api/admin/webhook-deliveries/${failed.id}/redeliver`)).statusCode, 204);
    await waitFor(() => rx.accepted.length === 2, 10_000, 'the redelivered start');
    assert.equal(bodyOf(rx.accepted[1]!).id, bodyOf(rx.requests[0]!).id);
    await waitFor(async () => (await deliveries(endpoint.id)).every((d) => d.status === 'delivered'), 5000, 'all delivered');
  });

  it('two nodes relaying through Redis: an event seen on one is delivered once; an outbox row is published by one relay', async () => {
    const rx = await receiver();
    await newEndpoint({ name: 'two nodes', url: rx.url, events: ['session.started', 'recording.ready'] });
    const log = pino({ level: 'silent' });
    const channel = `${prefix}:domain-events`;
    const [a, b] = [await createEventBus({ log, redisUrl: REDIS_URL, channel }), await createEventBus({ log, redisUrl: REDIS_URL, channel })];
    const relayed: string[] = [];
    b.subscribe('session.started', (e) => void relayed.push(e.sessionId), { remote: true });
    for (const node of [a, b]) subscribeWebhooks(node, { db: t.db, queue, policy: POLICY, log });
    try {
      const s = randomUUID();
      await a.publish('session.started', { sessionId: s, examId: review.examId, at: at() });
      await waitFor(() => relayed.includes(s), 5000, 'the event on the other node');
      const recordingId = review.attempts[0]!.recordings.screen!.id;
      await appendOutboxEvent(t.db, 'recording.ready', { recordingId, sessionId: s, examId: review.examId, attempt: 1, source: 'screen', durationMs: 1000, bytes: 10, at: at() });
      const handled = await Promise.all([relayOutboxOnce({ db: t.db, bus: a, log }), relayOutboxOnce({ db: t.db, bus: b, log })]);
      assert.equal(handled[0] + handled[1], 1, 'one relay claimed the row');
      await waitFor(() => rx.accepted.length >= 2, 10_000, 'both deliveries');
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(rx.requests.map((r) => bodyOf(r).type), ['session.started', 'recording.ready']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('exam scope and disabled endpoints; manual redelivery sends the same event again', async () => {
    const rx = await receiver();
    const { endpoint } = await newEndpoint({ name: 'one exam', url: rx.url, events: ['session.started'], examId: review.examId });
    await started(randomUUID(), otherExamId);
    const mine = randomUUID();
    await started(mine);
    await waitFor(() => rx.accepted.length === 1, 10_000, 'the own exam\'s event');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rx.requests.length, 1);
    assert.equal(bodyOf(rx.requests[0]!).data.sessionId, mine);

    const [d] = await deliveries(endpoint.id);
    const re = await api('POST', `/api/admin/webhook-deliveries/${d!.id}/redeliver`);
    assert.equal(re.statusCode, 204, re.body);
    await waitFor(() => rx.accepted.length === 2, 10_000, 'the redelivery');
    assert.equal(bodyOf(rx.requests[1]!).id, bodyOf(rx.requests[0]!).id, 'same event id');
    await waitFor(async () => (await deliveries(endpoint.id))[0]!.attempts === 2, 5000, 'attempt counted');

    const off = await api('PUT', `/api/admin/webhooks/${endpoint.id}`, { name: 'one exam', url: rx.url, events: ['session.started'], examId: review.examId, enabled: false });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().endpoint.enabled, false);
    await started(randomUUID());
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(rx.requests.length, 2, 'a disabled endpoint gets nothing new');
    assert.equal((await deliveries(endpoint.id)).length, 1);
  });

  it('the OpenAPI document describes every webhook event with its signed body', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as { webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> }; parameters: { name: string }[] } }> };
    assert.deepEqual(Object.keys(doc.webhooks), [...webhookEventTypes]);
    for (const type of webhookEventTypes) {
      const op = doc.webhooks[type]!.post;
      assert.deepEqual(Object.keys(op.requestBody.content['application/json']!.schema.properties), ['id', 'type', 'occurredAt', 'data']);
      assert.ok(op.parameters.some((p) => p.name === 'X-Proctor-Signature'));
    }
  });

  it('admin only; bad input refused with the field named; the secret never listed', async () => {
    const { endpoint, secret } = await newEndpoint({ name: 'list', url: 'https://lms.example.org/hooks', events: ['session.finished'] });
    for (const url of ['/api/admin/webhooks', `/api/admin/webhooks/${endpoint.id}`, `/api/admin/webhooks/${endpoint.id}/deliveries`]) {
      const res = await api('GET', url);
      assert.equal(res.statusCode, 200, url);
      assert.ok(!res.body.includes(secret), `no secret in ${url}`);
    }
    const row = await t.db.selectFrom('webhookEndpoints').select('secret').where('id', '=', endpoint.id).executeTakeFirstOrThrow();
    assert.equal(row.secret, secret, 'kept to sign with');

    const good = { name: 'x', url: 'https://lms.example.org/h', events: ['session.started'] };
    assert.equal((await api('GET', '/api/admin/webhooks', undefined, cookie.proctor)).statusCode, 403);
    assert.equal((await api('POST', '/api/admin/webhooks', good, cookie.proctor)).statusCode, 403);
    assert.equal((await api('PUT', `/api/admin/webhooks/${endpoint.id}`, good, cookie.proctor)).statusCode, 403);
    assert.equal((await api('POST', `/api/admin/webhook-deliveries/${randomUUID()}/redeliver`, undefined, cookie.proctor)).statusCode, 403);
    assert.equal((await app.inject({ method: 'GET', url: '/api/admin/webhooks' })).statusCode, 401);

    for (const [body, field] of [
      [{ ...good, name: '' }, 'name'],
      [{ ...good, url: 'ftp://lms.example.org/h' }, 'url'],
      [{ ...good, url: 'not a url' }, 'url'],
      [{ ...good, url: 'https://user:pw@lms.example.org/h' }, 'url'],
      [{ ...good, events: [] }, 'events'],
      [{ ...good, events: ['session.updated'] }, 'events.0'],
      [{ ...good, examId: 'nope' }, 'examId'],
      [{ ...good, examId: randomUUID() }, 'examId'],
      [{ ...good, enabled: 'yes' }, 'enabled'],
      [{ ...good, secret: 'mine' }, ''],
    ] as const) {
      const res = await api('POST', '/api/admin/webhooks', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      if (field) assert.equal(res.json().error.field, field, res.body);
    }
    assert.equal((await api('GET', `/api/admin/webhooks/${randomUUID()}`)).statusCode, 404);
    assert.equal((await api('GET', `/api/admin/webhooks/${endpoint.id}/deliveries?before=x`)).statusCode, 400);
    assert.equal((await api('POST', `/api/admin/webhook-deliveries/${randomUUID()}/redeliver`)).statusCode, 404);
  });
});
}
