/**
 * Handing in (`candidate:finish`): the attempt ends as "finished", the session is closed
 * for good (a rejoin is refused), open findings end, honesty is settled, and the action
 * archive names the candidate. Only the candidate's own joined connection may finish.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { listActionsForSession } from '@proctor/db';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';

describe('candidate finishes the exam', () => {
  let stack: Stack;
  useStack({ candidates: 2, workers: 1 }, (s) => (stack = s));

  it('closes the session, its attempt and its open findings', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const token = stack.token({ role: 'candidate', sessionId });
    const socket = await connect(stack.node.url, token);
    assert.equal((await ask(socket, 'candidate:finish', {})).error.code, 'bad_request', 'join first');
    assert.equal((await ask(socket, 'candidate:join', {})).ok, true);
    const open = await ask(socket, 'violation:report', { idempotencyKey: randomUUID(), type: 'no_face', startedAt: new Date(Date.now() - 2000).toISOString(), endedAt: null });
    assert.equal(open.ok, true, JSON.stringify(open.error));
    // Honesty is a share of the session's time: give the session (and the finding) a second.
    await new Promise((r) => setTimeout(r, 1000));

    const done = await ask(socket, 'candidate:finish', { extra: 1 });
    assert.equal(done.ok, false, 'the request is strict');
    const finished = await ask(socket, 'candidate:finish', {});
    assert.equal(finished.ok, true, JSON.stringify(finished.error));

    const session = await stack.db.selectFrom('examSessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(session.status, 'finished');
    assert.ok(session.endedAt && session.endedAt >= session.startedAt!);
    assert.equal(typeof session.honesty, 'number');
    assert.ok(session.honesty! < 100, 'the no-face finding counts');
    const attempt = await stack.db.selectFrom('attempts').selectAll().where('sessionId', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(attempt.endReason, 'finished');
    const violation = await stack.db.selectFrom('violations').selectAll().where('id', '=', open.data.violationId).executeTakeFirstOrThrow();
    assert.ok(violation.endsAt, 'the open finding ended at the finish');
    const actions = await listActionsForSession(stack.db, sessionId);
    const entry = actions.find((a) => a.action === 'candidate.finished');
    assert.ok(entry);
    assert.equal(entry.actorName, stack.seed.sessions[0]!.candidateName);
    assert.match(entry.actorIin ?? '', /^\d{12}$/);

    // The session is closed: the same link cannot start another attempt.
    const again = await ask(socket, 'candidate:join', {});
    assert.equal(again.ok, false);
    assert.equal(again.error.code, 'forbidden');
    socket.close();
  });

  it('is refused to proctors', async () => {
    const proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    const res = await ask(proctor, 'candidate:finish', {});
    assert.equal(res.ok, false);
    assert.equal(res.error.code, 'forbidden');
    proctor.close();
  });
});
