/**
 * LTI 1.3 launches (#13), the security half: OIDC third-party login initiation and the
 * id_token check. Login: the platform is found by iss (+ client_id), the deployment and
 * target checked, a one-use state + nonce stored (lti_nonces) and the browser sent to the
 * platform's auth URL. Launch: the state must be this browser's (cookie) and still unused,
 * the id_token signed by the platform's JWKS (jose's remote key set: cached, refetched on an
 * unknown kid, so the platform's key rotation just works), for our client id (aud/azp),
 * within exp/iat, with the state's nonce, a registered deployment, and an LTI 1.3.0
 * resource-link message. What a verified launch leads to is lti-accounts.service.ts's.
 * Proctoring Services messages (LtiStartProctoring, LtiEndAssessment) pass the same checks,
 * plus their own claims: a positive integer attempt_number, and for a start the resource
 * link and an http(s) start_assessment_url (lti-proctoring.service.ts takes it from there).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { consumeLtiNonce, deleteExpiredLtiNonces, findLtiPlatforms, getLtiPlatform, insertLtiNonce, type DB, type LtiPlatform } from '@proctor/db';
import {
  LTI_CLAIM,
  LTI_CLOCK_TOLERANCE_SECONDS,
  LTI_MAX_TOKEN_LIFETIME_SECONDS,
  LTI_PATHS,
  LTI_STATE_TTL_SECONDS,
  ltiLaunchClaims,
  type LtiLaunchClaims,
  type LtiLoginParams,
  type LtiRefusal,
} from '../contract/api/lti.ts';

/** A refused login or launch: the reason for the page, the detail for the log only. */
export class LtiError extends Error {
  constructor(
    readonly reason: LtiRefusal,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface VerifiedLaunch {
  platform: LtiPlatform;
  claims: LtiLaunchClaims;
  /**
   * An exam launch, an instructor placing one in the course (LtiDeepLinkingRequest), or a
   * proctoring start / end (LtiStartProctoring / LtiEndAssessment; `attemptNumber` is set).
   */
  message: 'resource_link' | 'deep_linking' | 'start_proctoring' | 'end_assessment';
  attemptNumber?: number;
}

export interface LtiLaunchServiceDeps {
  db: Kysely<DB>;
  publicOrigin: string;
  log: Logger;
  now?: () => Date;
}

export const JWKS_COOLDOWN_MS = 5000;
const RESOURCE_LINK_REQUEST = 'LtiResourceLinkRequest';
const DEEP_LINKING_REQUEST = 'LtiDeepLinkingRequest';
const START_PROCTORING = 'LtiStartProctoring';
const END_ASSESSMENT = 'LtiEndAssessment';
const MESSAGE_TYPES: readonly unknown[] = [RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST, START_PROCTORING, END_ASSESSMENT];
const LTI_VERSION = '1.3.0';

/** The cookie binding a login's state to the browser that started it (one per state). */
export function stateCookieName(state: string): string {
  return `proctor_lti_${createHash('sha256').update(state).digest('hex').slice(0, 16)}`;
}

export class LtiLaunchService {
  readonly #keySets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly deps: LtiLaunchServiceDeps) {}

  get launchUrl(): string {
    return `${this.deps.publicOrigin}${LTI_PATHS.launch}`;
  }

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The platform's auth URL to redirect to, and the state to bind to the browser. */
  async login(params: LtiLoginParams): Promise<{ redirectUrl: string; state: string }> {
    const platforms = await findLtiPlatforms(this.deps.db, params.iss, params.client_id);
    if (platforms.length === 0) throw new LtiError('unknown_platform', `no live platform for iss=${params.iss} client_id=${params.client_id ?? '(none)'}`);
    if (platforms.length > 1) throw new LtiError('unknown_platform', `several platforms for iss=${params.iss}; the platform must send client_id`);
    const platform = platforms[0]!;
    if (params.lti_deployment_id !== undefined && !platform.deploymentIds.includes(params.lti_deployment_id)) {
      throw new LtiError('unknown_deployment', `deployment ${params.lti_deployment_id} is not registered for platform ${platform.id}`);
    }
    // The launch always comes back to our own launch URL: a target elsewhere would make this an open redirect.
    if (!sameOrigin(params.target_link_uri, this.deps.publicOrigin)) {
      throw new LtiError('bad_request', `target_link_uri ${params.target_link_uri} is not on ${this.deps.publicOrigin}`);
    }
    const now = this.#now();
    await deleteExpiredLtiNonces(this.deps.db, now);
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    await insertLtiNonce(this.deps.db, {
      state,
      nonce,
      platformId: platform.id,
      targetLinkUri: params.target_link_uri,
      expiresAt: new Date(now.getTime() + LTI_STATE_TTL_SECONDS * 1000),
    });
    const url = new URL(platform.authLoginUrl);
    const q = url.searchParams;
    q.set('scope', 'openid');
    q.set('response_type', 'id_token');
    q.set('response_mode', 'form_post');
    q.set('prompt', 'none');
    q.set('client_id', platform.clientId);
    q.set('redirect_uri', this.launchUrl);
    q.set('login_hint', params.login_hint);
    if (params.lti_message_hint !== undefined) q.set('lti_message_hint', params.lti_message_hint);
    q.set('state', state);
    q.set('nonce', nonce);
    return { redirectUrl: url.toString(), state };
  }

  /** The verified launch of this id_token; `cookieState` is what the browser's state cookie holds. */
  async verify(idToken: string, state: string, cookieState: string | undefined): Promise<VerifiedLaunch> {
    if (cookieState !== state) throw new LtiError('state_mismatch', cookieState ? 'state cookie holds another state' : 'no state cookie in this browser');
    const pending = await consumeLtiNonce(this.deps.db, state);
    if (!pending) throw new LtiError('state_mismatch', 'state unknown or already used');
    const now = this.#now();
    if (pending.expiresAt.getTime() < now.getTime()) throw new LtiError('state_mismatch', 'state expired');
    const platform = await getLtiPlatform(this.deps.db, pending.platformId);
    if (!platform || platform.archivedAt) throw new LtiError('unknown_platform', `platform ${pending.platformId} is gone or archived`);

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.#keySet(platform.jwksUrl), {
        issuer: platform.issuer,
        audience: platform.clientId,
        algorithms: ['RS256', 'RS384', 'RS512'],
        clockTolerance: LTI_CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
        requiredClaims: ['exp', 'iat', 'sub', 'nonce'],
      }));
    } catch (err) {
      throw refusal(err);
    }
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (payload.iat! > nowSeconds + LTI_CLOCK_TOLERANCE_SECONDS) throw new LtiError('not_yet_valid', `iat ${payload.iat} is in the future`);
    if (payload.exp! - payload.iat! > LTI_MAX_TOKEN_LIFETIME_SECONDS) throw new LtiError('expired', `token lifetime ${payload.exp! - payload.iat!} s is too long`);
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    // OIDC core 3.1.3.7: with several audiences azp must be present; when present it must be us.
    if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== platform.clientId) {
      throw new LtiError('wrong_audience', `azp ${String(payload.azp)} is not client ${platform.clientId}`);
    }
    if (payload.nonce !== pending.nonce) throw new LtiError('nonce_invalid', 'nonce is not the one issued with this state (replayed or forged)');
    const deployment = payload[LTI_CLAIM.deploymentId];
    if (typeof deployment !== 'string' || !platform.deploymentIds.includes(deployment)) {
      throw new LtiError('unknown_deployment', `deployment ${String(deployment)} is not registered for platform ${platform.id}`);
    }
    const type = payload[LTI_CLAIM.messageType];
    if (!MESSAGE_TYPES.includes(type)) throw new LtiError('wrong_message', `message type ${String(type)}`);
    if (payload[LTI_CLAIM.version] !== LTI_VERSION) throw new LtiError('wrong_message', `LTI version ${String(payload[LTI_CLAIM.version])}`);
    const parsed = ltiLaunchClaims.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new LtiError('claims_invalid', `${issue.path.join('.') || 'claims'}: ${issue.message}`);
    }
    const claims = parsed.data;
    if (type === RESOURCE_LINK_REQUEST) {
      if (!claims[LTI_CLAIM.resourceLink]) throw new LtiError('claims_invalid', 'resource_link: required');
      return { platform, claims, message: 'resource_link' };
    }
    if (type === START_PROCTORING || type === END_ASSESSMENT) {
      if (!claims[LTI_CLAIM.resourceLink]) throw new LtiError('claims_invalid', 'resource_link: required');
      const attemptNumber = parseAttemptNumber(claims[LTI_CLAIM.attemptNumber]);
      if (type === END_ASSESSMENT) return { platform, claims, message: 'end_assessment', attemptNumber };
      if (!claims[LTI_CLAIM.startAssessmentUrl]) throw new LtiError('claims_invalid', 'start_assessment_url: required');
      return { platform, claims, message: 'start_proctoring', attemptNumber };
    }
    const settings = claims[LTI_CLAIM.deepLinkingSettings];
    if (!settings) throw new LtiError('claims_invalid', 'deep_linking_settings: required');
    if (!settings.accept_types.includes('ltiResourceLink')) throw new LtiError('wrong_message', `deep linking accepts ${settings.accept_types.join(', ')}, not ltiResourceLink`);
    return { platform, claims, message: 'deep_linking' };
  }

  #keySet(url: string): JWTVerifyGetKey {
    let set = this.#keySets.get(url);
    if (!set) {
      // Keys are cached for 10 min; an unknown kid (the platform rotated) refetches, at most
      // once per JWKS_COOLDOWN_MS, so forged kids cannot make us hammer the platform.
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: JWKS_COOLDOWN_MS, cacheMaxAge: 10 * 60_000 });
      this.#keySets.set(url, set);
    }
    return set;
  }
}

/** The spec's attempt_number is an integer ≥ 1; some platforms send it as a numeric string. */
export function parseAttemptNumber(raw: unknown): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9]{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1_000_000) throw new LtiError('attempt_invalid', `attempt_number ${JSON.stringify(raw) ?? 'missing'} is not a positive integer`);
  return n;
}

function sameOrigin(value: string, origin: string): boolean {
  try {
    return new URL(value).origin === origin;
  } catch {
    return false;
  }
}

function refusal(err: unknown): LtiError {
  if (err instanceof errors.JWTExpired) return new LtiError('expired', err.message);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new LtiError('wrong_issuer', err.message);
    if (err.claim === 'aud') return new LtiError('wrong_audience', err.message);
    if (err.claim === 'nbf' || err.claim === 'iat') return new LtiError('not_yet_valid', err.message);
    if (err.claim === 'nonce') return new LtiError('nonce_invalid', err.message);
    return new LtiError('claims_invalid', `${err.claim}: ${err.message}`);
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return new LtiError('keys_unavailable', err.message);
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JOSEAlgNotAllowed ||
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new LtiError('bad_signature', err.message);
  }
  if (err instanceof errors.JOSEError) {
    if (err.code === 'ERR_JOSE_GENERIC') return new LtiError('keys_unavailable', err.message);
    return new LtiError('bad_request', `id_token: ${err.message}`);
  }
  // A JWKS URL that does not answer surfaces as a fetch error.
  if (err instanceof TypeError || (err as { name?: string })?.name === 'AbortError') return new LtiError('keys_unavailable', String((err as Error).message));
  return new LtiError('bad_request', err instanceof Error ? err.message : String(err));
}
