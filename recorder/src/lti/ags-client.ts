/**
 * LTI Assignment and Grade Services, tool side (#13): a client-credentials access token
 * (RFC 7523 JWT assertion signed with our key, RS256, audience = the platform's token URL),
 * the "Proctoring" line item of a resource link (found by tag, created when missing), and a
 * score on it. Every failure is an AgsError with a sentence an admin can act on.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { LTI_KEY_ALG, type LtiSigningKey } from './keys.ts';

export const AGS_SCOPES = {
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineitemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;
export const PROCTORING_LINE_ITEM = { label: 'Proctoring', tag: 'proctoring', scoreMaximum: 100 } as const;
const TIMEOUT_MS = 10_000;

export class AgsError extends Error {
  constructor(
    message: string,
    /** false: retrying cannot help (e.g. the platform refuses the scope). */
    readonly retryable = true,
  ) {
    super(message);
  }
}

export interface AgsPlatform {
  clientId: string;
  authTokenUrl: string;
}

async function call(url: string, init: RequestInit, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new AgsError(`${what}: ${url} did not answer (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).slice(0, 300);
    // 4xx other than 408/429: the request itself is wrong (scope, client id, URL); a retry repeats it.
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new AgsError(`${what}: ${url} answered HTTP ${res.status}${text ? ` — ${text}` : ''}`, retryable);
  }
  return res;
}

export async function clientCredentialsToken(platform: AgsPlatform, signing: LtiSigningKey, scopes: string[]): Promise<string> {
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: LTI_KEY_ALG, kid: signing.kid, typ: 'JWT' })
    .setIssuer(platform.clientId)
    .setSubject(platform.clientId)
    .setAudience(platform.authTokenUrl)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(signing.key);
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: scopes.join(' '),
  });
  const res = await call(platform.authTokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body }, 'access token');
  const json = (await res.json().catch(() => null)) as { access_token?: unknown } | null;
  if (typeof json?.access_token !== 'string' || !json.access_token) throw new AgsError(`access token: ${platform.authTokenUrl} sent no access_token`);
  return json.access_token;
}

/** `<url>/<suffix>` keeping the query string where it belongs (Moodle's URLs carry one). */
export function withPath(url: string, suffix: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/${suffix}`;
  return u.toString();
}

/** The resource link's "Proctoring" line item: found by tag (or label), else created. */
export async function ensureProctoringLineItem(lineitemsUrl: string, resourceLinkId: string, token: string, canCreate: boolean): Promise<string> {
  const list = new URL(lineitemsUrl);
  list.searchParams.set('resource_link_id', resourceLinkId);
  const res = await call(list.toString(), { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.ims.lis.v2.lineitemcontainer+json' } }, 'line items');
  const items = (await res.json().catch(() => [])) as { id?: string; tag?: string; label?: string }[];
  const found = Array.isArray(items) ? items.find((i) => i.tag === PROCTORING_LINE_ITEM.tag || i.label === PROCTORING_LINE_ITEM.label) : undefined;
  if (found?.id) return found.id;
  if (!canCreate) throw new AgsError('line items: the platform did not grant the lineitem scope, so the "Proctoring" column cannot be created', false);
  const created = await call(
    lineitemsUrl,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.ims.lis.v2.lineitem+json', accept: 'application/vnd.ims.lis.v2.lineitem+json' },
      body: JSON.stringify({ ...PROCTORING_LINE_ITEM, resourceLinkId }),
    },
    'create line item',
  );
  const item = (await created.json().catch(() => null)) as { id?: unknown } | null;
  if (typeof item?.id !== 'string') throw new AgsError('create line item: the platform sent no id');
  return item.id;
}

export interface AgsScore {
  userId: string;
  /** 0–100; null = not computed yet (sent as pending, without a score). */
  scoreGiven: number | null;
  comment: string;
  timestamp: Date;
}

export async function postScore(lineitemUrl: string, score: AgsScore, token: string): Promise<void> {
  const body = {
    userId: score.userId,
    ...(score.scoreGiven === null ? {} : { scoreGiven: score.scoreGiven, scoreMaximum: PROCTORING_LINE_ITEM.scoreMaximum }),
    comment: score.comment,
    timestamp: score.timestamp.toISOString(),
    activityProgress: 'Completed',
    gradingProgress: score.scoreGiven === null ? 'Pending' : 'FullyGraded',
  };
  await call(withPath(lineitemUrl, 'scores'), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.ims.lis.v1.score+json' }, body: JSON.stringify(body) }, 'score');
}
