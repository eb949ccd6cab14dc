/**
 * Domain events: what happened to an exam session, typed once. The in-process bus
 * (`src/events/event-bus.ts`) carries them between services, socket pushes, the action log
 * and webhooks; Redis relays them between nodes; webhook deliveries post them as the body
 * (`{ id, type, occurredAt, data }`), and the OpenAPI document describes them from here.
 */
import { z } from 'zod';
import { violationView } from './violations.ts';
import { decision } from './api/results.ts';

const uuid = z.uuid();
const instant = z.string().describe('ISO 8601 instant');

export const domainEventSchemas = {
  /** The candidate's media connected for the first time: the session is in progress. */
  'session.started': z.object({ sessionId: uuid, examId: uuid, at: instant }),
  /** The candidate finished, or a proctor stopped the exam. */
  'session.finished': z.object({
    sessionId: uuid,
    examId: uuid,
    at: instant,
    by: z.enum(['candidate', 'proctor']),
    /** The proctor who stopped it (by = proctor). */
    proctorUserId: uuid.nullable(),
    reason: z.string().nullable(),
    attempt: z.number().int(),
  }),
  /** The candidate's media connected: attempt 1, 2, … of the session (a reconnect is a new attempt). */
  'attempt.started': z.object({ sessionId: uuid, examId: uuid, attempt: z.number().int().positive(), at: instant }),
  /** An attempt ended: left, finished, disconnected, replaced by a newer tab, node restarted, … */
  'attempt.ended': z.object({
    sessionId: uuid,
    examId: uuid,
    attempt: z.number().int().positive(),
    reason: z.string().describe('left, finished, disconnected, replaced, kicked, worker_died, node_restarted, node_shutdown, room_moved'),
    at: instant,
  }),
  /** A new finding (page or server) was stored. */
  'violation.created': z.object({ sessionId: uuid, examId: uuid, violation: violationView }),
  /** A stored finding changed (ended, widened by a touching report). */
  'violation.updated': z.object({ sessionId: uuid, examId: uuid, violation: violationView }),
  /** The reviewer's decision changed. */
  'decision.changed': z.object({ sessionId: uuid, examId: uuid, decision, at: instant }),
  /**
   * A recording was finalised (seekable, measured) by the jobs process. Raised there through
   * the outbox table (migration 0025) and published by one media node.
   */
  'recording.ready': z.object({
    recordingId: uuid,
    sessionId: uuid,
    examId: uuid,
    attempt: z.number().int().positive(),
    source: z.string().describe('camera, microphone or screen'),
    durationMs: z.number().int().nullable(),
    bytes: z.number().int().nonnegative(),
    at: instant,
  }),
  /** Something else of the session's Results row changed (honesty settled, first view). Not sent to webhooks. */
  'session.updated': z.object({ sessionId: uuid }),
} as const;

export type DomainEventType = keyof typeof domainEventSchemas;
export type DomainEventPayload<T extends DomainEventType> = z.infer<(typeof domainEventSchemas)[T]>;

/** The events an integration may subscribe its webhooks to. */
export const webhookEventTypes = [
  'session.started',
  'session.finished',
  'attempt.started',
  'attempt.ended',
  'violation.created',
  'decision.changed',
  'recording.ready',
] as const satisfies readonly DomainEventType[];
export const webhookEventType = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventType>;

/** The examId an event belongs to, for per-exam webhook scope (null = not exam-scoped). */
export function eventExamId(payload: object): string | null {
  return 'examId' in payload && typeof payload.examId === 'string' ? payload.examId : null;
}

/** The session an event belongs to: deliveries of one session go out in order. */
export function eventSessionId(payload: object): string | null {
  return 'sessionId' in payload && typeof payload.sessionId === 'string' ? payload.sessionId : null;
}

/** Meta given to `publish` by a relay that already has the event's identity (the outbox). */
export interface DomainEventIdentity {
  id: string;
  occurredAt: string;
}

/** The body of a webhook delivery: exactly these bytes are signed. */
export function webhookBody(type: WebhookEventType, payload: object, meta: DomainEventIdentity): string {
  return JSON.stringify({ id: meta.id, type, occurredAt: meta.occurredAt, data: payload });
}

/** The body's schema per event type (the OpenAPI document's `webhooks` section). */
export function webhookBodySchema(type: WebhookEventType) {
  return z.object({
    id: uuid.describe('Event id: the same in every delivery of this event (retries, redeliveries); deduplicate on it'),
    type: z.literal(type),
    occurredAt: instant,
    data: domainEventSchemas[type],
  });
}
