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
import { entityRoutes, parseAdmin } from './admin-routing.ts';

export interface IntegrationRoutesOptions {
  db: Kysely<DB>;
  publicOrigin: string;
}

export const integrationRoutes: FastifyPluginAsync<IntegrationRoutesOptions> = async (app, { db, publicOrigin }) => {
  const service = new IntegrationService({ db, publicOrigin });

  app.get(signOnApi.listIntegrations.path, async (req) => service.list(parseAdmin(adminListQuery, req.query)));
  entityRoutes(app, {
    key: 'integration',
    routes: {
      get: signOnApi.getIntegration,
      create: signOnApi.createIntegration,
      update: signOnApi.updateIntegration,
      archive: signOnApi.archiveIntegration,
      unarchive: signOnApi.unarchiveIntegration,
    },
    input: integrationInput,
    service,
  });
};
