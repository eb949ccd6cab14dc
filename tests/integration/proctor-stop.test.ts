/**
 * A proctor stops a candidate's exam (`proctor:stop` → `candidate:stopped`, #10): the
 * candidate hears the reason, the attempt ends as "kicked", the session is finished (the
 * link cannot start it again) and the action archive names the proctor and the reason.
 * Candidates, proctors who have not joined, unknown or disconnected candidates and bad
 * reasons are refused.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { listActionsForSession } from '@proctor/db';
import { WARNING_MAX_LENGTH } from '@proctor/signaling/contract';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';

describe('proctor stops an exam', () => {
  let stack: Stack;
  useStack({ candidates: 2, workers: 1 }, (s) => (stack = s));

  it('closes the session for good and tells the candidate why; bad requests are refused', async () => {
    const [first, second] = stack.seed.sessions;
    const candidate = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId: first!.sessionId }));
    assert.equal((await ask(candidate, 'candidate:join', {})).ok, true);
    const heard: { reason: string }[] = [];
    candidate.on('candidate:stopped', (s) => heard.push(s));

    const proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    assert.equal((await ask(proctor, 'proctor:stop', { sessionId: first!.sessionId, reason: 'x' })).error.code, 'bad_request', 'only after joining');
    assert.equal((await ask(proctor, 'proctor:join', { examId: stack.seed.examId })).ok, true);
    for (const [payload, code] of [
      [{ sessionId: second!.sessionId, reason: 'not connected' }, 'not_found'],
      [{ sessionId: randomUUID(), reason: 'unknown' }, 'not_found'],
      [{ sessionId: first!.sessionId, reason: '  ' }, 'bad_request'],
      [{ sessionId: first!.sessionId, reason: 'x'.repeat(WARNING_MAX_LENGTH + 1) }, 'bad_request'],
      [{ sessionId: "'; DROP TABLE exam_sessions;--", reason: 'sql' }, 'bad_request'],
    ] as const) {
      const res = await ask(proctor, 'proctor:stop', payload);
      assert.equal(res.ok, false);
      assert.equal(res.error.code, code, JSON.stringify(payload).slice(0, 80));
    }
    assert.equal((await ask(candidate, 'proctor:stop', { sessionId: first!.sessionId, reason: 'me' })).error.code, 'forbidden');

    const reason = 'Басқа адамның көмегі байқалды';
    const stopped = await ask(proctor, 'proctor:stop', { sessionId: first!.sessionId, reason });
    assert.equal(stopped.ok, true, JSON.stringify(stopped.error));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(heard.map((s) => s.reason), [reason]);

    const session = await stack.db.selectFrom('examSessions').select(['status', 'endedAt']).where('id', '=', first!.sessionId).executeTakeFirstOrThrow();
    assert.equal(session.status, 'finished');
    assert.ok(session.endedAt);
    const attempts = await stack.db.selectFrom('attempts').select(['number', 'endReason']).where('sessionId', '=', first!.sessionId).execute();
    assert.deepEqual(attempts, [{ number: 1, endReason: 'kicked' }]);
    const entry = (await listActionsForSession(stack.db, first!.sessionId)).find((a) => a.action === 'proctor.exam_stopped');
    assert.ok(entry && entry.actorName.length > 0);
    assert.deepEqual(entry.details, { reason, attempt: 1 });

    // The same link no longer starts the exam.
    const again = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId: first!.sessionId }));
    assert.equal((await ask(again, 'candidate:join', {})).error.code, 'forbidden');
    for (const s of [candidate, proctor, again]) s.close();
  });
});
