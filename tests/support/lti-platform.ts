/**
 * A test LMS speaking LTI 1.3 on loopback (#13): its own RSA keys (jose) published at a real
 * JWKS endpoint, an OIDC auth endpoint that answers the tool's login redirect with an
 * auto-posting id_token form (as Moodle and Canvas do), an OAuth2 token endpoint that checks
 * the tool's client-credentials JWT against the tool's own JWKS URL, and AGS line-item and
 * score endpoints that accept only its own bearer tokens. Everything it received is kept for
 * the tests to assert on.
 *
 * It also gates a quiz on proctoring (1EdTech Proctoring Services): `startProctoring` makes
 * the claims of an LtiStartProctoring launch (attempt, session_data it remembers, its
 * start_assessment_url); that endpoint takes the tool's form-posted LtiStartAssessment,
 * verifies it against the tool's JWKS (iss = our client id, aud = this issuer, message type,
 * deployment, the attempt's session_data and resource link) and records the outcome; a valid
 * one opens the "quiz" page, whose hand-in starts an LtiEndAssessment launch at the tool.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export const LTI = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  scopeLineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  scopeScore: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  attemptNumber: 'https://purl.imsglobal.org/spec/lti-ap/claim/attempt_number',
  startAssessmentUrl: 'https://purl.imsglobal.org/spec/lti-ap/claim/start_assessment_url',
  sessionData: 'https://purl.imsglobal.org/spec/lti-ap/claim/session_data',
  endAssessmentReturn: 'https://purl.imsglobal.org/spec/lti-ap/claim/end_assessment_return',
} as const;

/** What the platform's start_assessment_url made of one LtiStartAssessment it received. */
export interface ReceivedStartAssessment {
  valid: boolean;
  /** Why it was refused (valid = false). */
  error?: string;
  jwt: string;
  payload?: Record<string, unknown>;
}

export interface LaunchUser {
  sub: string;
  name?: string;
  email?: string;
  roles: string[];
  resourceLinkId?: string;
  custom?: Record<string, string>;
  /** Overrides/extra claims (tests of refusals). */
  extra?: Record<string, unknown>;
}

export interface SignOptions {
  nonce: string;
  aud?: string | string[];
  iss?: string;
  iat?: number;
  exp?: number;
  deploymentId?: string;
  /** Sign with another key that the JWKS does not have (a forgery). */
  forged?: boolean;
}

export interface ReceivedScore {
  lineitem: string;
  body: Record<string, unknown>;
  bearer: string;
}

export interface LtiTestPlatform {
  url: string;
  issuer: string;
  clientId: string;
  deploymentId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  lineitemsUrl: string;
  /** What the tool's login redirect will launch: the user whose login_hint it carries. */
  prepare(user: LaunchUser): string;
  /** The URL that starts a launch at the tool (what the LMS's link points to). */
  loginUrl(toolOrigin: string, loginHint: string): string;
  signIdToken(toolOrigin: string, user: LaunchUser, opts: SignOptions): Promise<string>;
  rotateKey(): Promise<void>;
  /** Tool's JWKS URL (the token endpoint verifies client assertions with it). */
  setToolJwksUrl(url: string): void;
  /** Make the AGS endpoints answer with this status (0 = normal). */
  failScoresWith(status: number): void;
  scores: ReceivedScore[];
  lineitems: { id: string; label: string; tag?: string; resourceLinkId?: string; scoreMaximum: number }[];
  tokensIssued: { scope: string; clientId: string }[];
  /** JWTs posted back to `<url>/deep-link-return` (LtiDeepLinkingResponse). */
  deepLinkResponses: string[];
  /**
   * The claims of an LtiStartProctoring launch (as `extra` of a LaunchUser) for this attempt;
   * the platform remembers its session_data (random unless given) to check the answer.
   */
  startProctoring(opts: { sub: string; attempt: number | string; resourceLinkId?: string; sessionData?: string | number }): Record<string, unknown>;
  /** The claims of an LtiEndAssessment launch of that attempt. */
  endAssessment(opts: { attempt: number; resourceLinkId?: string; sessionData?: string | number }): Record<string, unknown>;
  /** LtiStartAssessment messages the tool posted to the start_assessment_url, in order. */
  startAssessments: ReceivedStartAssessment[];
  startAssessmentUrl: string;
  /** Where the quiz page's hand-in sends the browser (the tool's login with an end-assessment hint); set by the test. */
  setQuizEnd(url: string | null): void;
  close(): Promise<void>;
}

const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startLtiPlatform(opts: { clientId?: string; deploymentId?: string } = {}): Promise<LtiTestPlatform> {
  const clientId = opts.clientId ?? `client-${randomBytes(4).toString('hex')}`;
  const deploymentId = opts.deploymentId ?? 'deployment-1';
  const keys: { kid: string; privateKey: PrivateKey; publicJwk: JWK }[] = [];
  const newKey = async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `k-${randomBytes(4).toString('hex')}`;
    keys.unshift({ kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
  };
  await newKey();
  const forger = await generateKeyPair('RS256');
  const prepared = new Map<string, LaunchUser>();
  const tokens = new Map<string, string>(); // access token → scope
  const scores: ReceivedScore[] = [];
  const lineitems: LtiTestPlatform['lineitems'] = [];
  const tokensIssued: LtiTestPlatform['tokensIssued'] = [];
  const deepLinkResponses: string[] = [];
  const startAssessments: ReceivedStartAssessment[] = [];
  // session_data handed out per resource link + attempt, as a platform keeps its proctoring sessions.
  const issued = new Map<string, { sessionData: string | number; attempt: number; sub: string }>();
  let quizEnd: string | null = null;
  let toolJwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  let failStatus = 0;
  let base = '';

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => resolve(data));
      req.on('error', reject);
    });
  const send = (res: http.ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const bearer = (req: http.IncomingMessage, scope: string): string | null => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return null;
    const granted = tokens.get(token);
    return granted?.split(' ').includes(scope) ? token : null;
  };

  const platform: LtiTestPlatform = {
    url: '',
    issuer: '',
    clientId,
    deploymentId,
    authUrl: '',
    tokenUrl: '',
    jwksUrl: '',
    lineitemsUrl: '',
    scores,
    lineitems,
    tokensIssued,
    deepLinkResponses,
    startAssessments,
    startAssessmentUrl: '',
    startProctoring({ sub, attempt, resourceLinkId = 'rl-1', sessionData }) {
      const data = sessionData ?? `sd-${randomBytes(8).toString('hex')}`;
      issued.set(`${resourceLinkId}/${String(attempt)}`, { sessionData: data, attempt: Number(attempt), sub });
      return {
        [LTI.messageType]: 'LtiStartProctoring',
        [LTI.resourceLink]: { id: resourceLinkId, title: 'Proctored quiz' },
        [LTI.attemptNumber]: attempt,
        [LTI.startAssessmentUrl]: platform.startAssessmentUrl,
        [LTI.sessionData]: data,
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': undefined,
      };
    },
    endAssessment({ attempt, resourceLinkId = 'rl-1', sessionData }) {
      return {
        [LTI.messageType]: 'LtiEndAssessment',
        [LTI.resourceLink]: { id: resourceLinkId, title: 'Proctored quiz' },
        [LTI.attemptNumber]: attempt,
        ...(sessionData !== undefined ? { [LTI.sessionData]: sessionData } : {}),
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': undefined,
      };
    },
    setQuizEnd(url) {
      quizEnd = url;
    },
    prepare(user) {
      const hint = `hint-${randomUUID()}`;
      prepared.set(hint, user);
      return hint;
    },
    loginUrl(toolOrigin, loginHint) {
      const u = new URL('/lti/login', toolOrigin);
      u.searchParams.set('iss', platform.issuer);
      u.searchParams.set('login_hint', loginHint);
      u.searchParams.set('target_link_uri', `${toolOrigin}/lti/launch`);
      u.searchParams.set('lti_message_hint', 'msg-hint');
      u.searchParams.set('client_id', clientId);
      u.searchParams.set('lti_deployment_id', deploymentId);
      return u.toString();
    },
    async signIdToken(toolOrigin, user, o) {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        nonce: o.nonce,
        name: user.name,
        email: user.email,
        locale: 'en',
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
        'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
        'https://purl.imsglobal.org/spec/lti/claim/deployment_id': o.deploymentId ?? deploymentId,
        'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': `${toolOrigin}/lti/launch`,
        'https://purl.imsglobal.org/spec/lti/claim/resource_link': { id: user.resourceLinkId ?? 'rl-1', title: 'Proctored final' },
        'https://purl.imsglobal.org/spec/lti/claim/roles': user.roles,
        'https://purl.imsglobal.org/spec/lti/claim/context': { id: 'course-7', title: 'Ecology 101', label: 'ECO101' },
        'https://purl.imsglobal.org/spec/lti/claim/custom': user.custom ?? {},
        'https://purl.imsglobal.org/spec/lti/claim/launch_presentation': { return_url: `${base}/course/7`, locale: 'en' },
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
          scope: [LTI.scopeLineitem, LTI.scopeScore],
          lineitems: `${base}/lineitems?course=7`,
        },
        ...user.extra,
      };
      const key = o.forged ? { kid: keys[0]!.kid, privateKey: forger.privateKey } : keys[0]!;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(o.iss ?? platform.issuer)
        .setAudience(o.aud ?? clientId)
        .setSubject(user.sub)
        .setIssuedAt(o.iat ?? now)
        .setExpirationTime(o.exp ?? now + 300)
        .sign(key.privateKey);
    },
    async rotateKey() {
      await newKey();
    },
    setToolJwksUrl(url) {
      toolJwks = createRemoteJWKSet(new URL(url));
    },
    failScoresWith(status) {
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/jwks') return send(res, 200, { keys: keys.map((k) => k.publicJwk) });
      if (url.pathname === '/auth') {
        // OIDC auth request from the tool's login redirect: check it, then auto-post the id_token.
        const q = url.searchParams;
        const user = prepared.get(q.get('login_hint') ?? '');
        const problems = [
          q.get('scope') !== 'openid' && 'scope',
          q.get('response_type') !== 'id_token' && 'response_type',
          q.get('response_mode') !== 'form_post' && 'response_mode',
          q.get('client_id') !== clientId && 'client_id',
          !q.get('nonce') && 'nonce',
          !q.get('state') && 'state',
          !user && 'login_hint',
        ].filter(Boolean);
        if (problems.length) return send(res, 400, `bad auth request: ${problems.join(', ')}`, 'text/plain');
        const redirect = q.get('redirect_uri')!;
        const idToken = await platform.signIdToken(new URL(redirect).origin, user!, { nonce: q.get('nonce')! });
        const html = `<!doctype html><html><body><form id="f" method="post" action="${escapeHtml(redirect)}">
<input type="hidden" name="id_token" value="${escapeHtml(idToken)}"><input type="hidden" name="state" value="${escapeHtml(q.get('state')!)}">
</form><script>document.getElementById('f').submit()</script></body></html>`;
        return send(res, 200, html, 'text/html; charset=utf-8');
      }
      if (url.pathname === '/deep-link-return' && req.method === 'POST') {
        const jwt = new URLSearchParams(await readBody(req)).get('JWT') ?? '';
        deepLinkResponses.push(jwt);
        return send(res, 200, '<!doctype html><p id="placed">placed</p>', 'text/html; charset=utf-8');
      }
      if (url.pathname === '/start-assessment' && req.method === 'POST') {
        const jwt = new URLSearchParams(await readBody(req)).get('JWT') ?? '';
        const refuse = (error: string) => {
          startAssessments.push({ valid: false, error, jwt });
          return send(res, 400, `start assessment refused: ${error}`, 'text/plain');
        };
        if (!toolJwks) return refuse('tool JWKS unknown');
        let payload: Record<string, unknown>;
        try {
          ({ payload } = await jwtVerify(jwt, toolJwks, { issuer: clientId, audience: platform.issuer, algorithms: ['RS256'], requiredClaims: ['iat', 'exp', 'nonce'] }));
        } catch (err) {
          return refuse(`signature/claims: ${(err as Error).message}`);
        }
        if (payload[LTI.messageType] !== 'LtiStartAssessment') return refuse(`message type ${String(payload[LTI.messageType])}`);
        if (payload['https://purl.imsglobal.org/spec/lti/claim/version'] !== '1.3.0') return refuse('version');
        if (payload[LTI.deploymentId] !== deploymentId) return refuse(`deployment ${String(payload[LTI.deploymentId])}`);
        const link = payload[LTI.resourceLink] as { id?: string } | undefined;
        const session = issued.get(`${link?.id}/${String(payload[LTI.attemptNumber])}`);
        if (!session) return refuse(`no proctoring session for link ${link?.id} attempt ${String(payload[LTI.attemptNumber])}`);
        if (payload[LTI.sessionData] !== session.sessionData) return refuse('session_data mismatch');
        startAssessments.push({ valid: true, jwt, payload });
        const end = quizEnd ? `<a id="hand-in" href="${escapeHtml(quizEnd)}">Hand in</a>` : '';
        return send(res, 200, `<!doctype html><html><body><h1 id="platform-quiz">Quiz, attempt ${session.attempt}</h1>${end}</body></html>`, 'text/html; charset=utf-8');
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
        if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return send(res, 400, { error: 'invalid_request' });
        if (!toolJwks) return send(res, 500, { error: 'tool JWKS unknown' });
        try {
          await jwtVerify(form.get('client_assertion') ?? '', toolJwks, { issuer: clientId, subject: clientId, audience: platform.tokenUrl, algorithms: ['RS256'] });
        } catch (err) {
          return send(res, 401, { error: 'invalid_client', error_description: (err as Error).message });
        }
        const token = randomBytes(24).toString('base64url');
        const scope = form.get('scope') ?? '';
        tokens.set(token, scope);
        tokensIssued.push({ scope, clientId });
        return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope });
      }
      if (url.pathname === '/lineitems') {
        if (failStatus) return send(res, failStatus, { error: 'failing on purpose' });
        if (req.method === 'GET') {
          if (!bearer(req, LTI.scopeLineitem)) return send(res, 401, { error: 'no valid bearer' });
          const rl = url.searchParams.get('resource_link_id');
          return send(res, 200, lineitems.filter((i) => !rl || i.resourceLinkId === rl));
        }
        if (req.method === 'POST') {
          if (!bearer(req, LTI.scopeLineitem)) return send(res, 401, { error: 'no valid bearer' });
          const body = JSON.parse(await readBody(req)) as Omit<LtiTestPlatform['lineitems'][number], 'id'>;
          const item = { ...body, id: `${base}/lineitems/${lineitems.length + 1}?course=7` };
          lineitems.push(item);
          return send(res, 201, item);
        }
      }
      const scoreMatch = /^\/lineitems\/(\d+)\/scores$/.exec(url.pathname);
      if (scoreMatch && req.method === 'POST') {
        if (failStatus) return send(res, failStatus, { error: 'failing on purpose' });
        const token = bearer(req, LTI.scopeScore);
        if (!token) return send(res, 401, { error: 'no valid bearer' });
        if (req.headers['content-type'] !== 'application/vnd.ims.lis.v1.score+json') return send(res, 415, { error: 'score media type' });
        scores.push({ lineitem: `${base}/lineitems/${scoreMatch[1]}?course=7`, body: JSON.parse(await readBody(req)) as Record<string, unknown>, bearer: token });
        return send(res, 200, {});
      }
      send(res, 404, 'not found', 'text/plain');
    })().catch((err: unknown) => send(res, 500, String(err), 'text/plain'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(platform, {
    url: base,
    issuer: base,
    authUrl: `${base}/auth`,
    tokenUrl: `${base}/token`,
    jwksUrl: `${base}/jwks`,
    lineitemsUrl: `${base}/lineitems?course=7`,
    startAssessmentUrl: `${base}/start-assessment`,
  });
  return platform;
}
