/**
 * Validation of what the exam guard posts to the proctoring page (protocol, constants and
 * types in exam-guard-protocol.ts, which the guard's bundle imports without zod).
 */
import { z } from 'zod';
import { GUARD_PROTOCOL, GUARD_SOURCE, type GuardMessage } from './exam-guard-protocol.ts';

export * from './exam-guard-protocol.ts';

const nonce = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/);
const fromGuard = { source: z.literal(GUARD_SOURCE), v: z.literal(GUARD_PROTOCOL) };

/** Messages the guard sends (validated by the proctoring page). */
export const guardMessage: z.ZodType<GuardMessage> = z.discriminatedUnion('type', [
  z.object({ ...fromGuard, type: z.literal('challenge'), nonce }).strict(),
  /** The assessment window's own focus (window mode: the only focus signal from it). */
  z.object({ ...fromGuard, type: z.literal('activity'), focused: z.boolean(), visible: z.boolean() }).strict(),
  /** A clipboard action inside the assessment (the proctoring page cannot see it otherwise). */
  z.object({ ...fromGuard, type: z.literal('clipboard'), action: z.enum(['copy', 'paste', 'cut']) }).strict(),
  /** The assessment says it was submitted (`ProctorExamGuard.complete()`): offer to finish. */
  z.object({ ...fromGuard, type: z.literal('complete') }).strict(),
]);
