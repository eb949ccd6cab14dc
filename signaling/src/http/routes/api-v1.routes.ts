/**
 * `/api/v1/…` (contract/api/v1.ts): the REST API for LMS integrations. Every route is
 * authenticated by its `Authorization: Bearer` API key in this plugin's onRequest hook —
 * cookie sessions do not apply here (auth.plugin.ts skips /api/v1). Validation and replies
 * only; logic in services/api-v1.service.ts, keys in services/api-key.service.ts.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { v1Api } from '../../contract/api/v1.ts';
import type { ApiKeyService, ApiPrincipal } from '../../services/api-key.service.ts';
import type { ApiV1Service } from '../../services/api-v1.service.ts';
import { parseBody } from '../errors.ts';
import { DomainError } from '../../domain/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /api/v1 plugin for an accepted API key. */
    apiKey: ApiPrincipal | null;
  }
}

export interface ApiV1RoutesOptions {
  keys: ApiKeyService;
  v1: ApiV1Service;
}

function principal(req: FastifyRequest): ApiPrincipal {
  if (!req.apiKey) throw new DomainError('unauthenticated', 'The API key is not valid.');
  return req.apiKey;
}

/** A bad `:id` cannot name anything: 404, like an unknown one. */
function idOf(req: FastifyRequest, schema: z.ZodType): string {
  const parsed = schema.safeParse(req.params);
  if (!parsed.success) throw new DomainError('not_found', 'There is no such record.');
  return (parsed.data as { id: string }).id.toLowerCase();
}

export const apiV1Routes: FastifyPluginAsync<ApiV1RoutesOptions> = async (app, { keys, v1 }) => {
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (req, reply) => {
    // Keys are never cached by a proxy or the browser.
    reply.header('cache-control', 'no-store');
    req.apiKey = await keys.authenticate(req.headers.authorization);
    v1.assertRead(req.apiKey);
  });

  const { listExams, examCandidates, examSessions, session } = v1Api;
  app.get(listExams.path, async (req) => v1.exams(principal(req), parseBody(listExams.query, req.query)));
  app.get(examCandidates.path, async (req) => v1.candidates(principal(req), idOf(req, examCandidates.params)));
  app.get(examSessions.path, async (req) => v1.sessions(principal(req), idOf(req, examSessions.params), parseBody(examSessions.query, req.query)));
  app.get(session.path, async (req) => v1.session(principal(req), idOf(req, session.params)));
};
