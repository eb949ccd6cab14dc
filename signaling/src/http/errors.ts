/**
 * HTTP API errors: every failure leaves as `{ error: { code, message } }` (contract/api/error.ts).
 * Route code throws `HttpError`; fastify's own 4xx errors (bad JSON, body too large, rate
 * limit) are mapped by status; anything else is logged and answered as a bare 500.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ApiError, ApiErrorCode } from '../contract/api/error.ts';
import { findNul, urlHasNul } from '../validation/nul-bytes.ts';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function apiError(code: ApiErrorCode, message: string): ApiError {
  return { error: { code, message } };
}

const nulError = (where: string) => new HttpError(400, 'bad_request', `${where}: contains a NUL character`);

/** Validates a request body against its contract schema; 400 naming the first bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const nul = findNul(body);
  if (nul !== null) throw nulError(nul);
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new HttpError(400, 'bad_request', `${field}${issue?.message ?? 'invalid request'}`);
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
    if (err instanceof HttpError) return reply.code(err.statusCode).send(apiError(err.code, err.message));
    const status = (err as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send(apiError(codeByStatus[status] ?? 'bad_request', (err as Error).message));
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(apiError('internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(apiError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));
}
