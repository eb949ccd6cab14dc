/**
 * The LTI 1.3 tool's browser endpoints (#13, contract/api/lti.ts): login initiation, the
 * launch form post and our JWKS. Not under /api/: the platform posts an HTML form here from
 * its own site, so the same-origin JSON rule of the API does not apply; the state cookie,
 * the one-use nonce and the platform's signature are what protect the launch. Every refusal
 * is logged with its detail and redirects to the refused page (kk/ru/en) with its reason
 * only: never a stack trace, never the detail. Proctoring Services messages come through
 * the same launch: a start opens the learner's journey like a learner launch, an end lands on
 * the ended page (lti-proctoring.service.ts).
 */
import { URLSearchParams } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '@proctor/db';
import { publishedLtiJwks } from '@proctor/recorder';
import {
  deepLinkChoice,
  LTI_CLAIM,
  LTI_DEEP_LINK_PAGE,
  LTI_ENDED_PAGE,
  LTI_PATHS,
  LTI_REFUSED_PAGE,
  LTI_STATE_TTL_SECONDS,
  ltiDeepLinkApi,
  ltiLaunchForm,
  ltiLoginParams,
  type LtiRefusal,
} from '../../contract/api/lti.ts';
import { parseBody } from '../errors.ts';
import type { LtiDeepLinkService } from '../../services/lti-deep-link.service.ts';
import { SESSION_COOKIE } from '../../contract/api/auth.ts';
import { LINK_GRACE_SECONDS } from '../../contract/api/journey.ts';
import { mintToken } from '../../auth/token.ts';
import type { AuthService } from '../../services/auth.service.ts';
import { LtiError, stateCookieName, type LtiLaunchService } from '../../services/lti-launch.service.ts';
import { launchRole, type LearnerOutcome, type LtiAccountsService } from '../../services/lti-accounts.service.ts';
import type { LtiProctoringService } from '../../services/lti-proctoring.service.ts';

export interface LtiRoutesOptions {
  db: Kysely<DB>;
  launches: LtiLaunchService;
  accounts: LtiAccountsService;
  deepLinks: LtiDeepLinkService;
  proctoring: LtiProctoringService;
  auth: AuthService;
  tokenSecret: string;
  log: Logger;
}

/** The shortest candidate token handed out (as for sign-on links). */
const MIN_CANDIDATE_TOKEN_SECONDS = 10 * 60;
const FORM_LIMIT = 64 * 1024;

export const ltiRoutes: FastifyPluginAsync<LtiRoutesOptions> = async (app, { db, launches, accounts, deepLinks, proctoring, auth, tokenSecret, log }) => {
  // Platforms post HTML forms; parsed here only (the JSON API keeps refusing them).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const secure = auth.publicOrigin.startsWith('https:');
  // The launch is a cross-site POST from the platform: only SameSite=None cookies ride along,
  // and browsers take those over https only. A plain-http node (dev, tests on one host) uses Lax.
  const stateCookie = { httpOnly: true, secure, sameSite: secure ? ('none' as const) : ('lax' as const), path: '/lti/', maxAge: LTI_STATE_TTL_SECONDS };

  const refuse = (reply: FastifyReply, req: FastifyRequest, err: unknown, stage: 'login' | 'launch'): FastifyReply => {
    const known = err instanceof LtiError;
    const reason: LtiRefusal = known ? err.reason : 'internal';
    if (known) log.warn({ stage, reason, detail: err.detail, ip: req.ip }, 'LTI launch refused');
    else log.error({ stage, err, ip: req.ip }, 'LTI launch failed');
    reply.header('cache-control', 'no-store');
    return reply.redirect(`${LTI_REFUSED_PAGE}?reason=${reason}`, 303);
  };

  /** The candidate journey of a learner's session, with a candidate token as long as the exam. */
  const toJourney = (reply: FastifyReply, { sessionId, examEndsAt }: LearnerOutcome): FastifyReply => {
    const ttl = Math.max(MIN_CANDIDATE_TOKEN_SECONDS, Math.floor((examEndsAt.getTime() - Date.now()) / 1000) + LINK_GRACE_SECONDS);
    const token = mintToken({ role: 'candidate', sessionId }, tokenSecret, ttl);
    // /exam keeps the token for this tab and removes it from the address bar (web lib/token.ts).
    return reply.redirect(`/exam?token=${encodeURIComponent(token)}`, 303);
  };

  const login = async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const source = req.method === 'POST' ? req.body : req.query;
      const parsed = ltiLoginParams.safeParse(source ?? {});
      if (!parsed.success) throw new LtiError('bad_request', `login: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
      const { redirectUrl, state } = await launches.login(parsed.data);
      reply.setCookie(stateCookieName(state), state, stateCookie);
      reply.header('cache-control', 'no-store');
      return reply.redirect(redirectUrl, 302);
    } catch (err) {
      return refuse(reply, req, err, 'login');
    }
  };
  app.get(LTI_PATHS.login, { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }, login);
  app.post(LTI_PATHS.login, { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }, login);

  app.post(LTI_PATHS.launch, { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }, async (req, reply) => {
    try {
      const form = ltiLaunchForm.safeParse(req.body ?? {});
      if (!form.success) throw new LtiError('bad_request', `launch: ${form.error.issues[0]?.path.join('.')} ${form.error.issues[0]?.message}`);
      const { id_token: idToken, state } = form.data;
      const cookieName = stateCookieName(state);
      const { platform, claims, message, attemptNumber } = await launches.verify(idToken, state, req.cookies[cookieName]);
      reply.clearCookie(cookieName, { path: stateCookie.path });
      const role = launchRole(claims[LTI_CLAIM.roles]);
      if (!role) throw new LtiError('no_role', `roles ${claims[LTI_CLAIM.roles].join(' ')}`);
      reply.header('cache-control', 'no-store');
      if (message === 'deep_linking') {
        if (role !== 'staff') throw new LtiError('no_role', 'only instructors place exams in a course');
        const user = await accounts.staffAccount(platform, claims);
        const key = await deepLinks.start(platform, claims, user);
        log.info({ platformId: platform.id, userId: user.id }, 'LTI deep linking started');
        return reply.redirect(`${LTI_DEEP_LINK_PAGE}?k=${encodeURIComponent(key)}`, 303);
      }
      if (message === 'end_assessment') {
        const { sessionId } = await proctoring.end(platform, claims, attemptNumber!);
        log.info({ platformId: platform.id, sessionId, attemptNumber }, 'LTI assessment ended by the platform');
        return reply.redirect(LTI_ENDED_PAGE, 303);
      }
      if (message === 'start_proctoring') {
        if (role !== 'learner') throw new LtiError('no_role', 'only learners take proctored attempts');
        const outcome = await proctoring.start(platform, claims, attemptNumber!);
        log.info({ platformId: platform.id, sessionId: outcome.sessionId, attemptNumber }, 'LTI proctoring started');
        return toJourney(reply, outcome);
      }
      if (role === 'learner') {
        const outcome = await accounts.learner(platform, claims);
        log.info({ platformId: platform.id, sessionId: outcome.sessionId }, 'LTI learner launched');
        return toJourney(reply, outcome);
      }
      const { user, examId } = await accounts.staff(platform, claims);
      const session = await auth.openTrustedSession(user, { ip: req.ip, userAgent: req.headers['user-agent'] }, 'auth.lti_login', { platformId: platform.id, examId });
      reply.setCookie(SESSION_COOKIE, session.token, auth.cookieOptions());
      log.info({ platformId: platform.id, userId: user.id, examId }, 'LTI instructor launched');
      return reply.redirect(`/results?examId=${examId}`, 303);
    } catch (err) {
      return refuse(reply, req, err, 'launch');
    }
  });

  // The deep-linking picker (JSON, our own origin: the API's CSRF rule applies).
  const keyParam = (req: FastifyRequest) => String((req.params as { key?: string }).key ?? '');
  app.get(ltiDeepLinkApi.picker.path, { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return deepLinks.picker(keyParam(req));
  });
  app.post(ltiDeepLinkApi.respond.path, { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    const choice = parseBody(deepLinkChoice, req.body);
    reply.header('cache-control', 'no-store');
    return deepLinks.respond(keyParam(req), choice);
  });

  app.get(LTI_PATHS.jwks, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return publishedLtiJwks(db);
  });
};
