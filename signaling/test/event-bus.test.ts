/**
 * The domain-event bus: local handlers in order (a failing one does not stop the next),
 * detached handlers called at publish in publish order, and
 * across two buses through the real Redis on 127.0.0.1 — only handlers that asked for remote
 * events run there, and a malformed relayed message is dropped.
 */
import { afterAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createEventBus, type EventBus } from '../src/events/event-bus.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = pino({ level: 'silent' });

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('domain-event bus', () => {
  const buses: EventBus[] = [];
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
  });

  it('runs local handlers in subscription order and survives a failing one', async () => {
    const bus = await createEventBus({ log });
    buses.push(bus);
    const seen: string[] = [];
    bus.subscribe('session.updated', async (e) => {
      await new Promise((r) => setTimeout(r, 30));
      seen.push(`first:${e.sessionId}`);
    });
    bus.subscribe('session.updated', () => {
      throw new Error('boom');
    });
    bus.subscribe('session.updated', (e, meta) => void seen.push(`third:${e.sessionId}:${meta.origin}`));
    const id = randomUUID();
    await bus.publish('session.updated', { sessionId: id });
    assert.deepEqual(seen, [`first:${id}`, `third:${id}:local`]);
  });

  it('calls detached handlers at publish, in publish order, without delaying the ordered ones; publish waits for both', async () => {
    const bus = await createEventBus({ log });
    buses.push(bus);
    const seen: string[] = [];
    // A slow ordered subscriber of one type (as the row push is) must not reorder a detached one.
    bus.subscribe('session.started', async () => {
      await new Promise((r) => setTimeout(r, 50));
      seen.push('ordered:started');
    });
    for (const type of ['session.started', 'attempt.started'] as const) {
      bus.subscribe(type, async () => {
        seen.push(`detached-in:${type}`);
        await new Promise((r) => setTimeout(r, 20));
        seen.push(`detached-out:${type}`);
      }, { detached: true });
    }
    const sessionId = randomUUID();
    const examId = randomUUID();
    const at = new Date().toISOString();
    const started = bus.publish('session.started', { sessionId, examId, at });
    const attempt = bus.publish('attempt.started', { sessionId, examId, attempt: 1, at });
    assert.deepEqual(seen, ['detached-in:session.started', 'detached-in:attempt.started'], 'called at publish, in order');
    await Promise.all([started, attempt]);
    assert.deepEqual(seen.slice(2).sort(), ['detached-out:attempt.started', 'detached-out:session.started', 'ordered:started']);
    assert.equal(seen.at(-1), 'ordered:started', 'the ordered handler was not held up, and publish waited for it');
  });

  it('relays events to other nodes through Redis, to remote subscribers only', async () => {
    const channel = `test:events:${randomUUID()}`;
    const a = await createEventBus({ log, redisUrl: REDIS_URL, channel });
    const b = await createEventBus({ log, redisUrl: REDIS_URL, channel });
    buses.push(a, b);
    const remote: string[] = [];
    const localOnly: string[] = [];
    const onA: string[] = [];
    b.subscribe('decision.changed', (e, meta) => void remote.push(`${e.decision}:${meta.origin}`), { remote: true });
    b.subscribe('decision.changed', (e) => void localOnly.push(e.decision));
    a.subscribe('decision.changed', (e, meta) => void onA.push(`${e.decision}:${meta.origin}`), { remote: true });

    // A malformed message on the channel (another version, a stray client) is dropped.
    const raw = new Redis(REDIS_URL);
    await raw.publish(channel, JSON.stringify({ node: 'x', id: '1', type: 'decision.changed', occurredAt: 'now', payload: { sessionId: 'nope' } }));
    await raw.publish(channel, 'not json');
    await raw.quit();

    await a.publish('decision.changed', { sessionId: randomUUID(), examId: randomUUID(), decision: 'admitted', at: new Date().toISOString() });
    await until(() => remote.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(remote, ['admitted:remote']);
    assert.deepEqual(localOnly, [], 'socket pushes are relayed by socket.io, not run again on other nodes');
    assert.deepEqual(onA, ['admitted:local'], 'the publishing node does not get its own event back from Redis');
  });
});
