/**
 * A proctor's warning to a candidate (`proctor:warn` → `candidate:warning`): delivered to
 * the candidate's own connection only, written to the session's action archive with the
 * proctor's name, and refused to candidates, to proctors who have not joined the exam, for
 * a candidate who is not connected, and for an empty or over-long message.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { listActionsForSession } from '@proctor/db';
import { WARNING_MAX_LENGTH } from '@proctor/signaling/contract';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';

describe('proctor warnings', () => {
  let stack: Stack;
  useStack({ candidates: 2, workers: 1 }, (s) => (stack = s));

  it('reaches the candidate and the action archive; bad requests are refused', async () => {
    const [first, second] = stack.seed.sessions;
    const candidate = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId: first!.sessionId }));
    assert.equal((await ask(candidate, 'candidate:join', {})).ok, true);
    const heard: { message: string; at: string }[] = [];
    candidate.on('candidate:warning', (w) => heard.push(w));

    const proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    const early = await ask(proctor, 'proctor:warn', { sessionId: first!.sessionId, message: 'Look at the screen' });
    assert.equal(early.error.code, 'bad_request', 'only after joining the exam');
    assert.equal((await ask(proctor, 'proctor:join', { examId: stack.seed.examId })).ok, true);

    const message = 'Экранға қараңыз, басқа қойындыны жабыңыз';
    const sent = await ask(proctor, 'proctor:warn', { sessionId: first!.sessionId, message: `  ${message}  ` });
    assert.equal(sent.ok, true, JSON.stringify(sent.error));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(heard.map((w) => w.message), [message]);

    const actions = await listActionsForSession(stack.db, first!.sessionId);
    const entry = actions.find((a) => a.action === 'proctor.warning_sent');
    assert.ok(entry);
    assert.deepEqual(entry.details, { message });
    assert.ok(entry.actorName.length > 0);

    for (const [payload, code] of [
      [{ sessionId: second!.sessionId, message: 'hello' }, 'not_found'],
      [{ sessionId: randomUUID(), message: 'hello' }, 'not_found'],
      [{ sessionId: first!.sessionId, message: '   ' }, 'bad_request'],
      [{ sessionId: first!.sessionId, message: 'x'.repeat(WARNING_MAX_LENGTH + 1) }, 'bad_request'],
      [{ sessionId: first!.sessionId, message: 'hi', extra: true }, 'bad_request'],
    ] as const) {
      const res = await ask(proctor, 'proctor:warn', payload);
      assert.equal(res.ok, false);
      assert.equal(res.error.code, code, JSON.stringify(payload).slice(0, 80));
    }
    const byCandidate = await ask(candidate, 'proctor:warn', { sessionId: first!.sessionId, message: 'me' });
    assert.equal(byCandidate.error.code, 'forbidden');
    assert.equal(heard.length, 1, 'refused warnings are not delivered');
    candidate.close();
    proctor.close();
  });
});
