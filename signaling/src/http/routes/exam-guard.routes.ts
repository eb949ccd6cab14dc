/**
 * The exam guard SDK (#10): the script LMS pages include, the platform's public key, and a
 * verifier for LMS servers. Public and cookie-free (outside /api/, so the same-origin rule
 * for state-changing /api/ requests does not apply: an LMS server calls `verify`), readable
 * from any origin.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { examGuardApi } from '../../contract/api/assessment.ts';
import type { AssessmentService } from '../../services/assessment.service.ts';
import { buildGuardBundle, type GuardBundle } from '../../exam-guard/bundle.ts';
import type { GuardKeys } from '../../exam-guard/guard-keys.ts';
import { parseBody } from '../errors.ts';

export interface ExamGuardRoutesOptions {
  keys: GuardKeys;
  platformOrigin: string;
  assessment: AssessmentService;
}

function openToAll(reply: FastifyReply): FastifyReply {
  return reply
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('x-content-type-options', 'nosniff');
}

export const examGuardRoutes: FastifyPluginAsync<ExamGuardRoutesOptions> = async (app, { keys, platformOrigin, assessment }) => {
  let bundle: Promise<GuardBundle> | undefined;

  app.get(examGuardApi.script.path, async (req, reply) => {
    bundle ??= buildGuardBundle({ platformOrigin, jwk: keys.jwk });
    const { code, etag } = await bundle;
    openToAll(reply).header('etag', etag).header('cache-control', 'public, max-age=300');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(code);
  });

  app.get(examGuardApi.jwks.path, async (_req, reply) =>
    openToAll(reply).header('cache-control', 'public, max-age=300').send({ keys: [keys.jwk] }),
  );

  app.options(examGuardApi.verify.path, async (_req, reply) =>
    openToAll(reply).header('access-control-allow-methods', 'POST').header('access-control-allow-headers', 'content-type').code(204).send(),
  );
  app.post(examGuardApi.verify.path, { config: { rateLimit: { max: 120, timeWindow: '1 minute' } } }, async (req, reply) => {
    const { assertion, audience } = parseBody(examGuardApi.verify.body, req.body);
    return openToAll(reply).header('cache-control', 'no-store').send(await assessment.verify(assertion, audience));
  });
};
