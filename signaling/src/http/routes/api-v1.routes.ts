/**
 * `/api/v1/…` (contract/api/v1.ts): the REST API for LMS integrations. Every route is
 * authenticated by its `Authorization: Bearer` API key in this plugin's onRequest hook —
 * cookie sessions do not apply here (auth.plugin.ts skips /api/v1) — then counted against
 * the key's rate limit, then its scope is checked (the route table names it). Validation
 * and replies only; logic in services/api-v1*.service.ts, keys in services/api-key.service.ts.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { V1_BODY_LIMIT, v1Api, type V1Route } from '../../contract/api/v1.ts';
import type { ApiKeyService, ApiPrincipal } from '../../services/api-key.service.ts';
import { summary, type ApiV1Service } from '../../services/api-v1.service.ts';
import type { ApiV1WriteService } from '../../services/api-v1-write.service.ts';
import { parseBody } from '../errors.ts';
import { DomainError } from '../../domain/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /api/v1 plugin for an accepted API key. */
    apiKey: ApiPrincipal | null;
  }
  interface FastifyContextConfig {
    /** The scope a /api/v1 route needs (from the contract's route table). */
    v1Scope?: V1Route['scope'];
  }
}

/** Requests per key per window, over all /api/v1 routes and every node (the limit store is shared). */
export interface ApiV1RateLimit {
  max: number;
  timeWindowMs: number;
}
export const DEFAULT_API_V1_RATE_LIMIT: ApiV1RateLimit = { max: 600, timeWindowMs: 60_000 };

/** API_V1_RATE_LIMIT_PER_MINUTE (a positive integer) or the default; anything else is a start-up error. */
export function apiV1RateLimitFromEnv(env: NodeJS.ProcessEnv): ApiV1RateLimit {
  const raw = env.API_V1_RATE_LIMIT_PER_MINUTE;
  if (raw === undefined || raw === '') return DEFAULT_API_V1_RATE_LIMIT;
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 1) throw new Error(`API_V1_RATE_LIMIT_PER_MINUTE must be a positive integer, not "${raw}"`);
  return { max, timeWindowMs: 60_000 };
}

export interface ApiV1RoutesOptions {
  keys: ApiKeyService;
  v1: ApiV1Service;
  write: ApiV1WriteService;
  rateLimit?: ApiV1RateLimit;
}

function principal(req: FastifyRequest): ApiPrincipal {
  if (!req.apiKey) throw new DomainError('unauthenticated', 'The API key is not valid.');
  return req.apiKey;
}

/** A bad `:id` cannot name anything: 404, like an unknown one. */
function idOf(req: FastifyRequest, schema: z.ZodType | null): string {
  const parsed = schema?.safeParse(req.params);
  if (!parsed?.success) throw new DomainError('not_found', 'There is no such record.');
  return (parsed.data as { id: string }).id.toLowerCase();
}

export const apiV1Routes: FastifyPluginAsync<ApiV1RoutesOptions> = async (app, { keys, v1, write, rateLimit = DEFAULT_API_V1_RATE_LIMIT }) => {
  app.decorateRequest('apiKey', null);
  // One bucket per key (its id), whatever the route: the auth plugin's @fastify/rate-limit
  // with the shared PostgreSQL store, so N nodes do not give N × the limit.
  const limit = app.rateLimit({
    max: rateLimit.max,
    timeWindow: rateLimit.timeWindowMs,
    keyGenerator: (req) => `api-key:${req.apiKey?.keyId ?? 'none'}`,
    errorResponseBuilder: (_req, ctx) => new DomainError('rate_limited', `Too many requests with this API key (${ctx.max} per ${rateLimit.timeWindowMs / 1000} s); try again in ${ctx.after}.`),
  });
  app.addHook('onRequest', async (req, reply) => {
    // Keys are never cached by a proxy or the browser.
    reply.header('cache-control', 'no-store');
    req.apiKey = await keys.authenticate(req.headers.authorization);
    await limit.call(app, req, reply);
    v1.assertScope(req.apiKey, req.routeOptions.config.v1Scope ?? 'write');
  });

  /** A route of the table: its scope in the config, its body size limited, its status set. */
  const route = <R extends V1Route>(r: R, handler: (req: FastifyRequest, p: ApiPrincipal) => Promise<unknown>) => {
    app.route({
      method: r.method,
      url: r.path,
      config: { v1Scope: r.scope },
      ...(r.body ? { bodyLimit: V1_BODY_LIMIT } : {}),
      handler: async (req: FastifyRequest, reply: FastifyReply) => reply.code(r.status).send(await handler(req, principal(req))),
    });
  };

  const a = v1Api;
  route(a.listExams, (req, p) => v1.exams(p, parseBody(a.listExams.query, req.query)));
  route(a.createExam, (req, p) => write.createExam(p, parseBody(a.createExam.body, req.body)));
  route(a.updateExam, (req, p) => write.updateExam(p, idOf(req, a.updateExam.params), parseBody(a.updateExam.body, req.body)));
  route(a.examCandidates, (req, p) => v1.candidates(p, idOf(req, a.examCandidates.params)));
  route(a.upsertCandidates, (req, p) => write.upsertCandidates(p, idOf(req, a.upsertCandidates.params), parseBody(a.upsertCandidates.body, req.body)));
  route(a.examSessions, (req, p) => v1.sessions(p, idOf(req, a.examSessions.params), parseBody(a.examSessions.query, req.query)));
  route(a.session, (req, p) => v1.session(p, idOf(req, a.session.params)));
  route(a.signOnLink, (req, p) => write.signOnLink(p, idOf(req, a.signOnLink.params)));
  route(a.setDecision, async (req, p) => {
    const id = idOf(req, a.setDecision.params);
    const { decision } = parseBody(a.setDecision.body, req.body);
    return { session: summary((await write.setDecision(p, id, decision)).row) };
  });
};
