/** The error body of every HTTP API route: `{ error: { code, message } }` with a 4xx/5xx status. */
import { z } from 'zod';

/** Codes the web UI can translate; `message` is an English explanation for logs and developers. */
export const apiErrorCode = z.enum([
  'bad_request', // body or query failed validation (400)
  'unsupported_media_type', // a state-changing request whose body is not JSON (415)
  'payload_too_large', // 413
  'unauthenticated', // no valid session (401)
  'invalid_credentials', // wrong e-mail or password (401); never says which
  'forbidden', // signed in, but the role or exam assignment does not allow it (403)
  'cross_origin', // a state-changing request from another origin (403)
  'not_found', // 404
  'conflict', // the name, e-mail or IIN is already taken (409)
  'account_locked', // too many failed sign-ins for this e-mail (429)
  'rate_limited', // too many requests from this address (429)
  'reset_token_invalid', // unknown password-reset link (400)
  'reset_token_used', // the link was already used (400)
  'reset_token_expired', // the link is too old (400)
  'date_range_inverted', // statistics: the range's start is after its end (400)
  'date_range_too_long', // statistics: the range covers more than a year (400)
  'sign_on_refused', // a sign-on link (/join) was refused; the body says why (contract/api/sign-on.ts)
  'internal', // 500
]);
export type ApiErrorCode = z.infer<typeof apiErrorCode>;

export const apiError = z.object({ error: z.object({ code: apiErrorCode, message: z.string() }) });
export type ApiError = z.infer<typeof apiError>;
