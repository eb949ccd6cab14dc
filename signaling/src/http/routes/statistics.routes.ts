/** Statistics routes (manual §4): validation only; the rules are in services/statistics.service.ts. */
import type { FastifyPluginAsync } from 'fastify';
import { statisticsApi } from '../../contract/api/statistics.ts';
import type { StatisticsService } from '../../services/statistics.service.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const staff = requireRole('admin', 'proctor');

export const statisticsRoutes: FastifyPluginAsync<{ statistics: StatisticsService }> = async (app, { statistics }) => {
  app.get(statisticsApi.overview.path, { preHandler: staff }, async (req) =>
    statistics.overview(signedInUser(req), parseBody(statisticsApi.overview.query, req.query)),
  );
  app.get(statisticsApi.reconnects.path, { preHandler: staff }, async (req) =>
    statistics.reconnects(signedInUser(req), parseBody(statisticsApi.reconnects.query, req.query)),
  );
  app.get(statisticsApi.candidates.path, { preHandler: staff }, async (req) =>
    statistics.candidates(signedInUser(req), parseBody(statisticsApi.candidates.query, req.query)),
  );
  app.get(statisticsApi.options.path, { preHandler: staff }, async (req) => statistics.options(signedInUser(req)));
};
