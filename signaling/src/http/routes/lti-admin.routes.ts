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
import { idParam, parseAdmin } from './admin.routes.ts';

export const ltiAdminRoutes: FastifyPluginAsync<{ db: Kysely<DB>; publicOrigin: string }> = async (app, { db, publicOrigin }) => {
  const service = new LtiPlatformService({ db, publicOrigin });
  const actor = signedInUser;

  app.get(ltiApi.overview.path, async () => service.overview());
  app.get(ltiApi.getPlatform.path, async (req) => ({ platform: await service.get(idParam(req)) }));
  app.post(ltiApi.createPlatform.path, async (req, reply) => {
    const input = parseAdmin(ltiPlatformInput, req.body);
    return reply.code(201).send({ platform: await service.create(actor(req), input) });
  });
  app.put(ltiApi.updatePlatform.path, async (req) => {
    const id = idParam(req);
    return { platform: await service.update(actor(req), id, parseAdmin(ltiPlatformInput, req.body)) };
  });
  app.post(ltiApi.archivePlatform.path, async (req, reply) => {
    await service.setArchived(actor(req), idParam(req), true);
    return reply.code(204).send();
  });
  app.post(ltiApi.unarchivePlatform.path, async (req, reply) => {
    await service.setArchived(actor(req), idParam(req), false);
    return reply.code(204).send();
  });
  app.post(ltiApi.rotateKey.path, async (req) => ({ tool: await service.rotateKey(actor(req)) }));
};
