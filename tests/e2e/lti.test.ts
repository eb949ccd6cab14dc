/**
 * LTI 1.3 launches in Chromium (#13) with a test platform on loopback: an admin registers
 * the platform on the admin page (which shows the tool's URLs); then the platform's link
 * starts a real OIDC login → the platform's auth endpoint → an auto-posted id_token → our
 * launch: a learner lands on the candidate journey of the exam, an instructor on the exam's
 * results, signed in; a launch from an unregistered deployment gets the refused page.
 * Proctoring Services round trip: an LtiStartProctoring launch → the whole candidate journey
 * → once live, our LtiStartAssessment is form-posted into the workspace's frame and reaches
 * the platform with a valid signature and its session_data, the platform's quiz opens in the
 * frame; its hand-in is an LtiEndAssessment launch inside the frame, which ends the attempt
 * and offers the candidate to finish.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { freePort } from '../support/ports.ts';
import { walkJourney } from '../support/journey.ts';
import { waitPublishing } from '../support/pages.ts';
import { waitFor } from '../support/media.ts';
import { ADMIN, seedAdminPassword, signIn } from '../support/staff.ts';
import { LTI, startLtiPlatform, type LtiTestPlatform } from '../support/lti-platform.ts';

describe('LTI 1.3 launches', () => {
  let stack: Stack;
  let platform: LtiTestPlatform;
  let browser: Browser;
  let origin: string;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[lti page error]', err.message));
    return page;
  }

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    stack = await startStack({ candidates: 1, workers: 1, node: { port, publicUrl: origin } });
    platform = await startLtiPlatform();
    platform.setToolJwksUrl(`${origin}/.well-known/jwks.json`);
    await seedAdminPassword(stack);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await stack?.close();
  });

  it('an admin registers the platform and sees the URLs to paste into the LMS', async () => {
    const page = await newPage();
    await page.goto(`${origin}/login`);
    await signIn(page, ADMIN);
    await page.goto(`${origin}/admin/lti`);
    await page.getByTestId('lti-tool').waitFor();
    assert.equal(await page.getByTestId('lti-tool-login').textContent(), `${origin}/lti/login`);
    assert.equal(await page.getByTestId('lti-tool-launch').textContent(), `${origin}/lti/launch`);
    assert.equal(await page.getByTestId('lti-tool-jwks').textContent(), `${origin}/.well-known/jwks.json`);
    await page.getByTestId('lti-new').click();
    const fields = {
      name: 'E2E Moodle',
      issuer: platform.issuer,
      clientId: platform.clientId,
      authLoginUrl: platform.authUrl,
      authTokenUrl: platform.tokenUrl,
      jwksUrl: platform.jwksUrl,
      deploymentIds: platform.deploymentId,
    };
    for (const [field, value] of Object.entries(fields)) await page.getByTestId(`lti-field-${field}`).fill(value);
    await page.getByTestId('lti-save').click();
    await page.getByTestId('lti-platform-row').waitFor();
    assert.match((await page.getByTestId('lti-platform-row').textContent()) ?? '', /E2E Moodle/);
    await page.context().close();
  });

  it('a learner launched from the course lands on the candidate journey of the exam', async () => {
    const hint = platform.prepare({ sub: 'e2e-learner', name: 'Сейітқали Айдос', email: 'aidos@uni.test', roles: [LTI.learner], custom: { proctor_exam: stack.seed.examId } });
    const page = await newPage();
    await page.goto(platform.loginUrl(origin, hint));
    await page.getByTestId('consent').waitFor({ timeout: 20_000 });
    assert.equal(new URL(page.url()).pathname, '/exam');
    assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token left the address bar');
    const row = await stack.db
      .selectFrom('examSessions as s')
      .innerJoin('candidates as c', 'c.id', 's.candidateId')
      .select(['c.fullName', 'c.email', 's.examId'])
      .where('c.fullName', '=', 'Сейітқали Айдос')
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { fullName: 'Сейітқали Айдос', email: 'aidos@uni.test', examId: stack.seed.examId });
    await page.context().close();
  });

  it('an instructor launched from the course lands on the exam’s results, signed in', async () => {
    const hint = platform.prepare({ sub: 'e2e-teacher', name: 'Teacher E2E', email: 'teacher.e2e@uni.test', roles: [LTI.instructor], custom: { proctor_exam: stack.seed.examId } });
    const page = await newPage();
    await page.goto(platform.loginUrl(origin, hint));
    await page.getByTestId('results').waitFor({ timeout: 20_000 });
    const url = new URL(page.url());
    assert.equal(url.pathname, '/results');
    assert.equal(url.searchParams.get('examId'), stack.seed.examId);
    await page.context().close();
  });

  it('an instructor places an exam through deep linking; the signed answer is posted back to the LMS', async () => {
    const hint = platform.prepare({
      sub: 'e2e-placer',
      name: 'Placer E2E',
      email: 'placer.e2e@uni.test',
      roles: [LTI.instructor],
      extra: {
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingRequest',
        'https://purl.imsglobal.org/spec/lti/claim/resource_link': undefined,
        'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': { deep_link_return_url: `${platform.url}/deep-link-return`, accept_types: ['ltiResourceLink'] },
      },
    });
    const page = await newPage();
    await page.goto(platform.loginUrl(origin, hint));
    await page.getByTestId('lti-deep-link').waitFor({ timeout: 20_000 });
    await page.locator(`[data-exam-id="${stack.seed.examId}"]`).check();
    await page.getByTestId('lti-dl-place').click();
    await page.locator('#placed').waitFor({ timeout: 15_000 });
    assert.equal(platform.deepLinkResponses.length, 1);
    const payload = JSON.parse(Buffer.from(platform.deepLinkResponses[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(payload['https://purl.imsglobal.org/spec/lti/claim/message_type'], 'LtiDeepLinkingResponse');
    const [item] = payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as { custom: Record<string, string> }[];
    assert.equal(item!.custom.proctor_exam, stack.seed.examId);
    await page.context().close();
  });

  it('proctoring services: StartProctoring → journey → a signed StartAssessment opens the platform’s quiz in the frame; EndAssessment ends it', { timeout: 240_000 }, async () => {
    const sub = 'e2e-proctored';
    const rl = 'rl-e2e-ap';
    const person = { sub, name: 'Жақсыбекова Әйгерім', email: 'aigerim@uni.test', roles: [LTI.learner], resourceLinkId: rl, custom: { proctor_exam: stack.seed.examId } };
    const hint = platform.prepare({ ...person, extra: platform.startProctoring({ sub, attempt: 1, resourceLinkId: rl, sessionData: 'e2e-session-data-1' }) });
    // The quiz's hand-in: the platform's LtiEndAssessment launch (through the tool's login, inside the frame).
    platform.setQuizEnd(platform.loginUrl(origin, platform.prepare({ ...person, extra: platform.endAssessment({ attempt: 1, resourceLinkId: rl }) })));
    const page = await newPage();
    await page.goto(platform.loginUrl(origin, hint));
    await page.getByTestId('consent').waitFor({ timeout: 20_000 });
    assert.equal(platform.startAssessments.length, 0, 'nothing goes to the platform before the journey');
    await walkJourney(page);
    assert.equal(platform.startAssessments.length, 0, 'nor before the learner is live');
    await page.getByTestId('start').click();
    await waitPublishing(page, 1);
    await page.getByTestId('workspace').waitFor();

    const quiz = page.frameLocator('[data-testid="assessment-frame"]');
    await quiz.locator('#platform-quiz').waitFor({ timeout: 30_000 });
    assert.equal(platform.startAssessments.length, 1);
    const received = platform.startAssessments[0]!;
    assert.equal(received.valid, true, received.error);
    assert.equal(received.payload!['https://purl.imsglobal.org/spec/lti/claim/message_type'], 'LtiStartAssessment');
    assert.equal(received.payload![LTI.sessionData], 'e2e-session-data-1');
    assert.equal(received.payload![LTI.attemptNumber], 1);
    assert.equal((received.payload![LTI.resourceLink] as { id: string }).id, rl);
    const attempt = () => stack.db.selectFrom('ltiProctoringAttempts').select(['status', 'endedBy']).where('sub', '=', sub).executeTakeFirstOrThrow();
    assert.equal((await attempt()).status, 'assessment');

    // The platform ends the assessment: the attempt closes, and the exam page offers to hand in.
    await quiz.locator('#hand-in').click();
    await page.getByTestId('complete-dialog').waitFor({ timeout: 30_000 });
    assert.deepEqual(await attempt(), { status: 'ended', endedBy: 'platform' });
    await page.getByTestId('complete-confirm').click();
    await page.getByTestId('finished').waitFor({ timeout: 20_000 });
    await waitFor('the session finished', async () => {
      const s = await stack.db.selectFrom('examSessions as s').innerJoin('ltiProctoringAttempts as a', 'a.sessionId', 's.id').select('s.status').where('a.sub', '=', sub).executeTakeFirst();
      return s?.status === 'finished' ? s : undefined;
    });
    await page.context().close();
  });

  it('a launch from an unregistered deployment gets a page that says why', async () => {
    const hint = platform.prepare({ sub: 'e2e-learner', roles: [LTI.learner] });
    const url = new URL(platform.loginUrl(origin, hint));
    url.searchParams.set('lti_deployment_id', 'not-registered');
    const page = await newPage();
    await page.goto(url.toString());
    const card = page.getByTestId('lti-refused');
    await card.waitFor({ timeout: 15_000 });
    assert.equal(await card.getAttribute('data-reason'), 'unknown_deployment');
    assert.ok(((await page.getByTestId('lti-reason').textContent()) ?? '').length > 10);
    await page.context().close();
  });
});
