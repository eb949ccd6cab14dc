/**
 * The exam guard's handshake, without the DOM (so it is unit-tested in Node with real
 * WebCrypto): challenge the proctoring page, accept only a valid assertion that answers the
 * challenge, re-check every `recheckMs`, and lock when an answer is missing, invalid or
 * expired. The proctoring page may also say "paused" or "terminated" (terminal).
 *
 * Messages count only when they come from the pinned platform origin and from the window
 * that frames or opened this page; anything else is ignored without changing the state.
 */
import {
  GUARD_ANSWER_TIMEOUT_MS,
  GUARD_PROTOCOL,
  GUARD_SOURCE,
  PLATFORM_SOURCE,
  type GuardMessage,
  type PauseReason,
  type UnavailableReason,
} from '../../contract/exam-guard-protocol.ts';
import { verifyGuardAssertion, type GuardKey, type VerifyProblem } from './verify.ts';

export type GuardStatus =
  | { kind: 'checking' }
  | { kind: 'open'; sessionId: string; examId: string }
  /** no_proctoring: not inside a proctoring page at all; not_confirmed: no valid answer; clock: the computer's time is off. */
  | { kind: 'blocked'; why: 'no_proctoring' | 'not_confirmed' | 'clock' }
  | { kind: 'waiting'; why: UnavailableReason }
  | { kind: 'paused'; why: PauseReason | null }
  | { kind: 'terminated'; why: PauseReason | null };

/** What happened to one incoming message (tests and the debug hook read it). */
export type Receipt = 'ignored' | 'accepted' | 'state' | 'unavailable' | VerifyProblem;

export interface GuardCoreOptions {
  /** The only origin whose messages count (where the guard script came from). */
  platformOrigin: string;
  /** This page's origin: the assertion's audience. */
  pageOrigin: string;
  key: GuardKey;
  /** Whether a window frames or opened this page (else it is a plain tab: locked for good). */
  hasPeer: boolean;
  /** Posts to that window, addressed to platformOrigin only. */
  send(message: GuardMessage): void;
  onStatus(status: GuardStatus): void;
  recheckMs: number;
  now?: () => number;
  nonce?: () => string;
}

const LOCKED_RECHECK_MS = 5000;

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class GuardCore {
  #status: GuardStatus = { kind: 'checking' };
  #pending: { nonce: string; sentAt: number } | null = null;
  #lastChallengeAt = -Infinity;
  /** Local time until which the latest accepted assertion holds. */
  #validUntil = -Infinity;
  #confirmed: { sessionId: string; examId: string; assertion: string } | null = null;
  #paused: PauseReason | null | undefined = undefined;
  #terminated: PauseReason | null | undefined = undefined;
  #waiting: UnavailableReason | null = null;
  #blockedWhy: 'no_proctoring' | 'not_confirmed' | 'clock' | null = null;
  readonly #seen = new Set<string>();
  readonly #now: () => number;
  readonly #nonce: () => string;

  constructor(private readonly opts: GuardCoreOptions) {
    this.#now = opts.now ?? Date.now;
    this.#nonce = opts.nonce ?? randomNonce;
  }

  get status(): GuardStatus {
    return this.#status;
  }

  /** The assertion currently unlocking the page (an LMS may send it to its server to verify). */
  get assertion(): string | null {
    return this.#status.kind === 'open' ? (this.#confirmed?.assertion ?? null) : null;
  }

  start(): void {
    if (!this.opts.hasPeer) {
      this.#blockedWhy = 'no_proctoring';
      this.#publish();
      return;
    }
    this.#challenge();
    this.#publish();
  }

  /** Call about once a second: re-checks, answer timeouts, expiry. */
  tick(): void {
    if (!this.opts.hasPeer || this.#terminated !== undefined) return;
    const now = this.#now();
    if (this.#pending && now - this.#pending.sentAt > GUARD_ANSWER_TIMEOUT_MS) {
      this.#pending = null;
      this.#lock('not_confirmed');
    }
    if (this.#confirmed && now > this.#validUntil) this.#lock('not_confirmed');
    // Locked, it asks again sooner, so the test comes back quickly once proctoring does.
    const every = this.#confirmed ? this.opts.recheckMs : Math.min(this.opts.recheckMs, LOCKED_RECHECK_MS);
    if (!this.#pending && now - this.#lastChallengeAt >= every) this.#challenge();
    this.#publish();
  }

  async receive(origin: string, fromPeer: boolean, data: unknown): Promise<Receipt> {
    if (origin !== this.opts.platformOrigin || !fromPeer) return 'ignored';
    if (!data || typeof data !== 'object') return 'ignored';
    const m = data as Record<string, unknown>;
    if (m.source !== PLATFORM_SOURCE || m.v !== GUARD_PROTOCOL || this.#terminated !== undefined) return 'ignored';

    if (m.type === 'state') {
      const reason = typeof m.reason === 'string' ? (m.reason as PauseReason) : null;
      if (m.state === 'terminated') this.#terminated = reason;
      else if (m.state === 'paused') this.#paused = reason;
      else if (m.state === 'live') {
        if (this.#paused !== undefined && !this.#pending) this.#challenge();
        this.#paused = undefined;
      } else return 'ignored';
      this.#publish();
      return 'state';
    }
    if (m.type === 'unavailable') {
      if (!this.#pending || m.nonce !== this.#pending.nonce || typeof m.reason !== 'string') return 'ignored';
      this.#pending = null;
      this.#confirmed = null;
      this.#waiting = m.reason as UnavailableReason;
      this.#publish();
      return 'unavailable';
    }
    if (m.type !== 'assertion') return 'ignored';

    const result = await verifyGuardAssertion(this.opts.key, m.assertion, {
      audience: this.opts.pageOrigin,
      nonce: this.#pending?.nonce ?? null,
      seen: this.#seen,
      nowSeconds: Math.floor(this.#now() / 1000),
    });
    if (!result.ok) {
      // A stale or foreign answer does not cancel the challenge it failed to answer; a
      // forged or wrong-clock one locks the page now.
      if (result.problem === 'clock' || result.problem === 'expired') this.#lock('clock');
      else if (result.problem === 'bad_signature' || result.problem === 'wrong_audience' || result.problem === 'malformed') this.#lock('not_confirmed');
      this.#publish();
      return result.problem;
    }
    const { claims } = result;
    this.#seen.add(claims.jti);
    this.#pending = null;
    this.#waiting = null;
    this.#blockedWhy = null;
    this.#validUntil = this.#now() + (claims.exp - claims.iat) * 1000;
    this.#confirmed = { sessionId: claims.sub, examId: claims.exam, assertion: m.assertion as string };
    this.#publish();
    return 'accepted';
  }

  #challenge(): void {
    const nonce = this.#nonce();
    const now = this.#now();
    this.#pending = { nonce, sentAt: now };
    this.#lastChallengeAt = now;
    this.opts.send({ source: GUARD_SOURCE, v: GUARD_PROTOCOL, type: 'challenge', nonce });
  }

  #lock(why: 'not_confirmed' | 'clock'): void {
    this.#confirmed = null;
    this.#waiting = null;
    this.#blockedWhy = why;
  }

  #compute(): GuardStatus {
    if (this.#terminated !== undefined) return { kind: 'terminated', why: this.#terminated };
    if (this.#paused !== undefined) return { kind: 'paused', why: this.#paused };
    if (this.#confirmed) return { kind: 'open', sessionId: this.#confirmed.sessionId, examId: this.#confirmed.examId };
    if (this.#waiting) return { kind: 'waiting', why: this.#waiting };
    if (this.#blockedWhy) return { kind: 'blocked', why: this.#blockedWhy };
    return { kind: 'checking' };
  }

  #publish(): void {
    const next = this.#compute();
    if (JSON.stringify(next) === JSON.stringify(this.#status)) return;
    this.#status = next;
    this.opts.onStatus(next);
  }
}
