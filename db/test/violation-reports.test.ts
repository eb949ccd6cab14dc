/**
 * recordViolation with the page's idempotency key (migration 0021): a key stores once per
 * session, a resend returns the first violation and stores nothing, another session's same
 * key is its own report, keys follow a merged row, and a rolled-back store leaves no claim.
 */
import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { countReportKeys, findReportedViolation, listViolationRows, recordViolation, seedMediaDemo, type RecordViolationInput } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

describe('violation report keys', () => {
  let t: TestDatabase;
  let s1: string;
  let s2: string;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    const seed = await seedMediaDemo(t.db, { candidates: 2 });
    s1 = seed.sessions[0]!.sessionId;
    s2 = seed.sessions[1]!.sessionId;
  });

  const finding = (sessionId: string, idempotencyKey: string, from: number, to: number): RecordViolationInput => ({
    sessionId,
    attemptId: null,
    type: 'copy',
    category: 'behaviour',
    startsAt: new Date(from),
    endsAt: new Date(to),
    confidence: null,
    source: 'client',
    idempotencyKey,
  });

  it('a key stores once; the resend returns the first violation', async () => {
    const key = randomUUID();
    const first = await recordViolation(t.db, finding(s1, key, 1_000_000, 1_000_000));
    const again = await recordViolation(t.db, finding(s1, key, 1_000_000, 1_000_000));
    assert.equal(first.alreadyStored, false);
    assert.deepEqual([again.alreadyStored, again.violation.id], [true, first.violation.id]);
    assert.equal((await listViolationRows(t.db, s1)).length, 1);
    assert.equal(await countReportKeys(t.db, s1), 1);
  });

  it('keys are per session', async () => {
    const key = randomUUID();
    const a = await recordViolation(t.db, finding(s1, key, 2_000_000, 2_000_000));
    const b = await recordViolation(t.db, finding(s2, key, 2_000_000, 2_000_000));
    assert.equal(b.alreadyStored, false);
    assert.notEqual(a.violation.id, b.violation.id);
  });

  it('keys of rows folded by a merge follow the kept row', async () => {
    const [k1, k2] = [randomUUID(), randomUUID()];
    const one = await recordViolation(t.db, finding(s1, k1, 3_000_000, 3_000_100));
    await recordViolation(t.db, finding(s1, k2, 3_000_500, 3_000_600));
    await recordViolation(t.db, finding(s1, randomUUID(), 2_999_000, 3_001_000));
    assert.equal((await findReportedViolation(t.db, s1, k2))?.id, one.violation.id);
    const resend = await recordViolation(t.db, finding(s1, k2, 3_000_500, 3_000_600));
    assert.deepEqual([resend.alreadyStored, resend.violation.id], [true, one.violation.id]);
  });

  it('a store rolled back takes its claim with it', async () => {
    const key = randomUUID();
    await assert.rejects(
      t.db.transaction().execute(async (trx) => {
        await recordViolation(trx, finding(s2, key, 4_000_000, 4_000_000));
        throw new Error('fault');
      }),
      /fault/,
    );
    assert.equal(await findReportedViolation(t.db, s2, key), undefined);
    assert.equal((await recordViolation(t.db, finding(s2, key, 4_000_000, 4_000_000))).alreadyStored, false);
  });
});
