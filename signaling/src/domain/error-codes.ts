/**
 * The one list of failure codes. A domain error carries one of these; the HTTP adapter
 * (http/errors.ts) turns it into a status and `{ error: { code, message } }`, the socket
 * adapter (socket/ack.ts) into an ack error. The wire contracts name the subset each side
 * may answer (contract/api/error.ts, contract/events.ts), picked from this list, so a code
 * is spelled once. Only zod here: the contract (and so the browser) imports this file.
 */
import { z } from 'zod';

export const domainErrorCode = z.enum([
  'bad_request', // input failed validation
  'unsupported_media_type', // a state-changing request whose body is not JSON
  'payload_too_large',
  'unauthenticated', // no valid session or token
  'invalid_credentials', // wrong e-mail or password; never says which
  'forbidden', // the role or exam assignment does not allow it
  'cross_origin', // a state-changing request from another origin
  'not_found',
  'conflict', // already taken, already joined, no attempt in progress
  'account_locked', // too many failed sign-ins for this e-mail
  'rate_limited',
  'reset_token_invalid', // unknown password-reset link
  'reset_token_used', // the link was already used
  'reset_token_expired', // the link is too old
  'date_range_inverted', // statistics: the range's start is after its end
  'date_range_too_long', // statistics: the range covers more than a year
  'sign_on_refused', // a sign-on link (/join) was refused; SignOnError says why
  'unknown_event', // a socket event the contract does not know
  'unavailable', // a feature this server is not set up for, a worker restarting, a room moving
  'moved', // another media node holds this exam's room
  'internal',
]);
export type DomainErrorCode = z.infer<typeof domainErrorCode>;
