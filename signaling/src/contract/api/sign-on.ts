/**
 * Sign-on links (#10): an external system (LMS, testing system) registered as an
 * integration sends candidates to `/join?token=<JWT>`. The JWT (HS256 with the
 * integration's shared secret, or RS256 with a key from its JWKS URL) carries the
 * candidate, the exam and a return URL; the first valid link creates or updates them by
 * their external ids, later links reuse them. Each token id (`jti`) works once.
 *
 * The admin routes (`/api/admin/integrations…`) need a signed-in admin; `POST /api/join`
 * is public and authenticated by the token alone.
 */
import { z } from 'zod';
import { iinProblem, isTimeZone, nameProblem, normalizeName, emailProblem, NAME_MAX, type AdminPage } from './admin.ts';
import { assessmentMode, httpUrl } from './assessment.ts';

export const SIGN_ON_PAGE = '/join';
/** A link lives at most this long (exp − iat): it is a hand-over, not a stored credential. */
export const SIGN_ON_MAX_LIFETIME_SECONDS = 24 * 60 * 60;
/** Clock difference between the issuing system and us that is tolerated for exp / iat / nbf. */
export const SIGN_ON_CLOCK_TOLERANCE_SECONDS = 60;
export const SIGN_ON_TOKEN_MAX = 8192;
export const SIGN_ON_SECRET_MIN = 32;
export const SIGN_ON_ISSUERS_MAX = 20;


const externalId = z.string().trim().min(1).max(200);
const name = z
  .string()
  .transform(normalizeName)
  .superRefine((v, ctx) => {
    const problem = nameProblem(v, NAME_MAX);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const iin = z
  .string()
  .transform((v) => v.replace(/\s+/g, ''))
  .superRefine((v, ctx) => {
    const problem = iinProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** What a sign-on link says, after its signature, audience, issuer and times were checked. */
export const signOnClaims = z
  .object({
    candidate: z
      .object({
        id: externalId,
        fullName: name,
        iin,
        group: z.object({ id: externalId, name }).strict().optional(),
        email: z
          .string()
          .trim()
          .refine((v) => emailProblem(v) === undefined, { message: 'email_invalid' })
          .optional(),
        /** Fetched once as the reference photo when the candidate has none (JPEG/PNG). */
        photoUrl: httpUrl().optional(),
      })
      .strict(),
    exam: z
      .object({
        id: externalId,
        name,
        discipline: name,
        startsAt: instant,
        endsAt: instant,
        timeZone: z.string().refine(isTimeZone, { message: 'time_zone' }).optional(),
        assessmentUrl: httpUrl().optional(),
        assessmentMode: assessmentMode.optional(),
      })
      .strict()
      .refine((e) => e.endsAt.getTime() > e.startsAt.getTime(), { message: 'ends_before_starts', path: ['endsAt'] }),
    returnUrl: httpUrl().optional(),
  })
  // Registered JWT claims (iss, aud, exp, …) are checked by the verifier; others are ignored.
  .loose();
export type SignOnClaims = z.output<typeof signOnClaims>;

/** Why a link was refused; the page has a sentence for each. Nothing is created for any of them. */
export const signOnRefusal = z.enum([
  'malformed', // not a JWT, or not JSON inside
  'unknown_audience', // aud names no live integration
  'wrong_issuer', // iss is not one of the integration's issuers
  'bad_signature', // tampered, or signed with another key / algorithm
  'keys_unavailable', // the integration's JWKS URL could not be read
  'expired',
  'not_yet_valid',
  'lifetime_too_long', // exp − iat above SIGN_ON_MAX_LIFETIME_SECONDS, or no exp / iat / jti
  'replayed', // this jti was used before
  'claims_invalid', // a candidate / exam field is missing or wrong (see `field`)
  'iin_conflict', // the IIN belongs to another candidate than this external id
]);
export type SignOnRefusal = z.infer<typeof signOnRefusal>;

export const joinRequest = z.object({ token: z.string().min(1).max(SIGN_ON_TOKEN_MAX) }).strict();
export type JoinRequest = z.infer<typeof joinRequest>;

export const joinResponse = z.object({
  /** The candidate's own link token for /exam (valid to the exam's end + the links' grace). */
  candidateToken: z.string(),
  sessionId: z.uuid(),
});
export type JoinResponse = z.infer<typeof joinResponse>;

/** Error body of a refused link (400/401/409): the usual one plus why, and the field at fault. */
export interface SignOnErrorBody {
  error: { code: 'sign_on_refused' | 'rate_limited' | 'internal'; message: string; reason?: SignOnRefusal; field?: string };
}

// ---------------------------------------------------------------------------------------
// Integrations (admin)

const issuer = z.string().trim().min(1).max(500);

export const integrationInput = z
  .object({
    name,
    method: z.enum(['secret', 'jwks']),
    /** HS256 key; required for a new 'secret' integration, omitted on update to keep the stored one. */
    sharedSecret: z.string().min(SIGN_ON_SECRET_MIN, { message: 'secret_short' }).max(512, { message: 'too_long' }).optional(),
    jwksUrl: httpUrl().nullish(),
    issuers: z.array(issuer).min(1, { message: 'required' }).max(SIGN_ON_ISSUERS_MAX),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.method === 'jwks' && !v.jwksUrl) ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'required' });
  });
export type IntegrationInput = z.input<typeof integrationInput>;

export interface AdminIntegration {
  id: string;
  name: string;
  kind: 'sign_on';
  method: 'secret' | 'jwks';
  /** The secret's last 4 characters ("…k3Zq"); the secret itself never leaves the server again. */
  secretHint: string | null;
  jwksUrl: string | null;
  issuers: string[];
  /** The `aud` the links must carry: this integration's id. */
  audience: string;
  /** Where links go: `<origin>/join?token=…`. */
  joinUrl: string;
  signOnCount: number;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}
export type AdminIntegrationPage = AdminPage<AdminIntegration>;

const A = '/api/admin/integrations';

export const signOnApi = {
  join: { method: 'POST', path: '/api/join', body: joinRequest, response: joinResponse },
  listIntegrations: { method: 'GET', path: A },
  getIntegration: { method: 'GET', path: `${A}/:id` },
  createIntegration: { method: 'POST', path: A, body: integrationInput },
  updateIntegration: { method: 'PUT', path: `${A}/:id`, body: integrationInput },
  archiveIntegration: { method: 'POST', path: `${A}/:id/archive`, body: null },
  unarchiveIntegration: { method: 'POST', path: `${A}/:id/unarchive`, body: null },
} as const;
