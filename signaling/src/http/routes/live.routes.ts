/** Live proctoring panel routes (manual §3): validation only; see services/live.service.ts. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { liveApi } from '../../contract/api/live.ts';
import type { LiveService } from '../../services/live.service.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const staff = requireRole('admin', 'proctor');
const examParams = z.object({ examId: z.uuid() });

export const liveRoutes: FastifyPluginAsync<{ live: LiveService }> = async (app, { live }) => {
  app.get(liveApi.exams.path, { preHandler: staff }, async (req) => {
    parseBody(liveApi.exams.query, req.query);
    return live.exams(signedInUser(req));
  });

  app.get(liveApi.candidates.path, { preHandler: staff }, async (req) => {
    const { examId } = parseBody(examParams, req.params);
    return live.candidates(signedInUser(req), examId, parseBody(liveApi.candidates.query, req.query));
  });
};
