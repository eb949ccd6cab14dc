/**
 * What the media node stores for the connection statistics (manual §4.3–4.4): a first
 * join, a reconnect as a new attempt, leaving, and a send transport whose ICE/DTLS never
 * came up (here: a client that creates a transport and never connects it) as an
 * unresolved `ice_failed`.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { listConnectionEvents } from '@proctor/db';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';
import { waitFor } from '../support/media.ts';

describe('connection events from the media node', () => {
  let stack: Stack;
  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));

  it('records joined, an ICE failure, leaving, and the reconnect', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const token = stack.token({ role: 'candidate', sessionId });

    const first = await connect(stack.node.url, token);
    assert.equal((await ask(first, 'candidate:join', {})).ok, true);
    assert.equal((await ask(first, 'transport:create', { direction: 'send' })).ok, true);
    await new Promise((r) => setTimeout(r, 3500)); // longer than an abandoned tab, never connected
    first.close();

    const kinds = async () => (await listConnectionEvents(stack.db, sessionId)).map((e) => [e.kind, e.error, e.resolved]);
    await waitFor('leave recorded', async () => ((await kinds()).length >= 3 ? true : undefined), 10_000);
    const stored = await kinds();
    assert.deepEqual(stored[0], ['joined', null, null]);
    // The failure (transport closed) and the leave are written concurrently: order free.
    assert.deepEqual(
      stored.slice(1).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        ['ice_failed', 'ice_connection_failed', false],
        ['left', null, null],
      ],
    );

    const second = await connect(stack.node.url, token);
    const join = await ask(second, 'candidate:join', {});
    assert.equal(join.data.attempt, 2);
    await waitFor('reconnect recorded', async () => ((await kinds()).length === 4 ? true : undefined), 5_000);
    const events = await listConnectionEvents(stack.db, sessionId);
    const reconnected = events.find((e) => e.kind === 'reconnected');
    assert.ok(reconnected);
    assert.notEqual(reconnected.attemptId, events[0]!.attemptId, 'each event names its own attempt');
    second.close();
  });
});
