/**
 * Violation messages on the media socket: the candidate page's detectors report intervals,
 * proctors watching the exam are pushed each stored violation (tile badge, Results).
 *
 * The session is never part of a payload: the server takes it from the candidate's socket
 * (its join token), so a candidate cannot file violations against someone else. Confidence
 * is the detector's own claim; it is stored with the finding but honesty never reads it, so
 * a forged confidence cannot soften a verdict.
 */
import { z } from 'zod';
import { TECHNICAL_VIOLATION_TYPES as TECHNICAL, VIOLATION_CATEGORIES, VIOLATION_TYPES } from '@proctor/values';
import { uuid } from './media.ts';

/** The violation types of @proctor/values (the same list @proctor/db re-exports). */
export const violationType = z.enum(VIOLATION_TYPES);
export type ViolationTypeName = z.infer<typeof violationType>;
export const TECHNICAL_VIOLATION_TYPES = TECHNICAL;

export const violationCategory = z.enum(VIOLATION_CATEGORIES);
export const violationSource = z.enum(['client', 'server', 'proctor']);

const instant = z.iso.datetime({ offset: true });

/**
 * Candidate only. endedAt null = still going on (close it later with violation:end).
 * idempotencyKey: a UUID the page gives the finding when it is made and keeps until the ack,
 * so a report resent after a lost ack, a reconnect or a reload is stored once (the ack of a
 * resend names the first violation and says alreadyStored). Keys are per session.
 */
export const violationReport = z
  .object({
    idempotencyKey: uuid,
    type: violationType,
    startedAt: instant,
    endedAt: instant.nullable(),
    confidence: z.number().min(0).max(1).optional(),
  })
  .strict();
export type ViolationReport = z.input<typeof violationReport>;

/** alreadyStored: this key was stored before (a resend); nothing new was stored this time. */
export const violationReportAck = z.object({ violationId: uuid, alreadyStored: z.boolean() });
export type ViolationReportAck = z.infer<typeof violationReportAck>;

export const violationEnd = z.object({ violationId: uuid, endedAt: instant }).strict();
export type ViolationEnd = z.input<typeof violationEnd>;

export const violationView = z.object({
  id: uuid,
  type: z.string(),
  category: violationCategory,
  /** ISO instants. */
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  source: violationSource,
  confidence: z.number().nullable(),
});
export type ViolationView = z.infer<typeof violationView>;

/** Pushed to the exam's proctors (live grid and Results) when a violation is stored or changes. */
export const sessionViolation = z.object({ sessionId: uuid, violation: violationView });
export type SessionViolation = z.infer<typeof sessionViolation>;

export const violationRequests = {
  'violation:report': { req: violationReport, res: violationReportAck },
  'violation:end': { req: violationEnd, res: z.object({}).strict() },
} as const;

export const violationPushes = {
  'session:violation': sessionViolation,
} as const;
