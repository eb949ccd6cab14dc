/**
 * The exam guard's handshake (exam-guard/guard-core) with real WebCrypto and assertions
 * minted by the server's own code: only a fresh, correctly signed assertion from the pinned
 * platform origin, answering the current challenge, for this page's origin, unlocks the
 * page; wrong origin, expired, replayed and forged ones do not; no answer locks it again;
 * "paused" and "terminated" from the proctoring page lock it.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deriveGuardKeys } from '../../src/exam-guard/guard-keys.ts';
import { mintAssertion } from '../../src/exam-guard/assertion.ts';
import { GuardCore, type GuardStatus } from '../../src/exam-guard/guard-core/guard-core.ts';
import { importGuardKey } from '../../src/exam-guard/guard-core/verify.ts';
import { GUARD_ANSWER_TIMEOUT_MS, PLATFORM_SOURCE, type GuardMessage } from '../../src/contract/exam-guard-protocol.ts';

const PLATFORM = 'https://proctor.university.test';
const LMS = 'https://lms.university.test';
const SESSION = '6f1c7d2e-8a6b-4f55-9d0e-2b7f3a9c1e01';
const EXAM = '0b9e2c41-3d5f-4a7e-8c6d-1f2e3a4b5c6d';

async function setup(opts: { hasPeer?: boolean; recheckMs?: number } = {}) {
  const keys = deriveGuardKeys(randomBytes(32).toString('base64url'));
  let clock = Date.now();
  const sent: GuardMessage[] = [];
  const statuses: GuardStatus[] = [];
  const core = new GuardCore({
    platformOrigin: PLATFORM,
    pageOrigin: LMS,
    key: await importGuardKey(keys.jwk),
    hasPeer: opts.hasPeer ?? true,
    send: (m) => sent.push(m),
    onStatus: (s) => statuses.push(s),
    recheckMs: opts.recheckMs ?? 15_000,
    now: () => clock,
  });
  const challenge = () => {
    const last = [...sent].reverse().find((m) => m.type === 'challenge');
    assert.ok(last && last.type === 'challenge', 'a challenge was sent');
    return last.nonce;
  };
  const assertion = async (nonce: string, over: { audience?: string; now?: Date; keys?: typeof keys } = {}) =>
    (await mintAssertion(over.keys ?? keys, { sessionId: SESSION, examId: EXAM, audience: over.audience ?? LMS, issuer: PLATFORM, nonce, now: over.now ?? new Date(clock) })).assertion;
  const answer = (a: string, nonce: string, origin = PLATFORM, fromPeer = true) =>
    core.receive(origin, fromPeer, { source: PLATFORM_SOURCE, v: 1, type: 'assertion', nonce, assertion: a });
  return {
    keys,
    core,
    sent,
    statuses,
    challenge,
    assertion,
    answer,
    /** Read afresh each time (the status changes behind TypeScript's narrowing). */
    kind: (): GuardStatus['kind'] => core.status.kind,
    advance(ms: number) {
      clock += ms;
      core.tick();
    },
  };
}

describe('exam guard handshake', () => {
  it('opens for a valid assertion answering its challenge, and only then', async () => {
    const g = await setup();
    g.core.start();
    assert.deepEqual(g.core.status, { kind: 'checking' });
    const nonce = g.challenge();
    assert.equal(await g.answer(await g.assertion(nonce), nonce), 'accepted');
    assert.deepEqual(g.core.status, { kind: 'open', sessionId: SESSION, examId: EXAM });
    assert.ok(g.core.assertion, 'the LMS can read the assertion that unlocked the page');
  });

  it('locks a plain tab at once: nothing frames or opened it', async () => {
    const g = await setup({ hasPeer: false });
    g.core.start();
    assert.deepEqual(g.core.status, { kind: 'blocked', why: 'no_proctoring' });
    assert.equal(g.sent.length, 0);
  });

  it('ignores answers from another origin or another window', async () => {
    const g = await setup();
    g.core.start();
    const nonce = g.challenge();
    const valid = await g.assertion(nonce);
    assert.equal(await g.answer(valid, nonce, 'https://evil.test'), 'ignored');
    assert.equal(await g.answer(valid, nonce, PLATFORM, false), 'ignored');
    assert.equal(await g.core.receive(PLATFORM, true, 'not an object'), 'ignored');
    assert.deepEqual(g.core.status, { kind: 'checking' });
    // The genuine answer still works afterwards.
    assert.equal(await g.answer(valid, nonce), 'accepted');
  });

  it('refuses expired, replayed, forged and foreign-audience assertions', async () => {
    const g = await setup();
    g.core.start();
    let nonce = g.challenge();
    // Expired: minted long ago (its times are far behind this clock).
    assert.equal(await g.answer(await g.assertion(nonce, { now: new Date(Date.now() - 10 * 60_000) }), nonce), 'expired');
    assert.equal(g.kind(), 'blocked');
    // Forged: signed by another platform's key; or a valid one with its payload altered.
    assert.equal(await g.answer(await g.assertion(nonce, { keys: deriveGuardKeys('another secret') }), nonce), 'bad_signature');
    const [h, p, s] = (await g.assertion(nonce)).split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: '11111111-1111-4111-8111-111111111111' })).toString('base64url');
    assert.equal(await g.answer(`${h}.${altered}.${s}`, nonce), 'bad_signature');
    assert.equal(await g.answer(`${h}.${p}.`, nonce), 'bad_signature', 'no signature at all');
    assert.equal(await g.answer('a.b', nonce), 'malformed');
    // For another site.
    assert.equal(await g.answer(await g.assertion(nonce, { audience: 'https://other-lms.test' }), nonce), 'wrong_audience');
    assert.notEqual(g.kind(), 'open');

    // A valid one opens; sent again (replayed) it is refused, and so is one for an old challenge.
    g.advance(GUARD_ANSWER_TIMEOUT_MS + 1000);
    nonce = g.challenge();
    const valid = await g.assertion(nonce);
    assert.equal(await g.answer(valid, nonce), 'accepted');
    assert.equal(await g.answer(valid, nonce), 'replayed');
    assert.equal(await g.answer(await g.assertion(nonce), nonce), 'wrong_nonce');
    assert.equal(g.kind(), 'open', 'a replay does not close an open page either');
  });

  it('re-checks every interval and locks when the proctoring page stops answering', async () => {
    const g = await setup({ recheckMs: 15_000 });
    g.core.start();
    let nonce = g.challenge();
    await g.answer(await g.assertion(nonce), nonce);
    g.advance(15_000);
    const next = g.challenge();
    assert.notEqual(next, nonce, 'a fresh challenge each time');
    nonce = next;
    await g.answer(await g.assertion(nonce), nonce);
    assert.equal(g.kind(), 'open');
    // No answer to the next challenge: locked once it times out.
    g.advance(15_000);
    g.advance(GUARD_ANSWER_TIMEOUT_MS + 1000);
    assert.deepEqual(g.core.status, { kind: 'blocked', why: 'not_confirmed' });
  });

  it('shows why the platform cannot vouch, and obeys paused and terminated', async () => {
    const g = await setup();
    g.core.start();
    let nonce = g.challenge();
    await g.core.receive(PLATFORM, true, { source: PLATFORM_SOURCE, v: 1, type: 'unavailable', nonce, reason: 'not_started' });
    assert.deepEqual(g.core.status, { kind: 'waiting', why: 'not_started' });
    g.advance(15_000);
    nonce = g.challenge();
    await g.answer(await g.assertion(nonce), nonce);
    assert.equal(g.kind(), 'open');

    await g.core.receive(PLATFORM, true, { source: PLATFORM_SOURCE, v: 1, type: 'state', state: 'paused', reason: 'media_stopped' });
    assert.deepEqual(g.core.status, { kind: 'paused', why: 'media_stopped' });
    // Another origin cannot resume it.
    assert.equal(await g.core.receive('https://evil.test', true, { source: PLATFORM_SOURCE, v: 1, type: 'state', state: 'live', reason: null }), 'ignored');
    assert.equal(g.kind(), 'paused');
    await g.core.receive(PLATFORM, true, { source: PLATFORM_SOURCE, v: 1, type: 'state', state: 'live', reason: null });
    assert.equal(g.kind(), 'open');

    await g.core.receive(PLATFORM, true, { source: PLATFORM_SOURCE, v: 1, type: 'state', state: 'terminated', reason: 'finished' });
    assert.deepEqual(g.core.status, { kind: 'terminated', why: 'finished' });
    // Terminal: a later valid assertion changes nothing.
    g.advance(20_000);
    assert.equal(await g.answer(await g.assertion(nonce), nonce), 'ignored');
    assert.equal(g.kind(), 'terminated');
  });

  it('derives the same key on every node from the same secret', () => {
    const secret = randomBytes(32).toString('base64url');
    assert.deepEqual(deriveGuardKeys(secret).jwk, deriveGuardKeys(secret).jwk);
    assert.notDeepEqual(deriveGuardKeys(secret).jwk, deriveGuardKeys(`${secret}x`).jwk);
  });
});
