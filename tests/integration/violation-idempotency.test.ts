/**
 * Each violation the candidate's page reports is stored exactly once, through faults: a resend
 * after a lost ack, two sends racing, a resend after the socket dropped and came back, and a
 * resend of a report whose row was merged into another, and the database connection dying in
 * the middle of storing one. Keys are per session. Real PostgreSQL, real socket.io on a real
 * media node.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { sql } from 'kysely';
import { countReportKeys } from '@proctor/db';
import type { SessionViolation } from '@proctor/signaling/contract';
import { useStack, type Stack } from '../support/stack.ts';
import { ask, connect } from '../support/socket.ts';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('violation reports are stored exactly once', () => {
  let stack: Stack;
  let cand: Socket;
  let other: Socket;
  let proctor: Socket;
  let sessionId: string;
  let otherSessionId: string;
  const pushed: SessionViolation[] = [];

  const rows = (sid: string) => stack.db.selectFrom('violations').selectAll().where('sessionId', '=', sid).orderBy('startsAt').execute();
  const joined = async (sid: string) => {
    const s = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId: sid }));
    const j = await ask(s, 'candidate:join', {});
    assert.equal(j.ok, true, JSON.stringify(j));
    return s;
  };

  useStack({ candidates: 2 }, (s) => (stack = s));
  beforeAll(async () => {
    sessionId = stack.seed.sessions[0]!.sessionId;
    otherSessionId = stack.seed.sessions[1]!.sessionId;
    proctor = await connect(stack.node.url, stack.token({ role: 'proctor', userId: stack.seed.proctorUserId }));
    proctor.on('session:violation', (p: SessionViolation) => pushed.push(p));
    assert.equal((await ask(proctor, 'proctor:join', { examId: stack.seed.examId })).ok, true);
    cand = await joined(sessionId);
    other = await joined(otherSessionId);
    // Findings must lie inside the session: let it age a little.
    await sleep(3000);
  });
  afterAll(async () => {
    cand?.close();
    other?.close();
    proctor?.close();
  });

  it('a resend after a lost ack stores nothing new and answers the first violation with alreadyStored', async () => {
    const report = { idempotencyKey: randomUUID(), type: 'copy', startedAt: ago(2000), endedAt: ago(2000) };
    const first = await ask(cand, 'violation:report', report);
    assert.equal(first.ok, true, JSON.stringify(first));
    assert.equal(first.data.alreadyStored, false);
    const pushesAfterFirst = pushed.length;
    // The page never saw the ack (lost): it sends the same report, same key, again.
    const again = await ask(cand, 'violation:report', report);
    assert.equal(again.ok, true, JSON.stringify(again));
    assert.deepEqual(again.data, { violationId: first.data.violationId, alreadyStored: true });
    const copies = (await rows(sessionId)).filter((v) => v.type === 'copy');
    assert.equal(copies.length, 1);
    assert.equal(await countReportKeys(stack.db, sessionId), 1);
    await sleep(300);
    assert.ok(pushed.length - pushesAfterFirst <= 1, 'a resend is not pushed to the proctor again');
    assert.equal(pushed.filter((p) => p.violation.id === first.data.violationId).length, 1);
  });

  it('two sends of one report racing each other store one row', async () => {
    const report = { idempotencyKey: randomUUID(), type: 'paste', startedAt: ago(1800), endedAt: ago(1800) };
    const acks = await Promise.all([ask(cand, 'violation:report', report), ask(cand, 'violation:report', report), ask(cand, 'violation:report', report)]);
    for (const a of acks) assert.equal(a.ok, true, JSON.stringify(a));
    assert.equal(new Set(acks.map((a) => a.data.violationId)).size, 1);
    assert.deepEqual(acks.map((a) => a.data.alreadyStored).sort(), [false, true, true]);
    assert.equal((await rows(sessionId)).filter((v) => v.type === 'paste').length, 1);
  });

  it("keys are per session: another session's report with the same key is stored for it", async () => {
    const idempotencyKey = randomUUID();
    const mine = await ask(cand, 'violation:report', { idempotencyKey, type: 'cut', startedAt: ago(1500), endedAt: ago(1500) });
    const theirs = await ask(other, 'violation:report', { idempotencyKey, type: 'cut', startedAt: ago(1500), endedAt: ago(1500) });
    assert.equal(mine.ok && theirs.ok, true, JSON.stringify([mine, theirs]));
    assert.equal(theirs.data.alreadyStored, false);
    assert.notEqual(theirs.data.violationId, mine.data.violationId);
    assert.equal((await rows(otherSessionId)).filter((v) => v.type === 'cut').length, 1);
  });

  it('reports resent after a disconnect and reconnect are stored exactly once', async () => {
    // Sent, then the socket drops before the page can see the acks (they may or may not have landed).
    const reports = [
      { idempotencyKey: randomUUID(), type: 'fullscreen_exit', startedAt: ago(1400), endedAt: ago(1300) },
      { idempotencyKey: randomUUID(), type: 'second_display', startedAt: ago(1200), endedAt: ago(1100) },
      { idempotencyKey: randomUUID(), type: 'tab_hidden', startedAt: ago(1000), endedAt: ago(900) },
    ];
    for (const r of reports) cand.emit('violation:report', r, () => undefined);
    cand.disconnect();
    await sleep(500);
    cand = await joined(sessionId);
    // The page resends everything it never saw acked, in order.
    const acks = [];
    for (const r of reports) acks.push(await ask(cand, 'violation:report', r));
    for (const a of acks) assert.equal(a.ok, true, JSON.stringify(a));
    // And once more, as after a page reload whose queue still held them.
    for (const [i, r] of reports.entries()) {
      const a = await ask(cand, 'violation:report', r);
      assert.deepEqual(a.data, { violationId: acks[i]!.data.violationId, alreadyStored: true });
    }
    const stored = await rows(sessionId);
    for (const r of reports) assert.equal(stored.filter((v) => v.type === r.type).length, 1, r.type);
  });

  it('a resend still finds its finding after the row was merged into another', async () => {
    const a = { idempotencyKey: randomUUID(), type: 'focus_lost', startedAt: ago(2600), endedAt: ago(2400) };
    const b = { idempotencyKey: randomUUID(), type: 'focus_lost', startedAt: ago(2000), endedAt: ago(1800) };
    const first = await ask(cand, 'violation:report', a);
    const second = await ask(cand, 'violation:report', b);
    assert.notEqual(first.data.violationId, second.data.violationId);
    // One interval spanning both: the two rows collapse into the first.
    const span = await ask(cand, 'violation:report', { idempotencyKey: randomUUID(), type: 'focus_lost', startedAt: ago(2700), endedAt: ago(1700) });
    assert.equal(span.data.violationId, first.data.violationId);
    const resent = await ask(cand, 'violation:report', b);
    assert.deepEqual(resent.data, { violationId: first.data.violationId, alreadyStored: true });
    assert.equal((await rows(sessionId)).filter((v) => v.type === 'focus_lost').length, 1);
  });

  it("a report whose database connection dies mid-store is refused as unavailable, stores nothing, and the page's resend stores it once", async () => {
    const report = { idempotencyKey: randomUUID(), type: 'network_lost', startedAt: ago(1000), endedAt: ago(900) };
    // Block writes to the key table (reads go on), so the node waits inside its storing
    // transaction, at the claim of the key; then kill the node's backend there:
    // to the node this is PostgreSQL going away in the middle of the transaction.
    await stack.db
      .transaction()
      .execute(async (trx) => {
        await sql`LOCK TABLE violation_reports IN EXCLUSIVE MODE`.execute(trx);
        const pending = ask(cand, 'violation:report', report, 15_000);
        const end = Date.now() + 8000;
        let killed = 0;
        while (killed === 0 && Date.now() < end) {
          const { rows: blocked } = await sql<{ pid: number }>`
            SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`.execute(stack.db);
          for (const { pid } of blocked) await sql`SELECT pg_terminate_backend(${pid})`.execute(stack.db);
          killed = blocked.length;
          if (killed === 0) await sleep(50);
        }
        assert.ok(killed > 0, "the node's store was waiting on the lock");
        const failed = await pending;
        assert.equal(failed.ok, false, JSON.stringify(failed));
        // The connection died under it: a passing fault the page retries, not a bad report.
        assert.equal(failed.error.code, 'unavailable', JSON.stringify(failed));
        throw new Error('rollback');
      })
      .catch((err: Error) => assert.equal(err.message, 'rollback'));
    assert.equal((await rows(sessionId)).filter((v) => v.type === 'network_lost').length, 0, 'the aborted store left nothing');

    // The page kept it (not acked) and resends: stored now, once.
    const resent = await ask(cand, 'violation:report', report);
    assert.equal(resent.ok, true, JSON.stringify(resent));
    assert.equal(resent.data.alreadyStored, false);
    const again = await ask(cand, 'violation:report', report);
    assert.deepEqual(again.data, { violationId: resent.data.violationId, alreadyStored: true });
    assert.equal((await rows(sessionId)).filter((v) => v.type === 'network_lost').length, 1);
  });
});
