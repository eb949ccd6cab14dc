/**
 * Webhook endpoints and their delivery log (`/api/admin/webhooks…`, contract in
 * contract/api/webhooks.ts). Registered from admin.routes.ts, so the admin-only hook and the
 * field-error format apply first. Validation and replies only; logic in webhook.service.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { webhookDeliveriesQuery, webhookInput, webhooksApi } from '../../contract/api/webhooks.ts';
import type { WebhookService } from '../../services/webhook.service.ts';
import { signedInUser } from '../guards.ts';
import { idParam, parseAdmin } from './admin-routing.ts';

export const webhooksRoutes: FastifyPluginAsync<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  app.get(webhooksApi.list.path, async () => webhooks.list());
  app.post(webhooksApi.create.path, async (req, reply) => {
    const input = parseAdmin(webhookInput, req.body);
    // The secret is in this one response only: nothing may cache it.
    return reply.code(201).header('cache-control', 'no-store').send(await webhooks.create(signedInUser(req), input));
  });
  app.get(webhooksApi.get.path, async (req) => ({ endpoint: await webhooks.get(idParam(req)) }));
  app.put(webhooksApi.update.path, async (req) => {
    const id = idParam(req);
    return { endpoint: await webhooks.update(signedInUser(req), id, parseAdmin(webhookInput, req.body)) };
  });
  app.get(webhooksApi.deliveries.path, async (req) => {
    const id = idParam(req);
    return webhooks.deliveries(id, parseAdmin(webhookDeliveriesQuery, req.query));
  });
  app.post(webhooksApi.redeliver.path, async (req, reply) => {
    await webhooks.redeliver(signedInUser(req), idParam(req));
    return reply.code(204).send();
  });
};
