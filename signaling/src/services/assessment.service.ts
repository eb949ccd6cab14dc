/**
 * The candidate's workspace (#10): what assessment to open, the exam guard's assertions and
 * "opened in a separate window". Every call names the session of the candidate's token.
 *
 * An assertion vouches that the session is live under proctoring right now: in progress,
 * an attempt open (the candidate's media is connected to a node), inside the exam window.
 * Its audience is the exam's assessment origin, never one the browser names. For an LTI
 * proctored attempt (#13) the assessment is the platform's quiz behind its
 * start_assessment_url, opened with our signed LtiStartAssessment once the learner is live.
 */
import type { Kysely } from 'kysely';
import {
  appendAction,
  getSessionAssessment,
  markAssessmentWindowUsed,
  setAssessmentCheck,
  type AssessmentCheck,
  type DB,
  type SessionAssessment,
} from '@proctor/db';
import {
  ASSESSMENT_RECHECK_MS,
  type AssessmentWindowRequest,
  type CandidateAssessment,
  type GuardAssertionResponse,
  type GuardVerifyResponse,
  type LtiStartResponse,
} from '../contract/api/assessment.ts';
import type { LtiProctoringService } from './lti-proctoring.service.ts';
import { LtiError } from './lti-launch.service.ts';
import { AssertionError, mintAssertion, verifyAssertion } from '../exam-guard/assertion.ts';
import type { GuardKeys } from '../exam-guard/guard-keys.ts';
import { DomainError } from '../domain/errors.ts';
import type { FramingChecker } from './framing-check.service.ts';

export interface AssessmentServiceDeps {
  db: Kysely<DB>;
  keys: GuardKeys;
  /** The platform's origin (the assertions' issuer). */
  platformOrigin: string;
  framing: Pick<FramingChecker, 'check'>;
  /** LTI proctored attempts (#13); without it no session has one. */
  ltiProctoring?: Pick<LtiProctoringService, 'openAttemptUrl' | 'startAssessment'>;
  now?: () => Date;
}

export class AssessmentService {
  /** One framing re-check per exam at a time, however many candidates open it at once. */
  readonly #rechecks = new Map<string, Promise<AssessmentCheck>>();

  constructor(private readonly deps: AssessmentServiceDeps) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async get(sessionId: string): Promise<CandidateAssessment> {
    const s = await this.#open(sessionId);
    const lti = await this.#ltiUrl(sessionId);
    let framing: AssessmentCheck['framing'] | null = lti ? null : (s.assessmentCheck?.framing ?? null);
    // The platform's start URL takes a form post only: there are no headers to read ahead.
    if (s.assessmentUrl && !lti) {
      const age = s.assessmentCheck ? this.#now().getTime() - new Date(s.assessmentCheck.checkedAt).getTime() : Infinity;
      if (!(age < ASSESSMENT_RECHECK_MS)) framing = (await this.#recheck(s.examId, s.assessmentUrl)).framing;
    }
    return {
      assessment: lti
        ? { url: lti, mode: s.assessmentMode, framing, windowUsed: s.assessmentWindowUsed, ltiStart: true }
        : s.assessmentUrl
          ? { url: s.assessmentUrl, mode: s.assessmentMode, framing, windowUsed: s.assessmentWindowUsed, ltiStart: false }
          : null,
      examStartsAt: s.examStartsAt.toISOString(),
      examEndsAt: s.examEndsAt.toISOString(),
      timeZone: s.timeZone,
      now: this.#now().toISOString(),
      returnUrl: s.returnUrl,
    };
  }

  async assertion(sessionId: string, nonce: string): Promise<GuardAssertionResponse> {
    const s = await this.#open(sessionId);
    const url = (await this.#ltiUrl(sessionId)) ?? s.assessmentUrl;
    if (!url) throw new DomainError('not_found', 'This exam has no assessment to unlock.');
    const now = this.#now();
    const unavailable = this.#unavailable(s, now);
    if (unavailable) return { unavailable };
    const { assertion, expiresAt } = await mintAssertion(this.deps.keys, {
      sessionId,
      examId: s.examId,
      audience: new URL(url).origin,
      issuer: this.deps.platformOrigin,
      nonce,
      now,
    });
    return { assertion, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The LtiStartAssessment message of the session's proctored attempt: only while the learner
   * is live under proctoring inside the exam window, as for the guard's assertions (the
   * journey's checks are behind them), so the platform's quiz never opens unwatched.
   */
  async ltiStart(sessionId: string): Promise<LtiStartResponse> {
    const s = await this.#open(sessionId);
    if (!this.deps.ltiProctoring || !(await this.#ltiUrl(sessionId))) throw new DomainError('not_found', 'This session has no LTI proctored attempt.');
    const unavailable = this.#unavailable(s, this.#now());
    if (unavailable) return { unavailable };
    try {
      return await this.deps.ltiProctoring.startAssessment(sessionId);
    } catch (err) {
      // The attempt ended or its platform was archived meanwhile.
      if (err instanceof LtiError) throw new DomainError('conflict', 'This proctored attempt can no longer open its assessment.');
      throw err;
    }
  }

  #unavailable(s: SessionAssessment, now: Date): 'not_started' | 'ended' | 'not_live' | null {
    if (now < s.examStartsAt) return 'not_started';
    if (now >= s.examEndsAt) return 'ended';
    if (s.status !== 'in_progress' || !s.live) return 'not_live';
    return null;
  }

  #ltiUrl(sessionId: string): Promise<string | null> {
    return this.deps.ltiProctoring?.openAttemptUrl(sessionId) ?? Promise.resolve(null);
  }

  /** The candidate opens the assessment in a window: noted on the session and in the action archive. */
  async openedInWindow(sessionId: string, { reason }: AssessmentWindowRequest): Promise<void> {
    const s = await this.#open(sessionId);
    if (!s.assessmentUrl && !(await this.#ltiUrl(sessionId))) throw new DomainError('not_found', 'This exam has no assessment.');
    await markAssessmentWindowUsed(this.deps.db, sessionId);
    await appendAction(this.deps.db, {
      actorUserId: null,
      actorName: s.candidateName,
      actorIin: s.candidateIin,
      sessionId,
      action: 'candidate.assessment_window',
      details: { reason },
    });
  }

  /** For an LMS server: is this assertion ours, unexpired, for that site, and is its session still live? */
  async verify(assertion: string, audience: string | undefined): Promise<GuardVerifyResponse> {
    try {
      const claims = await verifyAssertion(this.deps.keys, assertion, { audience, now: this.#now() });
      const s = await getSessionAssessment(this.deps.db, claims.sub);
      return {
        valid: true,
        sessionId: claims.sub,
        examId: claims.exam,
        audience: claims.aud,
        expiresAt: new Date(claims.exp * 1000).toISOString(),
        live: s !== undefined && s.status === 'in_progress' && s.live && !s.archived,
      };
    } catch (err) {
      if (err instanceof AssertionError) return { valid: false, problem: err.problem };
      throw err;
    }
  }

  #recheck(examId: string, url: string): Promise<AssessmentCheck> {
    let running = this.#rechecks.get(examId);
    if (!running) {
      running = this.deps.framing
        .check(url)
        .then(async (check) => {
          await setAssessmentCheck(this.deps.db, examId, check);
          return check;
        })
        .finally(() => this.#rechecks.delete(examId));
      this.#rechecks.set(examId, running);
    }
    return running;
  }

  /** The session, if the candidate may still act on it. */
  async #open(sessionId: string): Promise<SessionAssessment> {
    const s = await getSessionAssessment(this.deps.db, sessionId);
    if (!s) throw new DomainError('not_found', 'This exam session does not exist.');
    if (s.archived || s.examArchived || s.status === 'finished') throw new DomainError('forbidden', 'This exam session is closed.');
    return s;
  }
}
