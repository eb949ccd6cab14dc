/**
 * Webhooks from a real media node (#13): a candidate joins over socket.io, reports a
 * violation and hands in; an endpoint registered through the admin API receives
 * session.started, attempt.started, violation.created, attempt.ended and session.finished —
 * each once, signed, in the order they happened — published by the node's own services on
 * its bus and delivered by the job workers.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { verifyWebhookSignature } from '@proctor/recorder';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';
import { ADMIN, seedAdminPassword } from '../support/staff.ts';
import { WebhookReceiver, waitFor } from '../support/webhook-receiver.ts';

describe('webhooks from a live media node', () => {
  let stack: Stack;
  const rx = new WebhookReceiver();
  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    await seedAdminPassword(stack);
    await rx.start();
  });
  afterAll(async () => {
    await rx.stop();
  });

  it('delivers a session\'s events once each, signed, in order', async () => {
    const login = await fetch(`${stack.node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.node.url },
      body: JSON.stringify(ADMIN),
    });
    assert.equal(login.status, 200, await login.text());
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const created = await fetch(`${stack.node.url}/api/admin/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.node.url, cookie },
      body: JSON.stringify({ name: 'LMS', url: rx.url, events: ['session.started', 'attempt.started', 'violation.created', 'attempt.ended', 'session.finished'] }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { secret } = (await created.json()) as { secret: string };

    const { sessionId } = stack.seed.sessions[0]!;
    const socket = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    assert.equal((await ask(socket, 'candidate:join', {})).ok, true);
    const report = await ask(socket, 'violation:report', { idempotencyKey: randomUUID(), type: 'no_face', startedAt: new Date(Date.now() - 1000).toISOString(), endedAt: null });
    assert.equal(report.ok, true, JSON.stringify(report.error));
    const finished = await ask(socket, 'candidate:finish', {});
    assert.equal(finished.ok, true, JSON.stringify(finished.error));
    socket.close();

    await waitFor(() => rx.accepted.length >= 5, 20_000, 'five deliveries');
    await new Promise((r) => setTimeout(r, 500));
    const bodies = rx.requests.map((r) => JSON.parse(r.body) as { id: string; type: string; data: { sessionId: string; attempt?: number; reason?: string } });
    assert.deepEqual(bodies.map((b) => b.type), ['session.started', 'attempt.started', 'violation.created', 'attempt.ended', 'session.finished']);
    assert.equal(new Set(bodies.map((b) => b.id)).size, 5);
    assert.ok(bodies.every((b) => b.data.sessionId === sessionId));
    assert.equal(bodies[3]!.data.reason, 'finished');
    assert.equal(bodies[3]!.data.attempt, 1);
    const now = Math.floor(Date.now() / 1000);
    for (const r of rx.requests) assert.equal(verifyWebhookSignature(secret, r.body, r.headers['x-proctor-signature'] as string, now).ok, true);
  });
});
