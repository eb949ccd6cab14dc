/**
 * Live Results rows: a proctor's socket hears `results:session` when a candidate of an
 * assigned exam starts; a proctor of another exam hears nothing.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';

describe('live Results updates', () => {
  let stack: Stack;
  useStack({ candidates: 2 }, (s) => (stack = s));

  it('pushes the started session to proctors of its exam only', async () => {
    const outsiderId = randomUUID();
    await stack.db
      .insertInto('users')
      .values({ id: outsiderId, email: `other-${outsiderId}@example.test`, fullName: 'Other Proctor', role: 'proctor' } as never)
      .execute();
    const proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    const outsider = await connect(stack.node.url, stack.token({ role: 'proctor', userId: outsiderId }));
    const heardByOutsider: unknown[] = [];
    outsider.on('results:session', (row) => heardByOutsider.push(row));
    const { sessionId } = stack.seed.sessions[0]!;
    const pushed = new Promise<{ sessionId: string; status: string }>((resolve) =>
      proctor.on('results:session', (row: { sessionId: string; status: string }) => {
        if (row.sessionId === sessionId) resolve(row);
      }),
    );
    await new Promise((r) => setTimeout(r, 300)); // room subscriptions are made on connect

    const candidate = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    assert.equal((await ask(candidate, 'candidate:join', {})).ok, true);
    const row = await pushed;
    assert.equal(row.status, 'in_progress');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(heardByOutsider, [], 'a proctor of another exam hears nothing');
    for (const s of [candidate, proctor, outsider]) s.close();
  });
});
