/** The error body of every HTTP API route: `{ error: { code, message } }` with a 4xx/5xx status. */
import { z } from 'zod';
import { domainErrorCode } from '../../domain/error-codes.ts';

/**
 * Codes an HTTP answer may carry (the web UI translates them); `message` is an English
 * explanation for logs and developers. Picked from the one code list (domain/error-codes.ts);
 * statuses: http/errors.ts.
 */
export const apiErrorCode = domainErrorCode.exclude(['unknown_event', 'unavailable', 'moved']);
export type ApiErrorCode = z.infer<typeof apiErrorCode>;

export const apiError = z.object({ error: z.object({ code: apiErrorCode, message: z.string() }) });
export type ApiError = z.infer<typeof apiError>;
