/**
 * Cookie sessions for the whole HTTP API, registered once from buildApp. Not encapsulated
 * (fastify-plugin), so what it adds applies to every route registered anywhere:
 *
 * - `request.user`: the signed-in user or null, resolved from the session cookie for
 *   every `/api/` request (guards.ts turns it into 401/403).
 * - CSRF protection for every state-changing `/api/` request (POST/PUT/PATCH/DELETE): it
 *   must come from our own origin (Origin header, else Referer; a request with neither is
 *   refused) and carry a JSON body or none. SameSite=Lax already keeps the cookie off
 *   cross-site POSTs in current browsers; this check also covers same-site subdomains and
 *   older browsers, and needs no token in the UI.
 * - the sign-in routes and, in demo mode without SMTP, the demo inbox at /dev/mail (admins only).
 */
import fp from 'fastify-plugin';
import { fastifyCookie } from '@fastify/cookie';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../contract/api/auth.ts';
import { API_V1_PREFIX } from '../contract/api/v1.ts';
import { checkOrigin } from '../auth/origin.ts';
import type { AuthService, SessionUser } from '../services/auth.service.ts';
import type { DevMailbox } from '../services/mail.service.ts';
import { DomainError } from '../domain/errors.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { DEV_MAIL_PATH, devMailRoutes } from './routes/dev-mail.routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for `/api/` requests with a valid session cookie; see http/guards.ts. */
    user: SessionUser | null;
  }
  interface FastifyContextConfig {
    /** The route takes file uploads as multipart/form-data; the same-origin check still applies. */
    multipartUpload?: boolean;
    /** The route is a tus endpoint (PATCH bodies are application/offset+octet-stream); the same-origin check still applies. */
    tusUpload?: boolean;
  }
}

export interface AuthPluginOptions {
  auth: AuthService;
  devMailbox: DevMailbox | null;
  /** Where per-address counters live: shared by all nodes (PostgreSQL), not per process. */
  rateLimitStore: FastifyRateLimitStoreCtor;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function assertSameOriginJson(req: FastifyRequest, publicOrigin: string): void {
  const origin = checkOrigin(req.headers, publicOrigin);
  if (origin !== 'same') {
    throw new DomainError('cross_origin',
      origin === 'absent' ? 'Origin or Referer header required for this request.' : 'Requests from other sites are refused.',
    );
  }
  // HTML forms can post urlencoded, multipart and text/plain bodies cross-site without a
  // preflight; JSON they cannot. File uploads (routes with config.multipartUpload) are the
  // one exception, covered by the Origin check above.
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const type = req.headers['content-type'] ?? '';
  const upload =
    (req.routeOptions.config.multipartUpload === true && /^multipart\/form-data\s*;/i.test(type)) ||
    (req.routeOptions.config.tusUpload === true && /^application\/offset\+octet-stream\s*(;|$)/i.test(type));
  if (hasBody && !upload && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new DomainError('unsupported_media_type', 'Send the body as JSON (Content-Type: application/json).');
  }
}

export const authPlugin = fp<AuthPluginOptions>(
  async (app, { auth, devMailbox, rateLimitStore }) => {
    await app.register(fastifyCookie);
    // Per-route limits only (the login and reset routes set theirs).
    await app.register(rateLimit, {
      global: false,
      store: rateLimitStore,
      errorResponseBuilder: (_req, ctx) =>
        new DomainError('rate_limited', `Too many requests from this address; try again in ${ctx.after}.`),
    });
    app.decorateRequest('user', null);

    app.addHook('onRequest', async (req) => {
      const api = req.url.startsWith('/api/');
      if (!api && !(devMailbox && req.url.startsWith(DEV_MAIL_PATH))) return;
      // The LMS API is authenticated by its API key alone (routes/api-v1.routes.ts): a
      // cookie is never read there, so a browser session cannot be ridden into it.
      if (req.url.startsWith(API_V1_PREFIX)) return;
      if (api && STATE_CHANGING.has(req.method)) assertSameOriginJson(req, auth.publicOrigin);
      req.user = await auth.authenticate(req.cookies[SESSION_COOKIE]);
    });

    await app.register(authRoutes, { auth });
    if (devMailbox) await app.register(devMailRoutes, { mailbox: devMailbox });
  },
  { name: 'proctor-auth', fastify: '5.x' },
);
