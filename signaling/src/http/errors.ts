/**
 * The HTTP adapter of domain errors: every failure leaves as `{ error: { code, message } }`
 * (contract/api/error.ts). Services and routes throw `DomainError` (domain/errors.ts); its
 * code picks the status here. Fastify's own 4xx errors (bad JSON, body too large, rate
 * limit) are mapped by status; anything else is logged and answered as a bare 500.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ApiError, ApiErrorCode } from '../contract/api/error.ts';
import { isDatabaseUnavailable } from '@proctor/db';
import { DomainError, type DomainErrorCode } from '../domain/errors.ts';
import { findNul, urlHasNul } from '../validation/nul-bytes.ts';

/** Status of each code, and the code the body names when the wire contract has no such code. */
const httpOf: Record<DomainErrorCode, { status: number; code?: ApiErrorCode }> = {
  bad_request: { status: 400 },
  unsupported_media_type: { status: 415 },
  payload_too_large: { status: 413 },
  unauthenticated: { status: 401 },
  invalid_credentials: { status: 401 },
  forbidden: { status: 403 },
  cross_origin: { status: 403 },
  not_found: { status: 404 },
  conflict: { status: 409 },
  account_locked: { status: 429 },
  rate_limited: { status: 429 },
  reset_token_invalid: { status: 400 },
  reset_token_used: { status: 400 },
  reset_token_expired: { status: 400 },
  date_range_inverted: { status: 400 },
  date_range_too_long: { status: 400 },
  sign_on_refused: { status: 400 }, // the sign-on routes answer per reason (sign-on.routes.ts)
  unknown_event: { status: 400, code: 'bad_request' }, // socket only
  unavailable: { status: 503, code: 'internal' }, // the body has always said internal
  moved: { status: 409, code: 'conflict' }, // socket only: HTTP answers 307 (room-redirect.ts)
  internal: { status: 500 },
};

/** The status a domain error answers with over HTTP. */
export const httpStatusOf = (err: DomainError): number => httpOf[err.code].status;

function apiError(code: ApiErrorCode, message: string): ApiError {
  return { error: { code, message } };
}

/** The error body of a domain error (its code, or the wire code standing for it). */
export function apiErrorOf(err: DomainError): ApiError {
  return apiError(httpOf[err.code].code ?? (err.code as ApiErrorCode), err.message);
}

const nulError = (where: string) => new DomainError('bad_request', `${where}: contains a NUL character`);

/** Validates a request body against its contract schema; 400 naming the first bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const nul = findNul(body);
  if (nul !== null) throw nulError(nul);
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new DomainError('bad_request', `${field}${issue?.message ?? 'invalid request'}`);
}

const codeByStatus: Record<number, ApiErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * 400 for a NUL anywhere in an API request's path, query or JSON body, before any route
 * sees it (parseBody checks again for values routes assemble themselves).
 */
export function refuseNulBytes(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/') && urlHasNul(req.url)) throw nulError('the address');
  });
  app.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/api/') || req.body === undefined || Buffer.isBuffer(req.body)) return;
    const nul = findNul(req.body);
    if (nul !== null) throw nulError(nul);
  });
}

export function installApiErrors(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof DomainError) return reply.code(httpStatusOf(err)).send(apiErrorOf(err));
    const status = (err as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send(apiError(codeByStatus[status] ?? 'bad_request', (err as Error).message));
    }
    if (isDatabaseUnavailable(err)) {
      // Restarting or failing over: 503 tells clients and proxies to try again, not that the request was bad.
      req.log.warn({ err }, 'request failed: the database is unavailable');
      return reply.code(503).header('retry-after', '2').send(apiError('internal', 'the database is unavailable; try again shortly'));
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(apiError('internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(apiError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));
}
