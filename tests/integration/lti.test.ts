/**
 * The LTI 1.3 tool against a test platform on loopback (#13), real PostgreSQL and Redis:
 * platforms registered through the admin API, our JWKS and its rotation, login initiation →
 * launch for a learner (candidate + session, candidate token) and an instructor (proctor
 * account, assigned, signed in); forged signature, wrong audience, replayed state and nonce,
 * unknown deployment, expired token, another browser → refused with their reason and nothing
 * created; then the AGS score reaches the platform with a bearer token it issued for our
 * client-credentials assertion, and a failing platform shows up on the admin page.
 * Proctoring Services: a StartProctoring launch opens the journey, the StartAssessment comes
 * only once live, signed, with the platform's session_data (the platform checks it with our
 * JWKS); forged, mis-numbered, replayed and re-sessioned starts are refused, and
 * EndAssessment or the session's finish ends the attempt.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { TestDatabase } from '@proctor/db/testing';
import { createExam, ensureDiscipline, MEDIA_DEMO_ADMIN_EMAIL, type MediaDemo } from '@proctor/db';
import { queueLtiScore, sweepOverdueSessions, type JobQueue } from '@proctor/recorder';
import type { EventBus } from '../../signaling/src/events/event-bus.ts';
import { JWKS_COOLDOWN_MS } from '../../signaling/src/services/lti-launch.service.ts';
import { verifyToken } from '../../signaling/src/auth/token.ts';
import { ltiApi, type AdminLtiOverview, type AdminLtiPlatformDetail } from '../../signaling/src/contract/api/lti.ts';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { LTI, type LaunchUser, type LtiTestPlatform } from '../support/lti-platform.ts';
import { startLtiTool, TOOL, until, type LightMyRequestResponse, type LtiTool } from '../support/lti-tool.ts';

describe('LTI 1.3 tool', () => {
  let tool: LtiTool;
  let t: TestDatabase;
  let demo: MediaDemo;
  let app: LtiTool['app'];
  let queue: JobQueue;
  let events: EventBus;
  let platform: LtiTestPlatform;
  let secret: string;
  let platformId: string;
  beforeAll(async () => {
    tool = await startLtiTool();
    ({ t, demo, app, queue, events, platform, secret } = tool);
  });
  afterAll(() => tool?.close());
  const api: LtiTool['api'] = (...args) => tool.api(...args);
  const count: LtiTool['count'] = (table) => tool.count(table);
  const startLogin: LtiTool['startLogin'] = (hint) => tool.startLogin(hint);
  const post: LtiTool['post'] = (...args) => tool.post(...args);
  const launch: LtiTool['launch'] = (...args) => tool.launch(...args);
  const refusedWith: LtiTool['refusedWith'] = (res, reason) => tool.refusedWith(res, reason);
  const learner: LtiTool['learner'] = (...args) => tool.learner(...args);

  it('registers a platform (admins only, validated) and shows what to paste into the LMS', async () => {
    const input = {
      name: 'Test Moodle',
      issuer: platform.issuer,
      clientId: platform.clientId,
      authLoginUrl: platform.authUrl,
      authTokenUrl: platform.tokenUrl,
      jwksUrl: platform.jwksUrl,
      deploymentIds: [platform.deploymentId],
    };
    const bad = await api('POST', ltiApi.createPlatform.path, { ...input, jwksUrl: 'ftp://x' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'jwksUrl');
    const created = await api('POST', ltiApi.createPlatform.path, input);
    assert.equal(created.statusCode, 201, created.body);
    platformId = (created.json() as { platform: AdminLtiPlatformDetail }).platform.id;
    const again = await api('POST', ltiApi.createPlatform.path, input);
    assert.equal(again.statusCode, 409);
    const overview = (await api('GET', ltiApi.overview.path)).json() as AdminLtiOverview;
    assert.equal(overview.tool.loginUrl, `${TOOL}/lti/login`);
    assert.equal(overview.tool.launchUrl, `${TOOL}/lti/launch`);
    assert.equal(overview.tool.jwksUrl, `${TOOL}/.well-known/jwks.json`);
    assert.deepEqual(overview.tool.redirectUris, [`${TOOL}/lti/launch`]);
    assert.equal(overview.platforms.length, 1);
    const proctorOnly = await app.inject({ method: 'GET', url: ltiApi.overview.path });
    assert.equal(proctorOnly.statusCode, 401);
  });

  it('publishes our public keys; a rotation keeps the previous key published', async () => {
    const jwks = async () => (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: { kid: string; n: string; d?: string }[] };
    const first = await jwks();
    assert.equal(first.keys.length, 1);
    assert.equal(first.keys[0]!.d, undefined, 'no private part');
    const rotated = await api('POST', ltiApi.rotateKey.path);
    assert.equal(rotated.statusCode, 200, rotated.body);
    const second = await jwks();
    assert.deepEqual(second.keys.map((k) => k.kid), [rotated.json().tool.activeKid, first.keys[0]!.kid]);
    assert.equal(rotated.json().tool.previousKid, first.keys[0]!.kid);
  });

  it('refuses a login from an unknown platform or deployment, or pointing elsewhere', async () => {
    const url = new URL(platform.loginUrl(TOOL, 'h'));
    url.searchParams.set('iss', 'https://other.lms.test');
    refusedWith(await app.inject({ method: 'GET', url: url.pathname + url.search }), 'unknown_platform');
    const dep = new URL(platform.loginUrl(TOOL, 'h'));
    dep.searchParams.set('lti_deployment_id', 'nope');
    refusedWith(await app.inject({ method: 'GET', url: dep.pathname + dep.search }), 'unknown_deployment');
    const target = new URL(platform.loginUrl(TOOL, 'h'));
    target.searchParams.set('target_link_uri', 'https://evil.test/');
    refusedWith(await app.inject({ method: 'GET', url: target.pathname + target.search }), 'bad_request');
    refusedWith(await app.inject({ method: 'GET', url: '/lti/login' }), 'bad_request');
    // Platforms may also POST the initiation as a form.
    const form = new URL(platform.loginUrl(TOOL, 'h')).searchParams.toString();
    const posted = await app.inject({ method: 'POST', url: '/lti/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });
    assert.equal(posted.statusCode, 302, posted.body);
    assert.ok(String(posted.headers.location).startsWith(platform.authUrl));
  });

  it('sends the login to the platform with state and nonce, and a learner launch opens the candidate journey', async () => {
    const { location } = await startLogin('h-1');
    const q = location.searchParams;
    assert.equal(q.get('response_type'), 'id_token');
    assert.equal(q.get('response_mode'), 'form_post');
    assert.equal(q.get('scope'), 'openid');
    assert.equal(q.get('prompt'), 'none');
    assert.equal(q.get('client_id'), platform.clientId);
    assert.equal(q.get('redirect_uri'), `${TOOL}/lti/launch`);
    assert.equal(q.get('login_hint'), 'h-1');
    assert.equal(q.get('lti_message_hint'), 'msg-hint');

    const before = await count('candidates');
    const res = await launch(learner(1));
    assert.equal(res.statusCode, 303, res.body);
    const to = new URL(res.headers.location as string, TOOL);
    assert.equal(to.pathname, '/exam');
    const claims = verifyToken(to.searchParams.get('token'), secret);
    assert.equal(claims.role, 'candidate');
    const session = await t.db.selectFrom('examSessions').selectAll().where('id', '=', (claims as { sessionId: string }).sessionId).executeTakeFirstOrThrow();
    assert.equal(session.examId, demo.examId);
    assert.equal(session.returnUrl, `${platform.url}/course/7`);
    const candidate = await t.db.selectFrom('candidates').selectAll().where('id', '=', session.candidateId).executeTakeFirstOrThrow();
    assert.equal(candidate.fullName, 'Ерланқызы Дана 1');
    assert.equal(candidate.email, 'dana1@uni.test');
    assert.equal(candidate.iin, null);
    assert.equal(candidate.iinSource, 'lti');
    assert.equal(await count('candidates'), before + 1);
    // The same person again: the same candidate and session; the link is now mapped to the exam.
    const again = await launch(learner(1, { custom: {} }));
    const againClaims = verifyToken(new URL(again.headers.location as string, TOOL).searchParams.get('token'), secret) as { sessionId: string };
    assert.equal(againClaims.sessionId, session.id);
    assert.equal(await count('candidates'), before + 1);
    const target = await t.db.selectFrom('ltiGradeTargets').selectAll().where('sessionId', '=', session.id).executeTakeFirstOrThrow();
    assert.equal(target.lineitemsUrl, platform.lineitemsUrl);
    assert.equal(target.sub, 'student-1');
  });

  it('an instructor launch signs a proctor in, assigned to the exam, on its results', async () => {
    const users = await count('users');
    const res = await launch({ sub: 'teacher-1', name: 'Teacher One', email: 'teacher1@uni.test', roles: [LTI.instructor], resourceLinkId: 'rl-1' });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `/results?examId=${demo.examId}`);
    const session = res.cookies.find((c: { name: string }) => c.name === 'proctor_session');
    assert.ok(session?.httpOnly, 'an httpOnly session cookie');
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `proctor_session=${session.value}` } });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().user.role, 'proctor');
    assert.equal(me.json().user.email, 'teacher1@uni.test');
    assert.equal(await count('users'), users + 1);
    const assigned = await t.db.selectFrom('examProctors').select('userId').where('examId', '=', demo.examId).where('userId', '=', me.json().user.id).execute();
    assert.equal(assigned.length, 1);
    // An e-mail of an admin account is not taken over by a launch.
    const admin = await launch({ sub: 'teacher-2', email: MEDIA_DEMO_ADMIN_EMAIL, roles: [LTI.instructor] });
    refusedWith(admin, 'account_conflict');
  });

  it('refuses forged, mis-addressed, replayed, foreign-deployment and expired launches, creating nothing', async () => {
    const candidates = await count('candidates');
    const sessions = await count('examSessions');
    const now = Math.floor(Date.now() / 1000);
    refusedWith(await launch(learner(2), { forged: true }), 'bad_signature');
    refusedWith(await launch(learner(2), { aud: 'someone-else' }), 'wrong_audience');
    refusedWith(await launch(learner(2), { aud: [platform.clientId, 'other'] }), 'wrong_audience'); // several audiences, no azp
    refusedWith(await launch(learner(2), { iss: 'https://other.lms.test' }), 'wrong_issuer');
    refusedWith(await launch(learner(2), { deploymentId: 'deployment-unknown' }), 'unknown_deployment');
    refusedWith(await launch(learner(2), { iat: now - 900, exp: now - 600 }), 'expired');
    refusedWith(await launch(learner(2, { custom: { proctor_exam: '00000000-0000-4000-8000-000000000000' } })), 'no_exam');
    refusedWith(await launch(learner(2, { roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor'] })), 'no_role');
    refusedWith(await launch(learner(2, { extra: { 'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiSubmissionReviewRequest' } })), 'wrong_message');

    // Replays: the same state again, then the same id_token under a fresh state (its nonce is spent).
    const first = await startLogin();
    const idToken = await platform.signIdToken(TOOL, learner(3), { nonce: first.nonce });
    assert.equal((await post(idToken, first.state, first.cookie)).statusCode, 303);
    refusedWith(await post(idToken, first.state, first.cookie), 'state_mismatch');
    const fresh = await startLogin();
    refusedWith(await post(idToken, fresh.state, fresh.cookie), 'nonce_invalid');
    // Another browser (no state cookie), and a form without a token.
    const other = await startLogin();
    refusedWith(await post(await platform.signIdToken(TOOL, learner(4), { nonce: other.nonce }), other.state), 'state_mismatch');
    refusedWith(await app.inject({ method: 'POST', url: '/lti/launch', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'state=x' }), 'bad_request');

    // Only learner 3's valid launch created anything.
    assert.equal(await count('candidates'), candidates + 1);
    assert.equal(await count('examSessions'), sessions + 1);
  });

  it('an erased candidate stays erased: the next launch makes a new candidate', async () => {
    const sessionOf = async (res: LightMyRequestResponse) => {
      const { sessionId } = verifyToken(new URL(res.headers.location as string, TOOL).searchParams.get('token'), secret) as { sessionId: string };
      return t.db.selectFrom('examSessions').select('candidateId').where('id', '=', sessionId).executeTakeFirstOrThrow();
    };
    const first = await sessionOf(await launch(learner(5)));
    await t.db.updateTable('candidates').set({ fullName: 'Erased 5', email: null, erasedAt: new Date() }).where('id', '=', first.candidateId).execute();
    const second = await sessionOf(await launch(learner(5)));
    assert.notEqual(second.candidateId, first.candidateId);
    const erased = await t.db.selectFrom('candidates').select(['fullName', 'email']).where('id', '=', first.candidateId).executeTakeFirstOrThrow();
    assert.deepEqual(erased, { fullName: 'Erased 5', email: null });
  });

  it("follows the platform's key rotation (unknown kid → JWKS fetched again)", async () => {
    await platform.rotateKey();
    // The key set refetches at most once per cooldown; the last fetch was moments ago.
    await new Promise((r) => setTimeout(r, JWKS_COOLDOWN_MS + 200));
    const res = await launch(learner(1));
    assert.equal(res.statusCode, 303);
    assert.match(res.headers.location as string, /^\/exam\?token=/);
  });

  it('sends honesty and decision to the "Proctoring" line item with a client-credentials token', async () => {
    const target = await t.db.selectFrom('ltiGradeTargets').innerJoin('examSessions as s', 's.id', 'ltiGradeTargets.sessionId').select(['sessionId']).where('sub', '=', 'student-1').executeTakeFirstOrThrow();
    await t.db.updateTable('examSessions').set({ honesty: 87, status: 'finished' }).where('id', '=', target.sessionId).execute();
    const res = await api('PATCH', `/api/sessions/${target.sessionId}/decision`, { decision: 'admitted' });
    assert.equal(res.statusCode, 200, res.body);
    const score = await until(() => platform.scores.find((s) => s.body.userId === 'student-1'));
    assert.equal(score.body.scoreGiven, 87);
    assert.equal(score.body.scoreMaximum, 100);
    assert.equal(score.body.gradingProgress, 'FullyGraded');
    assert.match(String(score.body.comment), /87 %.*Accepted/);
    assert.equal(platform.lineitems.length, 1);
    assert.equal(platform.lineitems[0]!.label, 'Proctoring');
    assert.equal(platform.lineitems[0]!.resourceLinkId, 'rl-1');
    assert.ok(platform.tokensIssued.some((tk) => tk.scope.includes(LTI.scopeScore)));
    const sent = await until(async () => {
      const row = await t.db.selectFrom('ltiGradeTargets').selectAll().where('sessionId', '=', target.sessionId).executeTakeFirstOrThrow();
      return row.status === 'sent' ? row : undefined;
    });
    assert.equal(sent.sentScore, 87);

    // The decision changes again: the same line item (found, not created twice) gets the new comment.
    await api('PATCH', `/api/sessions/${target.sessionId}/decision`, { decision: 'annulled' });
    const second = await until(() => platform.scores.filter((s) => s.body.userId === 'student-1')[1]);
    assert.match(String(second.body.comment), /Annulled/);
    assert.equal(platform.lineitems.length, 1);

    // A platform that refuses: the admin sees the failure on the platform's page.
    platform.failScoresWith(403);
    try {
      await api('PATCH', `/api/sessions/${target.sessionId}/decision`, { decision: 'not_admitted' });
      const detail = await until(async () => {
        const d = (await api('GET', ltiApi.getPlatform.path.replace(':id', platformId))).json() as { platform: AdminLtiPlatformDetail };
        return d.platform.failures.length ? d.platform : undefined;
      });
      assert.equal(detail.gradeFailures, 1);
      assert.match(detail.failures[0]!.lastError ?? '', /HTTP 403/);
    } finally {
      platform.failScoresWith(0);
    }
  });

  it('deep linking: an instructor picks or creates an exam and a signed LtiDeepLinkingResponse goes back', async () => {
    const dl = (data?: string) => ({
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingRequest',
      'https://purl.imsglobal.org/spec/lti/claim/resource_link': undefined,
      'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': {
        deep_link_return_url: `${platform.url}/deep-link-return`,
        accept_types: ['ltiResourceLink'],
        ...(data ? { data } : {}),
      },
    });
    const teacher = (extra: Record<string, unknown>): LaunchUser => ({ sub: 'teacher-dl', name: 'Placing Teacher', email: 'placer@uni.test', roles: [LTI.instructor], extra });
    refusedWith(await launch({ ...learner(6), extra: dl() }), 'no_role');
    const res = await launch(teacher(dl('opaque-42')));
    assert.equal(res.statusCode, 303, res.body);
    const to = new URL(res.headers.location as string, TOOL);
    assert.equal(to.pathname, '/lti/deep-link');
    const key = to.searchParams.get('k')!;
    const picker = await app.inject({ method: 'GET', url: `/api/lti/deep-links/${key}` });
    assert.equal(picker.statusCode, 200, picker.body);
    assert.ok(picker.json().exams.some((e: { id: string }) => e.id === demo.examId));
    const respond = (k: string, body: unknown) =>
      app.inject({ method: 'POST', url: `/api/lti/deep-links/${k}`, headers: { origin: TOOL, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const answer = await respond(key, { examId: demo.examId });
    assert.equal(answer.statusCode, 200, answer.body);
    const { returnUrl, jwt } = answer.json() as { returnUrl: string; jwt: string };
    assert.equal(returnUrl, `${platform.url}/deep-link-return`);
    const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    const { payload } = await jwtVerify(jwt, jwks, { issuer: platform.clientId, audience: platform.issuer, algorithms: ['RS256'] });
    assert.equal(payload['https://purl.imsglobal.org/spec/lti/claim/message_type'], 'LtiDeepLinkingResponse');
    assert.equal(payload['https://purl.imsglobal.org/spec/lti/claim/version'], '1.3.0');
    assert.equal(payload['https://purl.imsglobal.org/spec/lti/claim/deployment_id'], platform.deploymentId);
    assert.equal(payload['https://purl.imsglobal.org/spec/lti-dl/claim/data'], 'opaque-42');
    const [item] = payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as { type: string; url: string; custom: Record<string, string>; lineItem: { label: string } }[];
    assert.equal(item!.type, 'ltiResourceLink');
    assert.equal(item!.url, `${TOOL}/lti/launch`);
    assert.equal(item!.custom.proctor_exam, demo.examId);
    assert.equal(item!.lineItem.label, 'Proctoring');
    // One use; a cross-site post is refused like any API write.
    assert.equal((await respond(key, { examId: demo.examId })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: `/api/lti/deep-links/${key}` })).statusCode, 404);

    // Creating an exam while placing it: the instructor is its proctor.
    const again = new URL((await launch(teacher(dl()))).headers.location as string, TOOL).searchParams.get('k')!;
    const cross = await app.inject({ method: 'POST', url: `/api/lti/deep-links/${again}`, headers: { origin: 'https://evil.test', 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(cross.statusCode, 403);
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const endsAt = new Date(Date.now() + 90_000_000).toISOString();
    const created = await respond(again, { create: { name: 'Placed from Moodle', discipline: 'Ecology', startsAt, endsAt, assessmentUrl: 'https://lms.test/quiz/1' } });
    assert.equal(created.statusCode, 200, created.body);
    const exam = await t.db.selectFrom('exams').select(['id', 'assessmentUrl']).where('name', '=', 'Placed from Moodle').executeTakeFirstOrThrow();
    assert.equal(exam.assessmentUrl, 'https://lms.test/quiz/1');
    const proctors = await t.db.selectFrom('examProctors as ep').innerJoin('users as u', 'u.id', 'ep.userId').select('u.email').where('ep.examId', '=', exam.id).execute();
    assert.deepEqual(proctors.map((p) => p.email), ['placer@uni.test']);
    const bad = await respond(new URL((await launch(teacher(dl()))).headers.location as string, TOOL).searchParams.get('k')!, { create: { name: 'X', discipline: 'Y', startsAt: endsAt, endsAt: startsAt } });
    assert.equal(bad.statusCode, 400);
  });

  describe('proctoring services (LtiStartProctoring → journey → LtiStartAssessment; LtiEndAssessment)', () => {
    const proctored = (n: number, attempt: number | string, extra: { resourceLinkId?: string; sessionData?: string | number } = {}): LaunchUser => ({
      ...learner(n),
      resourceLinkId: extra.resourceLinkId ?? `rl-ap-${n}`,
      extra: platform.startProctoring({ sub: `student-${n}`, attempt, resourceLinkId: extra.resourceLinkId ?? `rl-ap-${n}`, ...(extra.sessionData !== undefined ? { sessionData: extra.sessionData } : {}) }),
    });
    const tokenOf = (res: LightMyRequestResponse) => {
      assert.equal(res.statusCode, 303, res.body);
      const to = new URL(res.headers.location as string, TOOL);
      assert.equal(to.pathname, '/exam');
      return to.searchParams.get('token')!;
    };
    const candidateCall = (method: 'GET' | 'POST', url: string, token: string) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}`, origin: TOOL, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, ...(method === 'POST' ? { payload: '{}' } : {}) });
    /** The learner is live under proctoring: the session in progress with an open media attempt (what the journey's start does). */
    async function goLive(token: string): Promise<string> {
      const { sessionId } = verifyToken(token, secret) as { sessionId: string };
      await t.db.updateTable('examSessions').set({ status: 'in_progress', startedAt: new Date() }).where('id', '=', sessionId).execute();
      await t.db.insertInto('attempts').values({ sessionId, nodeId: 'test-node', startedAt: new Date(), number: 1 }).execute();
      return sessionId;
    }
    const attemptRow = (sessionId: string) => t.db.selectFrom('ltiProctoringAttempts').selectAll().where('sessionId', '=', sessionId).orderBy('attemptNumber', 'desc').executeTakeFirstOrThrow();

    it('a StartProctoring launch opens the journey; once live, a signed StartAssessment carries the session_data back to the platform', async () => {
      const token = tokenOf(await launch(proctored(20, 1, { sessionData: 'platform-session-20' })));
      const before = (await candidateCall('GET', '/api/candidate/assessment', token)).json();
      assert.equal(before.assessment.url, platform.startAssessmentUrl, "the assessment is the platform's quiz");
      assert.equal(before.assessment.ltiStart, true);
      // Not before the learner is live under proctoring: the journey's checks come first.
      const early = await candidateCall('POST', '/api/candidate/assessment/lti-start', token);
      assert.equal(early.statusCode, 200, early.body);
      assert.deepEqual(early.json(), { unavailable: 'not_live' });

      const sessionId = await goLive(token);
      const started = await candidateCall('POST', '/api/candidate/assessment/lti-start', token);
      assert.equal(started.statusCode, 200, started.body);
      const { url, jwt } = started.json() as { url: string; jwt: string };
      assert.equal(url, platform.startAssessmentUrl);
      const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
      const { payload } = await jwtVerify(jwt, jwks, { issuer: platform.clientId, audience: platform.issuer, algorithms: ['RS256'] });
      assert.equal(payload[LTI.messageType], 'LtiStartAssessment');
      assert.equal(payload[LTI.sessionData], 'platform-session-20');
      assert.equal(payload[LTI.attemptNumber], 1);
      assert.equal(payload[LTI.deploymentId], platform.deploymentId);
      assert.equal((payload[LTI.resourceLink] as { id: string }).id, 'rl-ap-20');
      assert.ok(payload.exp! - payload.iat! <= 300);

      // Posted as the page does: the platform verifies it with our JWKS and opens its quiz.
      const posted = await fetch(url, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) });
      assert.equal(posted.status, 200, await posted.clone().text());
      assert.match(await posted.text(), /platform-quiz/);
      assert.equal(platform.startAssessments.at(-1)!.valid, true);
      assert.equal((await attemptRow(sessionId)).status, 'assessment');
    });

    it('refuses a forged StartProctoring, a bad or older attempt number, a replayed nonce, and new session_data once the assessment started', async () => {
      const sessions = await count('examSessions');
      refusedWith(await launch(proctored(21, 1), { forged: true }), 'bad_signature');
      refusedWith(await launch(proctored(21, 0)), 'attempt_invalid');
      refusedWith(await launch(proctored(21, 'two')), 'attempt_invalid');
      refusedWith(await launch({ ...learner(21), extra: { ...platform.startProctoring({ sub: 'student-21', attempt: 1 }), [LTI.attemptNumber]: undefined } }), 'attempt_invalid');
      refusedWith(await launch({ ...learner(21), extra: { ...platform.startProctoring({ sub: 'student-21', attempt: 1 }), [LTI.startAssessmentUrl]: undefined } }), 'claims_invalid');
      refusedWith(await launch(proctored(21, 1), { deploymentId: 'deployment-unknown' }), 'unknown_deployment');
      assert.equal(await count('examSessions'), sessions, 'nothing created');

      // Replay: the same StartProctoring id_token under a fresh state (its nonce is spent).
      const first = await startLogin();
      const idToken = await platform.signIdToken(TOOL, proctored(22, '2'), { nonce: first.nonce });
      const token = tokenOf(await post(idToken, first.state, first.cookie));
      const fresh = await startLogin();
      refusedWith(await post(idToken, fresh.state, fresh.cookie), 'nonce_invalid');

      // Attempt 2 (sent as a string, as some platforms do) started; attempt 1 afterwards is an old launch.
      const sessionId = await goLive(token);
      assert.equal((await attemptRow(sessionId)).attemptNumber, 2);
      refusedWith(await launch(proctored(22, 1)), 'attempt_invalid');
      // The same attempt again before its assessment started (a reloaded tab) takes the new session_data…
      tokenOf(await launch(proctored(22, 2, { sessionData: 'relaunch-22' })));
      assert.equal((await attemptRow(sessionId)).sessionData, 'relaunch-22');
      // …but once our StartAssessment went out, other session_data is another sitting: refused.
      const started = (await candidateCall('POST', '/api/candidate/assessment/lti-start', token)).json() as { jwt: string };
      assert.ok(started.jwt);
      refusedWith(await launch(proctored(22, 2, { sessionData: 'someone-else' })), 'session_data_mismatch');
      tokenOf(await launch(proctored(22, 2, { sessionData: 'relaunch-22' })));
      assert.equal((await attemptRow(sessionId)).status, 'assessment', 'the same sitting relaunched keeps its state');
    });

    it('the platform refuses a StartAssessment whose session_data or signature is not the one it issued', async () => {
      const token = tokenOf(await launch(proctored(23, 1, { sessionData: 'issued-23' })));
      await goLive(token);
      const { url, jwt } = (await candidateCall('POST', '/api/candidate/assessment/lti-start', token)).json() as { url: string; jwt: string };
      // The platform issued new session data for this attempt meanwhile: ours no longer matches.
      platform.startProctoring({ sub: 'student-23', attempt: 1, resourceLinkId: 'rl-ap-23', sessionData: 'reissued-23' });
      assert.equal((await fetch(url, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) })).status, 400);
      assert.deepEqual(platform.startAssessments.at(-1), { valid: false, error: 'session_data mismatch', jwt });
      const [h, p] = jwt.split('.');
      const tampered = `${h}.${p}.${Buffer.from('not our signature').toString('base64url')}`;
      assert.equal((await fetch(url, { method: 'POST', body: new URLSearchParams({ JWT: tampered }) })).status, 400);
      assert.match(platform.startAssessments.at(-1)!.error!, /signature/);
    });

    it('an EndAssessment closes the attempt (checked against its number and session_data); a finished session closes it too', async () => {
      const token = tokenOf(await launch(proctored(24, 1, { sessionData: 'sd-24' })));
      const sessionId = await goLive(token);
      const end = (attempt: number, sessionData?: string) => launch({ ...learner(24), resourceLinkId: 'rl-ap-24', extra: platform.endAssessment({ attempt, resourceLinkId: 'rl-ap-24', ...(sessionData ? { sessionData } : {}) }) });
      refusedWith(await end(3), 'attempt_invalid');
      refusedWith(await end(1, 'sd-other'), 'session_data_mismatch');
      assert.equal((await attemptRow(sessionId)).status, 'started');
      const ended = await end(1, 'sd-24');
      assert.equal(ended.statusCode, 303, ended.body);
      assert.equal(ended.headers.location, '/lti/ended');
      const row = await attemptRow(sessionId);
      assert.equal(row.status, 'ended');
      assert.equal(row.endedBy, 'platform');
      // An ended attempt opens nothing any more, and cannot be started again.
      assert.notEqual((await candidateCall('GET', '/api/candidate/assessment', token)).json().assessment?.ltiStart, true);
      assert.equal((await candidateCall('POST', '/api/candidate/assessment/lti-start', token)).statusCode, 404);
      refusedWith(await launch(proctored(24, 1, { sessionData: 'sd-24' })), 'attempt_invalid');

      // Our side ends it: the session finishing (as the media node publishes it) closes the open attempt.
      const token2 = tokenOf(await launch(proctored(25, 1)));
      const session2 = await goLive(token2);
      await events.publish('session.finished', { sessionId: session2, examId: demo.examId, at: new Date().toISOString(), by: 'candidate', proctorUserId: null, reason: null, attempt: 1 });
      const row2 = await attemptRow(session2);
      assert.equal(row2.status, 'ended');
      assert.equal(row2.endedBy, 'session');
      refusedWith(await launch(proctored(25, 1)), 'attempt_invalid');
    });
  });

  it('a session the overdue sweep finishes sends its score too', async () => {
    const disciplineId = await ensureDiscipline(t.db, 'LTI sweep');
    const examId = await createExam(t.db, { name: 'Ended exam', disciplineId, startsAt: new Date(Date.now() - 3 * 3600_000), endsAt: new Date(Date.now() - 3600_000) });
    const res = await launch(learner(9, { custom: { proctor_exam: examId }, resourceLinkId: 'rl-ended' }));
    const { sessionId } = verifyToken(new URL(res.headers.location as string, TOOL).searchParams.get('token'), secret) as { sessionId: string };
    await t.db.updateTable('examSessions').set({ status: 'in_progress', startedAt: new Date(Date.now() - 2 * 3600_000) }).where('id', '=', sessionId).execute();
    const log = pino({ level: 'silent' });
    const finished = await sweepOverdueSessions(t.db, log, new Date(), undefined, (id) => queueLtiScore(t.db, queue, id));
    assert.ok(finished >= 1);
    const score = await until(() => platform.scores.find((s) => s.body.userId === 'student-9'));
    assert.equal(score.body.activityProgress, 'Completed');
    assert.ok(platform.lineitems.some((i) => i.resourceLinkId === 'rl-ended' && i.label === 'Proctoring'));
  });
});
