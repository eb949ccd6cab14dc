/**
 * LTI 1.3 tool (#13). Platforms (Moodle, Canvas, …) are registered by admins
 * (`/api/admin/lti…`); the launch itself is browser traffic from the platform, not JSON:
 *
 * - `GET|POST /lti/login` — OIDC third-party login initiation (iss, login_hint,
 *   target_link_uri, lti_message_hint, client_id, lti_deployment_id): answered with a
 *   redirect to the platform's auth URL carrying a one-use state (also bound to this browser
 *   by a cookie) and nonce.
 * - `POST /lti/launch` — the platform's form post with `id_token` and `state`: verified
 *   (platform's JWKS, iss/aud/azp, exp/iat, nonce once, state, deployment, message type,
 *   version), then a learner continues to the candidate journey and an instructor to the
 *   exam's results, signed in. A refusal redirects to `LTI_REFUSED_PAGE?reason=…`.
 * - `GET /.well-known/jwks.json` — our public keys (current and previous).
 *
 * 1EdTech Proctoring Services: an `LtiStartProctoring` message comes through the same login →
 * launch and opens the candidate journey for that attempt; once the learner is live under
 * proctoring, the exam page asks `POST /api/candidate/assessment/lti-start` for the signed
 * `LtiStartAssessment` message and form-posts it (`JWT`) to the platform's
 * start_assessment_url inside the workspace's frame, where the platform opens its quiz. An
 * `LtiEndAssessment` launch ends the attempt (`LTI_ENDED_PAGE`).
 */
import { z } from 'zod';
import { httpUrl } from './assessment.ts';
import { nameProblem, normalizeName, NAME_MAX } from './admin.ts';

export const LTI_PATHS = {
  login: '/lti/login',
  launch: '/lti/launch',
  jwks: '/.well-known/jwks.json',
} as const;
/** The web page that says why a launch was refused (kk/ru/en). */
export const LTI_REFUSED_PAGE = '/lti/refused';
/** A login initiation must come back as a launch within this time. */
export const LTI_STATE_TTL_SECONDS = 10 * 60;
export const LTI_CLOCK_TOLERANCE_SECONDS = 60;
/** The id_token lives at most this long (exp − iat); platforms use minutes. */
export const LTI_MAX_TOKEN_LIFETIME_SECONDS = 60 * 60;
/** Custom parameter an instructor may set on the placement to name the exam (its id here). */
export const LTI_EXAM_CUSTOM_PARAM = 'proctor_exam';

export const LTI_CLAIM = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  lis: 'https://purl.imsglobal.org/spec/lti/claim/lis',
  launchPresentation: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  data: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  // Proctoring Services (lti-ap)
  attemptNumber: 'https://purl.imsglobal.org/spec/lti-ap/claim/attempt_number',
  startAssessmentUrl: 'https://purl.imsglobal.org/spec/lti-ap/claim/start_assessment_url',
  sessionData: 'https://purl.imsglobal.org/spec/lti-ap/claim/session_data',
  endAssessmentReturn: 'https://purl.imsglobal.org/spec/lti-ap/claim/end_assessment_return',
  verifiedUser: 'https://purl.imsglobal.org/spec/lti-ap/claim/verified_user',
} as const;

/** The page an LtiEndAssessment launch lands on (inside the workspace's frame, or on its own). */
export const LTI_ENDED_PAGE = '/lti/ended';
/** What that page tells the exam page around it (postMessage, our origin only). */
export const LTI_ENDED_MESSAGE = 'proctor:lti-assessment-ended';
/** The lifetime of our LtiStartAssessment message: it is posted the moment it is made. */
export const LTI_START_ASSESSMENT_TTL_SECONDS = 5 * 60;

/** The instructor's exam picker of a deep-linking request (`?k=<capability>`). */
export const LTI_DEEP_LINK_PAGE = '/lti/deep-link';
export const LTI_DEEP_LINK_TTL_SECONDS = 60 * 60;

/** Why a launch was refused; the page has a sentence for each, and the server log the details. */
export const ltiRefusal = z.enum([
  'bad_request', // a login or launch without the fields it needs
  'unknown_platform', // iss / client_id of no registered platform
  'unknown_deployment', // deployment id not registered for the platform
  'state_mismatch', // state unknown, used, expired, or not this browser's
  'bad_signature', // not signed by the platform's keys
  'keys_unavailable', // the platform's JWKS could not be read
  'wrong_audience', // aud / azp is not our client id
  'wrong_issuer',
  'expired',
  'not_yet_valid',
  'nonce_invalid', // nonce missing, not ours, or used before
  'wrong_message', // not an LtiResourceLinkRequest of LTI 1.3.0
  'claims_invalid', // a required claim is missing or wrong
  'no_exam', // the link is not connected to an exam here
  'no_role', // neither learner nor instructor/administrator
  'account_conflict', // the instructor's e-mail belongs to an admin account here
  'internal', // something failed on our side (logged with its stack)
  'deep_link_invalid', // the picker's link is unknown, used or expired
  'attempt_invalid', // proctoring: attempt_number missing, not a positive integer, older than one started, or already ended
  'session_data_mismatch', // proctoring: session_data differs from the attempt's, after its assessment started
]);
export type LtiRefusal = z.infer<typeof ltiRefusal>;

// Login initiation (query or form). Unknown parameters are ignored.
export const ltiLoginParams = z
  .object({
    iss: z.string().min(1).max(500),
    login_hint: z.string().min(1).max(2000),
    target_link_uri: z.string().min(1).max(2048),
    lti_message_hint: z.string().max(4000).optional(),
    client_id: z.string().min(1).max(500).optional(),
    lti_deployment_id: z.string().min(1).max(255).optional(),
  })
  .loose();
export type LtiLoginParams = z.infer<typeof ltiLoginParams>;

export const ltiLaunchForm = z
  .object({
    id_token: z.string().min(1).max(32_768),
    state: z.string().min(32).max(200),
  })
  .loose();

const roles = z.array(z.string().max(500)).max(100);

/** The claims of a resource-link launch this tool uses, after the signature and times were checked. */
export const ltiLaunchClaims = z
  .object({
    sub: z.string().min(1).max(255),
    name: z.string().max(500).optional(),
    given_name: z.string().max(250).optional(),
    family_name: z.string().max(250).optional(),
    email: z.string().max(254).optional(),
    locale: z.string().max(35).optional(),
    [LTI_CLAIM.messageType]: z.string(),
    [LTI_CLAIM.version]: z.string(),
    [LTI_CLAIM.deploymentId]: z.string().min(1).max(255),
    [LTI_CLAIM.targetLinkUri]: z.string().max(2048).optional(),
    // Absent from deep-linking requests; required for resource-link launches (checked by the verifier).
    [LTI_CLAIM.resourceLink]: z.object({ id: z.string().min(1).max(255), title: z.string().max(500).nullish() }).loose().optional(),
    [LTI_CLAIM.deepLinkingSettings]: z
      .object({
        deep_link_return_url: httpUrl(),
        accept_types: z.array(z.string().max(100)).max(20).default([]),
        data: z.string().max(4096).optional(),
      })
      .loose()
      .optional(),
    [LTI_CLAIM.roles]: roles,
    [LTI_CLAIM.context]: z.object({ id: z.string().max(255), title: z.string().max(500).nullish(), label: z.string().max(500).nullish() }).loose().optional(),
    [LTI_CLAIM.custom]: z.record(z.string(), z.unknown()).optional(),
    [LTI_CLAIM.lis]: z.object({ person_sourcedid: z.string().max(255).nullish() }).loose().optional(),
    [LTI_CLAIM.launchPresentation]: z.object({ return_url: z.string().max(2048).nullish(), locale: z.string().max(35).nullish() }).loose().optional(),
    // Proctoring Services: checked by the verifier for LtiStartProctoring / LtiEndAssessment only.
    [LTI_CLAIM.attemptNumber]: z.unknown().optional(),
    [LTI_CLAIM.startAssessmentUrl]: httpUrl().optional(),
    [LTI_CLAIM.sessionData]: z.union([z.string().max(4096), z.number()]).optional(),
    [LTI_CLAIM.ags]: z
      .object({
        scope: z.array(z.string().max(500)).max(20).default([]),
        lineitems: httpUrl().optional(),
        lineitem: httpUrl().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type LtiLaunchClaims = z.output<typeof ltiLaunchClaims>;

// ---------------------------------------------------------------------------------------
// Platforms (admin)

const name = z
  .string()
  .transform(normalizeName)
  .superRefine((v, ctx) => {
    const problem = nameProblem(v, NAME_MAX);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const text = (max: number) => z.string().trim().min(1, { message: 'required' }).max(max, { message: 'too_long' });

export const ltiPlatformInput = z
  .object({
    name,
    issuer: text(500),
    clientId: text(500),
    authLoginUrl: httpUrl(),
    authTokenUrl: httpUrl(),
    jwksUrl: httpUrl(),
    deploymentIds: z.array(text(255)).min(1, { message: 'required' }).max(50),
  })
  .strict();
export type LtiPlatformInput = z.input<typeof ltiPlatformInput>;

export interface LtiGradeFailureView {
  sessionId: string;
  candidateName: string;
  examName: string;
  lastError: string | null;
  attempts: number;
  lastAttemptAt: string | null;
}

export interface LtiLinkView {
  resourceLinkId: string;
  contextTitle: string | null;
  title: string | null;
  examId: string;
  examName: string;
  createdAt: string;
}

export interface AdminLtiPlatform {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  authLoginUrl: string;
  authTokenUrl: string;
  jwksUrl: string;
  deploymentIds: string[];
  launchCount: number;
  gradeFailures: number;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AdminLtiPlatformDetail extends AdminLtiPlatform {
  links: LtiLinkView[];
  failures: LtiGradeFailureView[];
}

/** What an admin pastes into the LMS's tool registration. */
export interface LtiToolConfig {
  loginUrl: string;
  launchUrl: string;
  jwksUrl: string;
  redirectUris: string[];
  /** Our active key's id and when it was made; the previous key is still published. */
  activeKid: string;
  activeKeyCreatedAt: string;
  previousKid: string | null;
  customParameter: string;
}

export interface AdminLtiOverview {
  tool: LtiToolConfig;
  platforms: AdminLtiPlatform[];
}

const A = '/api/admin/lti';

export const ltiApi = {
  overview: { method: 'GET', path: A },
  getPlatform: { method: 'GET', path: `${A}/platforms/:id` },
  createPlatform: { method: 'POST', path: `${A}/platforms`, body: ltiPlatformInput },
  updatePlatform: { method: 'PUT', path: `${A}/platforms/:id`, body: ltiPlatformInput },
  archivePlatform: { method: 'POST', path: `${A}/platforms/:id/archive`, body: null },
  unarchivePlatform: { method: 'POST', path: `${A}/platforms/:id/unarchive`, body: null },
  rotateKey: { method: 'POST', path: `${A}/keys/rotate`, body: null },
} as const;

// ---------------------------------------------------------------------------------------
// Deep linking: the instructor's picker (authenticated by the capability in its link, so it
// also works inside the platform's frame, where our cookies are third-party).

export const deepLinkChoice = z.union([
  z.object({ examId: z.uuid() }).strict(),
  z
    .object({
      create: z
        .object({
          name,
          discipline: name,
          startsAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
          endsAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
          assessmentUrl: httpUrl().optional(),
        })
        .strict()
        .refine((e) => e.endsAt.getTime() > e.startsAt.getTime(), { message: 'ends_before_starts', path: ['endsAt'] }),
    })
    .strict(),
]);
export type DeepLinkChoice = z.input<typeof deepLinkChoice>;

export interface DeepLinkPicker {
  platformName: string;
  instructorName: string;
  exams: { id: string; name: string; startsAt: string; endsAt: string }[];
}

/** What the picker auto-posts to the platform: `JWT` to `returnUrl`. */
export interface DeepLinkResponse {
  returnUrl: string;
  jwt: string;
}

export const ltiDeepLinkApi = {
  picker: { method: 'GET', path: '/api/lti/deep-links/:key' },
  respond: { method: 'POST', path: '/api/lti/deep-links/:key', body: deepLinkChoice },
} as const;
