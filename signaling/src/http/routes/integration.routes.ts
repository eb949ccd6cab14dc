/**
 * Sign-on integrations (`/api/admin/integrations…`, contract in contract/api/sign-on.ts).
 * Registered from admin.routes.ts, so the admin-only hook and the field-error format apply
 * before anything here runs. Validation and replies only; logic in integration.service.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import { adminListQuery } from '../../contract/api/admin.ts';
import { integrationInput, signOnApi } from '../../contract/api/sign-on.ts';
import { IntegrationService } from '../../services/integration.service.ts';
import { signedInUser } from '../guards.ts';
import { idParam, parseAdmin } from './admin.routes.ts';

export interface IntegrationRoutesOptions {
  db: Kysely<DB>;
  publicOrigin: string;
}

export const integrationRoutes: FastifyPluginAsync<IntegrationRoutesOptions> = async (app, { db, publicOrigin }) => {
  const service = new IntegrationService({ db, publicOrigin });
  const actor = signedInUser;

  app.get(signOnApi.listIntegrations.path, async (req) => service.list(parseAdmin(adminListQuery, req.query)));
  app.get(signOnApi.getIntegration.path, async (req) => ({ integration: await service.get(idParam(req)) }));
  app.post(signOnApi.createIntegration.path, async (req, reply) => {
    const input = parseAdmin(integrationInput, req.body);
    return reply.code(201).send({ integration: await service.create(actor(req), input) });
  });
  app.put(signOnApi.updateIntegration.path, async (req) => {
    const id = idParam(req);
    return { integration: await service.update(actor(req), id, parseAdmin(integrationInput, req.body)) };
  });
  app.post(signOnApi.archiveIntegration.path, async (req, reply) => {
    await service.setArchived(actor(req), idParam(req), true);
    return reply.code(204).send();
  });
  app.post(signOnApi.unarchiveIntegration.path, async (req, reply) => {
    await service.setArchived(actor(req), idParam(req), false);
    return reply.code(204).send();
  });
};
