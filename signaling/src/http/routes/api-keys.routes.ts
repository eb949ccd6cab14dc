/**
 * API keys (`/api/admin/api-keys…`, contract in contract/api/v1.ts). Registered from
 * admin.routes.ts, so the admin-only hook and the field-error format apply before anything
 * here runs. Validation and replies only; logic in services/api-key.service.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { apiKeyInput, apiKeysApi } from '../../contract/api/v1.ts';
import type { ApiKeyService } from '../../services/api-key.service.ts';
import { signedInUser } from '../guards.ts';
import { idParam, parseAdmin } from './admin-routing.ts';

export const apiKeysRoutes: FastifyPluginAsync<{ keys: ApiKeyService }> = async (app, { keys }) => {
  app.get(apiKeysApi.list.path, async () => keys.list());
  app.post(apiKeysApi.create.path, async (req, reply) => {
    const input = parseAdmin(apiKeyInput, req.body);
    // The secret is in this one response only: nothing may cache it.
    return reply.code(201).header('cache-control', 'no-store').send(await keys.create(signedInUser(req), input));
  });
  app.post(apiKeysApi.revoke.path, async (req, reply) => {
    await keys.revoke(signedInUser(req), idParam(req));
    return reply.code(204).send();
  });
};
