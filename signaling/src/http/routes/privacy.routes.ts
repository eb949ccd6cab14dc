/**
 * A candidate's data on request (admins only): export as a zip, erase with a reason.
 * Validation and HTTP framing only; the work is in services/privacy.service.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { privacyApi } from '../../contract/api/privacy.ts';
import type { PrivacyService } from '../../services/privacy.service.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const admin = requireRole('admin');
const idParams = z.object({ id: z.uuid() });

export const privacyRoutes: FastifyPluginAsync<{ privacy: PrivacyService }> = async (app, { privacy }) => {
  app.get(privacyApi.exportCandidate.path, { preHandler: admin }, async (req, reply) => {
    const { id } = parseBody(idParams, req.params);
    const zip = await privacy.exportCandidate(signedInUser(req), id);
    return reply
      .header('content-type', 'application/zip')
      .header('content-length', zip.size)
      .header('content-disposition', `attachment; filename="${zip.fileName}"`)
      .header('cache-control', 'private, no-store')
      .send(zip.stream);
  });

  app.post(privacyApi.eraseCandidate.path, { preHandler: admin }, async (req) => {
    const { id } = parseBody(idParams, req.params);
    const body = parseBody(privacyApi.eraseCandidate.body, req.body);
    return { erasure: await privacy.eraseCandidate(signedInUser(req), id, body) };
  });
};
