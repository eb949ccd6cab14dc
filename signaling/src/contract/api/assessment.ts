/**
 * The assessment an exam opens (#10): its URL and "open in" mode, the framing check the
 * server runs when an admin saves it, and the candidate routes of the workspace (what to
 * open, the exam guard's assertion, "opened in a window").
 *
 * Candidate routes are authenticated like the rest of the journey (the link token as
 * `Authorization: Bearer …`); the admin route needs a signed-in admin.
 */
import { z } from 'zod';

export const ASSESSMENT_URL_MAX = 2048;

export const assessmentModes = ['frame', 'window'] as const;
export const assessmentMode = z.enum(assessmentModes);
export type AssessmentModeName = z.infer<typeof assessmentMode>;

/** Why an address is not acceptable as an assessment, return or JWKS URL (the UI has a text for each). */
export type UrlProblem = 'url_invalid' | 'url_scheme' | 'too_long';

/** An absolute http(s) URL without credentials, or the reason it is not one. */
export function urlProblem(value: string, max = ASSESSMENT_URL_MAX): UrlProblem | undefined {
  if (value.length > max) return 'too_long';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url_invalid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url_scheme';
  // user:pass@ in a link given to candidates is a leak (and a phishing trick).
  if (url.username || url.password || /\s/.test(value)) return 'url_invalid';
  return undefined;
}

/** zod: an http(s) URL (trimmed); reports a UrlProblem as the issue message. */
export const httpUrl = (max = ASSESSMENT_URL_MAX) =>
  z
    .string()
    .transform((v) => v.trim())
    .superRefine((v, ctx) => {
      const problem = urlProblem(v, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** The exam form's assessment fields (spread into the admin `examInput`); an empty URL is none. */
export const assessmentFields = {
  assessmentUrl: z
    .string()
    .nullish()
    .transform((v) => (v?.trim() ? v.trim() : null))
    .superRefine((v, ctx) => {
      const problem = v === null ? undefined : urlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  assessmentMode: assessmentMode.default('frame'),
};

/** What the server read from the assessment URL when it was saved (headers only, once). */
export const assessmentCheck = z.object({
  checkedAt: z.string(),
  /** allowed: we may frame it; refused: X-Frame-Options / CSP frame-ancestors forbid it; unreachable: no answer. */
  framing: z.enum(['allowed', 'refused', 'unreachable']),
  status: z.number().int().nullable(),
  xFrameOptions: z.string().nullable(),
  frameAncestors: z.string().nullable(),
  error: z.string().nullable(),
});
export type AssessmentCheckView = z.infer<typeof assessmentCheck>;

/** What the candidate's workspace opens. `null` assessment: the exam has none (the page shows the previews). */
export const candidateAssessment = z.object({
  assessment: z
    .object({
      url: z.string(),
      /** The exam's setting; the candidate may still move to a window when the frame fails. */
      mode: assessmentMode,
      /** The latest framing check (refreshed when older than ASSESSMENT_RECHECK_MS); null: never checked. */
      framing: assessmentCheck.shape.framing.nullable(),
      /** The candidate opened it in a window earlier in this session. */
      windowUsed: z.boolean(),
      /**
       * An LTI proctored attempt (#13): `url` is the platform's start_assessment_url, opened by
       * form-posting the signed message from `assessmentApi.ltiStart` (not by loading the URL).
       */
      ltiStart: z.boolean(),
    })
    .nullable(),
  examStartsAt: z.string(),
  examEndsAt: z.string(),
  /** The exam's IANA zone, for showing its times. */
  timeZone: z.string(),
  /** Server time, so the page's countdown does not trust the candidate's clock. */
  now: z.string(),
  /** Where the page sends the candidate after "Finish" (from a sign-on link); null: stay. */
  returnUrl: z.string().nullable(),
});
export type CandidateAssessment = z.infer<typeof candidateAssessment>;

/** How often the candidate route re-reads an assessment's headers at most (per exam). */
export const ASSESSMENT_RECHECK_MS = 10 * 60 * 1000;

export const guardAssertionRequest = z
  .object({
    /** The exam guard's challenge: random, base64url, echoed inside the signed assertion. */
    nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/),
  })
  .strict();
export type GuardAssertionRequest = z.infer<typeof guardAssertionRequest>;

/** A signed assertion, or why the platform cannot vouch for the session now (the guard says so). */
export const guardAssertionResponse = z.union([
  z.object({ assertion: z.string(), expiresAt: z.string() }),
  z.object({ unavailable: z.enum(['not_started', 'ended', 'not_live']) }),
]);
export type GuardAssertionResponse = z.infer<typeof guardAssertionResponse>;

/** An LMS server's check of an assertion its page was unlocked with (POST /sdk/exam-guard/verify). */
export const guardVerifyRequest = z
  .object({
    assertion: z.string().min(1).max(4096),
    /** The assessment page's origin; when given, an assertion for another site is refused. */
    audience: z.string().max(ASSESSMENT_URL_MAX).optional(),
  })
  .strict();
export type GuardVerifyRequest = z.infer<typeof guardVerifyRequest>;

export const guardVerifyResponse = z.union([
  z.object({
    valid: z.literal(true),
    sessionId: z.uuid(),
    examId: z.uuid(),
    audience: z.string(),
    expiresAt: z.string(),
    /** The session is still in progress with the candidate connected, right now. */
    live: z.boolean(),
  }),
  z.object({ valid: z.literal(false), problem: z.enum(['malformed', 'bad_signature', 'expired', 'wrong_audience']) }),
]);
export type GuardVerifyResponse = z.infer<typeof guardVerifyResponse>;

/** The LtiStartAssessment message to form-post (`JWT`) to `url`, or why there is none now. */
export const ltiStartResponse = z.union([
  z.object({ url: z.string(), jwt: z.string() }),
  z.object({ unavailable: z.enum(['not_started', 'ended', 'not_live']) }),
]);
export type LtiStartResponse = z.infer<typeof ltiStartResponse>;

/** Why a window was opened instead of the frame (kept in the action archive). */
export const assessmentWindowRequest = z.object({ reason: z.enum(['exam_setting', 'frame_refused', 'candidate_choice']) }).strict();
export type AssessmentWindowRequest = z.infer<typeof assessmentWindowRequest>;

const C = '/api/candidate/assessment';

export const assessmentApi = {
  /** Candidate: the assessment to open, the exam window and the return URL. */
  get: { method: 'GET', path: C, response: candidateAssessment },
  /** Candidate: a signed, short-lived assertion for the exam guard's challenge, or why there is none now. */
  assertion: { method: 'POST', path: `${C}/assertion`, body: guardAssertionRequest, response: guardAssertionResponse },
  /** Candidate: the signed LtiStartAssessment message of the session's LTI proctored attempt, once live under proctoring. */
  ltiStart: { method: 'POST', path: `${C}/lti-start`, body: null, response: ltiStartResponse },
  /** Candidate: the assessment is being opened in a separate window (weaker focus tracking; noted in the report). */
  window: { method: 'POST', path: `${C}/window`, body: assessmentWindowRequest },
  /** Admin: read the exam's assessment URL again (after changing the site's settings). */
  recheck: { method: 'POST', path: '/api/admin/exams/:id/assessment-check', body: null, response: z.object({ check: assessmentCheck.nullable() }) },
} as const;

/** The exam guard SDK, for LMS pages and servers (no cookies; CORS open). */
export const examGuardApi = {
  script: { method: 'GET', path: '/sdk/exam-guard.js' },
  /** The platform's public key(s) for assertions (JWKS). */
  jwks: { method: 'GET', path: '/sdk/exam-guard/jwks.json' },
  verify: { method: 'POST', path: '/sdk/exam-guard/verify', body: guardVerifyRequest, response: guardVerifyResponse },
} as const;
