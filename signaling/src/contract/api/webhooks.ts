/**
 * Webhook endpoints of LMS integrations (#13), admin only (`/api/admin/webhooks…`). An
 * endpoint names the domain events it wants (contract/domain-events.ts `webhookEventTypes`);
 * each delivery is a POST of `{ id, type, occurredAt, data }` signed with the endpoint's
 * secret (`X-Proctor-Signature: t=…,v1=…`, signaling/README.md#webhooks). The secret is
 * generated here and returned once, by the create route.
 */
import { z } from 'zod';
import { webhookEventType } from '../domain-events.ts';
import { httpUrl } from './assessment.ts';

const uuid = z.uuid();
const timestamp = z.iso.datetime();

export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export const webhookInput = z
  .object({
    name: z.string().trim().min(1, { message: 'required' }).max(200, { message: 'too_long' }),
    url: httpUrl(WEBHOOK_URL_MAX),
    events: z.array(webhookEventType).min(1, { message: 'required' }).max(webhookEventType.options.length),
    integrationId: uuid.nullish(),
    /** null/omitted = every exam. */
    examId: uuid.nullish(),
    enabled: z.boolean().default(true),
  })
  .strict();
export type WebhookInput = z.input<typeof webhookInput>;

export const adminWebhook = z.object({
  id: uuid,
  name: z.string(),
  url: z.string(),
  events: z.array(webhookEventType),
  integrationId: uuid.nullable(),
  integrationName: z.string().nullable(),
  examId: uuid.nullable(),
  examName: z.string().nullable(),
  enabled: z.boolean(),
  /** Deliveries waiting or retrying, and failed for good. */
  openDeliveries: z.number().int(),
  failedDeliveries: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type AdminWebhook = z.infer<typeof adminWebhook>;

export const createdWebhook = z.object({
  endpoint: adminWebhook,
  /** The signing secret; shown once, never again retrievable. */
  secret: z.string(),
});
export type CreatedWebhook = z.infer<typeof createdWebhook>;

export const webhookDeliveryStatus = z.enum(['pending', 'queued', 'retrying', 'delivered', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof webhookDeliveryStatus>;

export const adminWebhookDelivery = z.object({
  id: uuid,
  seq: z.number().int(),
  eventId: uuid,
  eventType: z.string(),
  sessionId: uuid.nullable(),
  status: webhookDeliveryStatus,
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastDurationMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: timestamp,
  lastAttemptAt: timestamp.nullable(),
  deliveredAt: timestamp.nullable(),
  /** The posted JSON, for the admin to read what was sent. */
  body: z.string(),
});
export type AdminWebhookDelivery = z.infer<typeof adminWebhookDelivery>;

export const webhookDeliveriesQuery = z
  .object({
    /** Page back: deliveries older than this `seq`. */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

export const webhookDeliveryPage = z.object({
  items: z.array(adminWebhookDelivery),
  /** Pass as `before` for the next (older) page; null = no more. */
  nextBefore: z.number().int().nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPage>;

const W = '/api/admin/webhooks';
export const webhooksApi = {
  list: { method: 'GET', path: W, response: z.object({ items: z.array(adminWebhook) }) },
  create: { method: 'POST', path: W, body: webhookInput, response: createdWebhook },
  get: { method: 'GET', path: `${W}/:id`, response: z.object({ endpoint: adminWebhook }) },
  update: { method: 'PUT', path: `${W}/:id`, body: webhookInput, response: z.object({ endpoint: adminWebhook }) },
  deliveries: { method: 'GET', path: `${W}/:id/deliveries`, query: webhookDeliveriesQuery, response: webhookDeliveryPage },
  redeliver: { method: 'POST', path: '/api/admin/webhook-deliveries/:id/redeliver', body: null, response: null },
} as const;
