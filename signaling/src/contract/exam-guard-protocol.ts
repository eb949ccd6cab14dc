/**
 * The exam guard's postMessage protocol (#10) between the assessment page (which includes
 * `/sdk/exam-guard.js`) and the proctoring page that frames or opened it, and the claims of
 * the signed assertion that unlocks the assessment.
 *
 *   guard → proctoring page   challenge { nonce }           (at load, then every recheck)
 *   proctoring page → server  POST /api/candidate/assessment/assertion { nonce }
 *   proctoring page → guard   assertion { nonce, assertion } | unavailable { nonce, reason }
 *   proctoring page → guard   state { state: live | paused | terminated, reason }
 *   guard → proctoring page   activity { focused, visible } · clipboard { action } · complete
 *
 * Each side posts to the other's exact origin and checks `event.origin` and `event.source`:
 * the guard pins the platform origin (where its script came from), the proctoring page the
 * assessment URL's origin. The assertion is an ES256 JWT: `sub` session, `exam`, `aud` the
 * assessment origin, `nonce` the challenge, `jti`, `iat`, `exp` (ASSERTION_TTL_SECONDS).
 *
 * The guard's own bundle imports this file only (no zod in an LMS page); the proctoring
 * page validates what the guard sends with the schema in exam-guard.ts.
 */

export const GUARD_PROTOCOL = 1;
export const GUARD_SOURCE = 'proctor-exam-guard';
export const PLATFORM_SOURCE = 'proctor-platform';

/** Lifetime of one assertion; the guard asks for a fresh one every recheck (default 15 s). */
export const ASSERTION_TTL_SECONDS = 60;
export const GUARD_RECHECK_DEFAULT_SECONDS = 15;
export const GUARD_RECHECK_MIN_SECONDS = 5;
export const GUARD_RECHECK_MAX_SECONDS = 50;
/** A challenge unanswered this long locks the page. */
export const GUARD_ANSWER_TIMEOUT_MS = 10_000;
/** Clock difference between the candidate's computer and the server that is still accepted. */
export const GUARD_CLOCK_LEEWAY_SECONDS = 120;

export const ASSERTION_ALG = 'ES256';

export interface AssertionClaims {
  /** The exam session. */
  sub: string;
  exam: string;
  /** The assessment page's origin. */
  aud: string;
  /** The platform origin that signed it. */
  iss: string;
  nonce: string;
  jti: string;
  iat: number;
  exp: number;
}

export type PlatformState = 'live' | 'paused' | 'terminated';
/** Why the platform cannot vouch for the session right now (the guard words it). */
export type UnavailableReason = 'not_started' | 'ended' | 'connecting' | 'not_live';
export type PauseReason = 'media_stopped' | 'finished' | 'exam_ended' | 'terminated_by_proctor';

/** Messages the proctoring page sends to the guard. */
export type PlatformMessage = { source: typeof PLATFORM_SOURCE; v: typeof GUARD_PROTOCOL } & (
  | { type: 'assertion'; nonce: string; assertion: string }
  | { type: 'unavailable'; nonce: string; reason: UnavailableReason }
  | { type: 'state'; state: PlatformState; reason: PauseReason | null }
);

/** Messages the guard sends (the schema that validates them is `guardMessage` in exam-guard.ts). */
export type GuardMessage = { source: typeof GUARD_SOURCE; v: typeof GUARD_PROTOCOL } & (
  | { type: 'challenge'; nonce: string }
  | { type: 'activity'; focused: boolean; visible: boolean }
  | { type: 'clipboard'; action: 'copy' | 'paste' | 'cut' }
  | { type: 'complete' }
);
