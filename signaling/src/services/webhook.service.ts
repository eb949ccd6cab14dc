/**
 * Webhook endpoints (admin) and their delivery log (#13). HTTP-free; routes/webhooks.routes.ts
 * maps requests onto it. The signing secret is generated here and returned once by `create`;
 * views never carry it. Changes are audit-logged with the endpoint in one transaction.
 * Recording deliveries for events is events/webhook-subscriber.ts; sending them is the
 * `webhook-delivery` job (recorder/src/webhooks).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import {
  appendAction,
  createWebhookEndpoint,
  getDelivery,
  getWebhookEndpoint,
  inTransaction,
  listDeliveries,
  listWebhookEndpoints,
  reopenDelivery,
  updateWebhookEndpoint,
  type DB,
  type WebhookDelivery,
  type WebhookEndpointListItem,
} from '@proctor/db';
import { advanceChain, DEFAULT_WEBHOOK_POLICY, type JobQueue, type WebhookPolicy } from '@proctor/recorder';
import type { WebhookEventType } from '../contract/domain-events.ts';
import {
  WEBHOOK_SECRET_PREFIX,
  type AdminWebhook,
  type AdminWebhookDelivery,
  type CreatedWebhook,
  type WebhookDeliveryPage,
  type webhookDeliveriesQuery,
  type webhookInput,
} from '../contract/api/webhooks.ts';
import { DomainError } from '../domain/errors.ts';
import { checkScopeRefs } from './scope-refs.ts';
import type { SessionUser } from './auth.service.ts';

type Input = z.output<typeof webhookInput>;
type DeliveriesQuery = z.output<typeof webhookDeliveriesQuery>;

export interface WebhookServiceDeps {
  db: Kysely<DB>;
  /** Where deliveries are queued; null = webhooks are off on this node (redelivery refused). */
  queue: JobQueue | null;
  /** Must match the jobs process's (startJobWorkers `webhookPolicy`). */
  policy?: WebhookPolicy;
}

const LIST_LIMIT = 200;
const PAGE = 50;
const notFound = () => new DomainError('not_found', 'There is no such webhook endpoint.');

export class WebhookService {
  readonly policy: WebhookPolicy;
  constructor(private readonly deps: WebhookServiceDeps) {
    this.policy = deps.policy ?? DEFAULT_WEBHOOK_POLICY;
  }

  view(row: WebhookEndpointListItem): AdminWebhook {
    return {
      id: row.id,
      name: row.name,
      url: row.url,
      events: row.events as WebhookEventType[],
      integrationId: row.integrationId,
      integrationName: row.integrationName,
      examId: row.examId,
      examName: row.examName,
      enabled: row.enabled,
      openDeliveries: row.openDeliveries,
      failedDeliveries: row.failedDeliveries,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  deliveryView(d: WebhookDelivery): AdminWebhookDelivery {
    return {
      id: d.id,
      seq: d.seq,
      eventId: d.eventId,
      eventType: d.eventType,
      sessionId: d.sessionId,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      lastDurationMs: d.lastDurationMs,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      body: d.body,
    };
  }

  async list(): Promise<{ items: AdminWebhook[] }> {
    return { items: (await listWebhookEndpoints(this.deps.db, LIST_LIMIT)).map((r) => this.view(r)) };
  }

  async get(id: string): Promise<AdminWebhook> {
    const row = await getWebhookEndpoint(this.deps.db, id);
    if (!row) throw notFound();
    return this.view(row);
  }

  async #fields(input: Input) {
    const { db } = this.deps;
    const { integrationId, examId } = await checkScopeRefs(db, input);
    return { name: input.name, url: input.url, events: [...new Set(input.events)], integrationId, examId, enabled: input.enabled };
  }

  async create(actor: SessionUser, input: Input): Promise<CreatedWebhook> {
    const fields = await this.#fields(input);
    const secret = `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = await inTransaction(this.deps.db, async (trx) => {
      const id = await createWebhookEndpoint(trx, { ...fields, secret, createdBy: actor.id });
      await this.#audit(trx, actor, 'admin.webhook.created', { webhookId: id, ...fields });
      return id;
    });
    return { endpoint: await this.get(id), secret };
  }

  async update(actor: SessionUser, id: string, input: Input): Promise<AdminWebhook> {
    const fields = await this.#fields(input);
    await inTransaction(this.deps.db, async (trx) => {
      if (!(await updateWebhookEndpoint(trx, id, fields))) throw notFound();
      await this.#audit(trx, actor, 'admin.webhook.updated', { webhookId: id, ...fields });
    });
    return this.get(id);
  }

  async deliveries(endpointId: string, query: DeliveriesQuery): Promise<WebhookDeliveryPage> {
    if (!(await getWebhookEndpoint(this.deps.db, endpointId))) throw notFound();
    const rows = await listDeliveries(this.deps.db, endpointId, PAGE + 1, query.before);
    const items = rows.slice(0, PAGE).map((d) => this.deliveryView(d));
    return { items, nextBefore: rows.length > PAGE ? items[items.length - 1]!.seq : null };
  }

  /** Sends a settled delivery again (same event id and body, freshly signed), in its chain's order. */
  async redeliver(actor: SessionUser, deliveryId: string): Promise<void> {
    const { db, queue } = this.deps;
    if (!queue) throw new DomainError('unavailable', 'Webhooks are not running on this server (no job queue).');
    const d = await getDelivery(db, deliveryId);
    if (!d) throw new DomainError('not_found', 'There is no such delivery.');
    if (!(await reopenDelivery(db, deliveryId))) throw new DomainError('conflict', 'The delivery is still on its way; wait until it is delivered or failed.');
    await this.#audit(db, actor, 'admin.webhook.redelivered', { webhookId: d.endpointId, deliveryId, eventId: d.eventId });
    await advanceChain(db, queue, this.policy, { id: d.id, endpointId: d.endpointId, sessionId: d.sessionId });
  }

  async #audit(db: Kysely<DB>, actor: SessionUser, action: string, details: Record<string, unknown>): Promise<void> {
    await appendAction(db, { actorUserId: actor.id, actorName: actor.fullName, actorIin: actor.iin, action, details });
  }
}
