/**
 * LTI platforms and our key (`/api/admin/lti…`, contract in contract/api/lti.ts). Registered
 * from admin.routes.ts, so the admin-only hook and the field-error format apply before
 * anything here runs. Validation and replies only; logic in lti-platform.service.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import { ltiApi, ltiPlatformInput } from '../../contract/api/lti.ts';
import { LtiPlatformService } from '../../services/lti-platform.service.ts';
import { signedInUser } from '../guards.ts';
import { entityRoutes } from './admin-routing.ts';

export const ltiAdminRoutes: FastifyPluginAsync<{ db: Kysely<DB>; publicOrigin: string }> = async (app, { db, publicOrigin }) => {
  const service = new LtiPlatformService({ db, publicOrigin });

  app.get(ltiApi.overview.path, async () => service.overview());
  entityRoutes(app, {
    key: 'platform',
    routes: { get: ltiApi.getPlatform, create: ltiApi.createPlatform, update: ltiApi.updatePlatform, archive: ltiApi.archivePlatform, unarchive: ltiApi.unarchivePlatform },
    input: ltiPlatformInput,
    service,
  });
  app.post(ltiApi.rotateKey.path, async (req) => ({ tool: await service.rotateKey(signedInUser(req)) }));
};
