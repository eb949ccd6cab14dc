/** Results page routes: validation only; the logic and access rules are in services/results.service.ts. */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { resultsApi } from '../../contract/api/results.ts';
import type { ResultsService } from '../../services/results.service.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const staff = requireRole('admin', 'proctor');
const candidateParams = z.object({ candidateId: z.uuid() });
const sessionParams = z.object({ id: z.uuid() });

export const resultsRoutes: FastifyPluginAsync<{ results: ResultsService }> = async (app, { results }) => {
  app.get(resultsApi.list.path, { preHandler: staff }, async (req) =>
    results.list(signedInUser(req), parseBody(resultsApi.list.query, req.query)),
  );

  app.get(resultsApi.candidateSessions.path, { preHandler: staff }, async (req) => {
    const { candidateId } = parseBody(candidateParams, req.params);
    return results.candidateSessions(signedInUser(req), candidateId, parseBody(resultsApi.candidateSessions.query, req.query));
  });

  app.get(resultsApi.choices.path, { preHandler: staff }, async (req) =>
    results.choices(signedInUser(req), parseBody(resultsApi.choices.query, req.query)),
  );

  app.get(resultsApi.candidatePhoto.path, { preHandler: staff }, async (req, reply) => {
    const { candidateId } = parseBody(candidateParams, req.params);
    parseBody(resultsApi.candidatePhoto.query, req.query);
    const photo = await results.candidatePhoto(signedInUser(req), candidateId);
    return reply
      .type(photo.mime)
      // The URL carries the photo's version, so a browser may keep it; it is personal data: private.
      .header('cache-control', 'private, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'")
      .send(createReadStream(photo.file));
  });

  app.patch(resultsApi.setDecision.path, { preHandler: staff }, async (req) => {
    const { id } = parseBody(sessionParams, req.params);
    const { decision } = parseBody(resultsApi.setDecision.body, req.body);
    return results.setDecision(signedInUser(req), id, decision);
  });
};
