/**
 * Violation ingestion over the real socket of a real media node: a candidate's findings are
 * stored (touching ones merged), pushed live to the exam's proctor, and honesty follows; bad
 * input — another session, forged confidence, end before start, the future, a proctor posing
 * as a candidate, 10 000 events in a second — is refused with a clear code while the
 * candidate's media session keeps working.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import type { SessionViolation } from '@proctor/signaling/contract';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect, vp8Params } from '../support/socket.ts';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('violations over the socket', () => {
  let stack: Stack;
  let cand: Socket;
  let proctor: Socket;
  let transportId: string;
  const pushed: SessionViolation[] = [];
  let sessionId: string;
  let otherSessionId: string;

  useStack({ candidates: 2 }, (s) => (stack = s));
  beforeAll(async () => {
    sessionId = stack.seed.sessions[0]!.sessionId;
    otherSessionId = stack.seed.sessions[1]!.sessionId;
    proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    proctor.on('session:violation', (p: SessionViolation) => pushed.push(p));
    assert.equal((await ask(proctor, 'proctor:join', { examId: stack.seed.examId })).ok, true);
    cand = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
    assert.equal((await ask(cand, 'candidate:join', {})).ok, true);
    const t = await ask(cand, 'transport:create', { direction: 'send' });
    assert.equal(t.ok, true, JSON.stringify(t));
    transportId = t.data.id;
    // Let the attempt age a little, so findings of the last seconds lie inside it.
    await new Promise((r) => setTimeout(r, 4500));
  });
  afterAll(async () => {
    cand?.close();
    proctor?.close();
  });

  it('stores a finding, pushes it to the proctor, merges a touching one and updates honesty', async () => {
    const first = await ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: 'no_face', startedAt: ago(4000), endedAt: ago(2000), confidence: 0.9 });
    assert.equal(first.ok, true, JSON.stringify(first));
    const push = await until('the push', async () => pushed.find((p) => p.violation.id === first.data.violationId));
    assert.equal(push.sessionId, sessionId);
    assert.equal(push.violation.source, 'client');
    assert.equal(push.violation.category, 'behaviour');
    assert.equal(push.violation.confidence, 0.9);

    // Overlapping the first: one interval, same id.
    const secondEnd = ago(500);
    const second = await ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: 'no_face', startedAt: ago(2500), endedAt: secondEnd });
    assert.equal(second.data.violationId, first.data.violationId);
    const rows = await stack.db.selectFrom('violations').selectAll().where('sessionId', '=', sessionId).where('type', '=', 'no_face').execute();
    assert.equal(rows.length, 1);
    // Starts are clamped to the session's start (it began moments ago); the end is the later report's.
    assert.equal(rows[0]!.endsAt!.toISOString(), secondEnd);
    assert.ok(rows[0]!.startsAt < rows[0]!.endsAt!);

    // An open one, then closed by id.
    const open = await ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: 'tab_hidden', startedAt: ago(1000), endedAt: null });
    assert.equal(open.ok, true, JSON.stringify(open));
    const ended = await ask(cand, 'violation:end', { violationId: open.data.violationId, endedAt: ago(0) });
    assert.equal(ended.ok, true, JSON.stringify(ended));
    assert.equal((await ask(cand, 'violation:end', { violationId: open.data.violationId, endedAt: ago(0) })).error.code, 'not_found', 'already closed');

    // Honesty is recomputed (debounced) from what was stored.
    const honesty = await until('honesty', async () => {
      const s = await stack.db.selectFrom('examSessions').select('honesty').where('id', '=', sessionId).executeTakeFirstOrThrow();
      return s.honesty !== null && s.honesty < 100 ? s.honesty : undefined;
    });
    assert.ok(honesty >= 0 && honesty < 100);
  });

  it('refuses findings for another session, forged confidence and impossible times', async () => {
    const before = await stack.db.selectFrom('violations').select('id').execute();
    const bad = async (payload: unknown, code = 'bad_request') => {
      // Each carries a valid key, so what is refused is the finding itself, not a missing key.
      const keyed = typeof payload === 'object' && payload !== null ? { idempotencyKey: randomUUID(), ...payload } : payload;
      const a = await ask(cand, 'violation:report', keyed);
      assert.equal(a.ok, false, JSON.stringify(payload));
      assert.equal(a.error.code, code, `${JSON.stringify(payload)} → ${a.error.message}`);
    };
    await bad({ type: 'no_face', startedAt: ago(1000), endedAt: null, sessionId: otherSessionId });
    await bad({ type: 'no_face', startedAt: ago(1000), endedAt: null, confidence: 1.5 });
    await bad({ type: 'no_face', startedAt: ago(1000), endedAt: null, confidence: -0.1 });
    await bad({ type: 'no_face', startedAt: ago(1000), endedAt: null, confidence: Number.NaN }); // JSON sends null
    await bad({ type: 'no_face', startedAt: ago(1000), endedAt: null, confidence: '0.2' });
    await bad({ type: 'no_face', startedAt: ago(1000), endedAt: ago(3000) });
    await bad({ type: 'no_face', startedAt: new Date(Date.now() + 60_000).toISOString(), endedAt: null });
    await bad({ type: 'no_face', startedAt: ago(24 * 3600_000), endedAt: null }); // before the session started
    await bad({ type: 'no_face', startedAt: 'yesterday', endedAt: null });
    await bad({ type: "no_face'; drop table violations; --", startedAt: ago(1000), endedAt: null });
    await bad({ type: '../../etc/passwd', startedAt: ago(1000), endedAt: null });
    // The key itself: missing, not a UUID, or not a string are refused with the field named.
    for (const idempotencyKey of [undefined, 'not-a-uuid', 42, '']) {
      const a = await ask(cand, 'violation:report', { idempotencyKey, type: 'no_face', startedAt: ago(1000), endedAt: null });
      assert.equal(a.ok, false);
      assert.equal(a.error.code, 'bad_request');
      assert.match(a.error.message, /idempotencyKey/, a.error.message);
    }

    // Another session's violation cannot be closed by id.
    const foreign = await stack.db
      .insertInto('violations')
      .values({ sessionId: otherSessionId, type: 'no_face', category: 'behaviour', startsAt: new Date(Date.now() - 5000), endsAt: null, source: 'client' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const end = await ask(cand, 'violation:end', { violationId: foreign.id, endedAt: ago(0) });
    assert.equal(end.error.code, 'not_found');
    assert.equal((await ask(cand, 'violation:end', { violationId: randomUUID(), endedAt: ago(0) })).error.code, 'not_found');
    const still = await stack.db.selectFrom('violations').select('endsAt').where('id', '=', foreign.id).executeTakeFirstOrThrow();
    assert.equal(still.endsAt, null, "the other session's row is untouched");

    // Staff cannot file findings as a candidate.
    const p = await ask(proctor, 'violation:report', { idempotencyKey: randomUUID(), type: 'no_face', startedAt: ago(1000), endedAt: null });
    assert.equal(p.error.code, 'forbidden');

    const after = await stack.db.selectFrom('violations').select('id').execute();
    assert.equal(after.length, before.length + 1, 'only the directly inserted foreign row was added');
  });

  it('rate-limits 10 000 events in a second while the media session keeps working', async () => {
    const countBefore = Number((await stack.db.selectFrom('violations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const started = Date.now();
    const acks = await Promise.all(
      Array.from({ length: 10_000 }, (_, i) => ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: i % 2 ? 'copy' : 'paste', startedAt: ago(100), endedAt: ago(100) }, 30_000)),
    );
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
    const accepted = acks.filter((a) => a.ok).length;
    assert.ok(limited >= 9_900, `${limited} rate-limited`);
    assert.ok(accepted <= 20 + Math.ceil(((Date.now() - started) / 1000) * 5) + 1, `${accepted} accepted`);
    const countAfter = Number((await stack.db.selectFrom('violations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    assert.ok(countAfter - countBefore <= accepted);

    // Media requests have their own budget: publishing still works right after the flood.
    const cam = await ask(cand, 'produce', { transportId, kind: 'video', source: 'camera', rtpParameters: vp8Params(7777) });
    assert.equal(cam.ok, true, JSON.stringify(cam));
    // And a legitimate finding is accepted again once the burst has passed.
    await new Promise((r) => setTimeout(r, 1200));
    const later = await ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: 'fullscreen_exit', startedAt: ago(500), endedAt: ago(100) });
    assert.equal(later.ok, true, JSON.stringify(later));
  });

  it('accepts a finding queued during a reconnect, then closes open findings when the page goes away', async () => {
    // The page was offline, rejoined (a new attempt), and now sends what it saw meanwhile.
    const offlineFrom = ago(3000);
    const offlineTo = ago(2500);
    const rejoin = await ask(cand, 'candidate:join', {});
    assert.equal(rejoin.data.attempt, 2);
    const late = await ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: 'second_display', startedAt: offlineFrom, endedAt: offlineTo });
    assert.equal(late.ok, true, JSON.stringify(late));
    const stored = await stack.db.selectFrom('violations').select(['startsAt', 'endsAt']).where('id', '=', late.data.violationId).executeTakeFirstOrThrow();
    assert.deepEqual([stored.startsAt.toISOString(), stored.endsAt!.toISOString()], [offlineFrom, offlineTo]);

    const open = await ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: 'focus_lost', startedAt: ago(500), endedAt: null });
    assert.equal(open.ok, true);
    cand.close();
    await until('closed interval', async () => {
      const row = await stack.db.selectFrom('violations').select('endsAt').where('id', '=', open.data.violationId).executeTakeFirstOrThrow();
      return row.endsAt ?? undefined;
    });
  });
});
