/**
 * The per-session cap on findings from the candidate's page: once a session holds
 * MAX_CLIENT_FINDINGS_PER_SESSION of them, further reports are refused with `rate_limited`
 * (nothing stored) — a page slipping under the per-second limit still cannot grow a session
 * without bound. The server's own findings do not count against it.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MAX_CLIENT_FINDINGS_PER_SESSION } from '../../signaling/src/services/violation.service.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';

describe('findings per session', () => {
  let stack: Stack;
  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));

  it('refuses page findings beyond the cap, server findings aside', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const socket = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    assert.equal((await ask(socket, 'candidate:join', {})).ok, true);
    const report = () => ask(socket, 'violation:report', { idempotencyKey: randomUUID(), type: 'copy', startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });
    assert.equal((await report()).ok, true);

    const base = Date.now() - 3_600_000;
    const row = (i: number, source: 'client' | 'server') => ({
      sessionId,
      type: 'paste' as const,
      category: 'behaviour' as const,
      startsAt: new Date(base + i * 60_000),
      endsAt: new Date(base + i * 60_000 + 1000),
      source,
    });
    // Server findings first: many of them do not stop the page.
    await stack.db.insertInto('violations').values(Array.from({ length: 50 }, (_, i) => row(i, 'server'))).execute();
    assert.equal((await report()).ok, true);
    const have = Number((await stack.db.selectFrom('violations').select((eb) => eb.fn.countAll().as('n')).where('sessionId', '=', sessionId).where('source', '=', 'client').executeTakeFirstOrThrow()).n);
    await stack.db.insertInto('violations').values(Array.from({ length: MAX_CLIENT_FINDINGS_PER_SESSION - have }, (_, i) => row(i, 'client'))).execute();

    const refused = await report();
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, 'rate_limited');
    const count = Number((await stack.db.selectFrom('violations').select((eb) => eb.fn.countAll().as('n')).where('sessionId', '=', sessionId).where('source', '=', 'client').executeTakeFirstOrThrow()).n);
    assert.equal(count, MAX_CLIENT_FINDINGS_PER_SESSION, 'nothing more was stored');
    // The session itself keeps working.
    assert.equal((await ask(socket, 'transport:create', { direction: 'send' })).ok, true);
    socket.close();
  });
});
