/** Sign-in routes: validation and cookies only; the logic is in services/auth.service.ts. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authApi, SESSION_COOKIE, type OkResponse, type UserResponse } from '../../contract/api/auth.ts';
import { toAuthUser, type AuthService, type ClientInfo } from '../../services/auth.service.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const client = (req: FastifyRequest): ClientInfo => ({ ip: req.ip, userAgent: req.headers['user-agent'] });
const perIpPerMinute = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
const signedIn = requireRole('admin', 'proctor');
const ok: OkResponse = { ok: true };

export const authRoutes: FastifyPluginAsync<{ auth: AuthService }> = async (app, { auth }) => {
  const clearCookie = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: auth.cookieOptions().secure };

  app.post(authApi.login.path, { config: perIpPerMinute(auth.limits.loginsPerIpPerMinute) }, async (req, reply) => {
    const { email, password } = parseBody(authApi.login.body, req.body);
    const { user, token } = await auth.login(email, password, client(req));
    reply.setCookie(SESSION_COOKIE, token, auth.cookieOptions());
    const body: UserResponse = { user: toAuthUser(user) };
    return body;
  });

  app.post(authApi.logout.path, async (req, reply) => {
    if (req.user) await auth.logout(req.user, client(req));
    return reply.clearCookie(SESSION_COOKIE, clearCookie).code(204).send();
  });

  app.get(authApi.me.path, { preHandler: signedIn }, async (req) => {
    const body: UserResponse = { user: toAuthUser(signedInUser(req)) };
    return body;
  });

  app.post(
    authApi.forgotPassword.path,
    { config: perIpPerMinute(auth.limits.resetRequestsPerIpPerMinute) },
    async (req) => {
      const { email } = parseBody(authApi.forgotPassword.body, req.body);
      await auth.requestPasswordReset(email, client(req));
      return ok;
    },
  );

  app.post(
    authApi.resetPassword.path,
    { config: perIpPerMinute(auth.limits.resetRequestsPerIpPerMinute) },
    async (req, reply) => {
      const { token, password } = parseBody(authApi.resetPassword.body, req.body);
      await auth.resetPassword(token, password, client(req));
      // Every session of the user ended; drop this browser's cookie too.
      reply.clearCookie(SESSION_COOKIE, clearCookie);
      return ok;
    },
  );

  app.put(authApi.setLocale.path, { preHandler: signedIn }, async (req) => {
    const { locale } = parseBody(authApi.setLocale.body, req.body);
    const user = await auth.setLocale(signedInUser(req), locale);
    const body: UserResponse = { user: toAuthUser(user) };
    return body;
  });
};
