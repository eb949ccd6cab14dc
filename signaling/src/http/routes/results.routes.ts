/** Results page routes: validation only; the logic and access rules are in services/results.service.ts. */
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

  app.patch(resultsApi.setDecision.path, { preHandler: staff }, async (req) => {
    const { id } = parseBody(sessionParams, req.params);
    const { decision } = parseBody(resultsApi.setDecision.body, req.body);
    return results.setDecision(signedInUser(req), id, decision);
  });
};
