/**
 * The candidate workspace's routes (#10, contract/api/assessment.ts): the assessment to
 * open, the exam guard's assertion and "opened in a window". Authenticated by the
 * candidate's link token only (http/candidate-auth.ts); logic in assessment.service.ts.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { assessmentApi } from '../../contract/api/assessment.ts';
import type { AssessmentService } from '../../services/assessment.service.ts';
import { candidateSessionId } from '../candidate-auth.ts';
import { parseBody } from '../errors.ts';

export interface AssessmentRoutesOptions {
  assessment: AssessmentService;
  tokenSecret: string;
}

// The guard re-checks every 15 s by default (about 5 a minute); a page may reload a few times.
const limit = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } });

export const assessmentRoutes: FastifyPluginAsync<AssessmentRoutesOptions> = async (app, { assessment, tokenSecret }) => {
  const session = (req: FastifyRequest) => candidateSessionId(req, tokenSecret);

  app.get(assessmentApi.get.path, { config: limit(30) }, async (req) => assessment.get(session(req)));

  app.post(assessmentApi.assertion.path, { config: limit(30) }, async (req) => {
    const id = session(req);
    const { nonce } = parseBody(assessmentApi.assertion.body, req.body);
    return assessment.assertion(id, nonce);
  });

  app.post(assessmentApi.ltiStart.path, { config: limit(20) }, async (req, reply) => {
    const id = session(req);
    reply.header('cache-control', 'no-store');
    return assessment.ltiStart(id);
  });

  app.post(assessmentApi.window.path, { config: limit(20) }, async (req, reply) => {
    const id = session(req);
    await assessment.openedInWindow(id, parseBody(assessmentApi.window.body, req.body));
    return reply.code(204).send();
  });
};
