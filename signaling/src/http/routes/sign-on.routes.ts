/**
 * `POST /api/join` (contract/api/sign-on.ts): the /join page hands over the sign-on link's
 * token and gets the candidate's own link token back. Public: the token is the only
 * credential. A refusal answers with its reason (and the claim at fault) so the page can
 * say exactly what is wrong; logic in sign-on.service.ts.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { signOnApi, type SignOnErrorBody, type SignOnRefusal } from '../../contract/api/sign-on.ts';
import { SignOnError, type SignOnService } from '../../services/sign-on.service.ts';
import { parseBody } from '../errors.ts';

/** The status of each refusal: the link cannot be read (400), is not trusted (401), or clashes (409). */
const statusOfRefusal: Record<SignOnRefusal, number> = {
  malformed: 400,
  lifetime_too_long: 400,
  claims_invalid: 400,
  unknown_audience: 401,
  wrong_issuer: 401,
  bad_signature: 401,
  keys_unavailable: 401,
  expired: 401,
  not_yet_valid: 401,
  replayed: 409,
  iin_conflict: 409,
};

function signOnErrors(err: FastifyError | Error, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof SignOnError) {
    const body: SignOnErrorBody = { error: { code: 'sign_on_refused', message: err.message, reason: err.reason, ...(err.field ? { field: err.field } : {}) } };
    return reply.code(statusOfRefusal[err.reason]).send(body);
  }
  throw err; // the app's error handler (errors.ts)
}

export const signOnRoutes: FastifyPluginAsync<{ signOn: SignOnService }> = async (app, { signOn }) => {
  app.setErrorHandler(signOnErrors);
  // A person follows a link a few times at most; a script guessing tokens gets nowhere fast.
  app.post(signOnApi.join.path, { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req) => {
    const { token } = parseBody(signOnApi.join.body, req.body);
    return signOn.join(token);
  });
};
