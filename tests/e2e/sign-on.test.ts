/**
 * Sign-on links in Chromium (#10): a link from a test issuer (HS256, an integration in the
 * database) opens /join, which creates candidate, exam and session and continues to the
 * exam page; the same link again, a tampered one and an expired one each get a page that
 * says why, and create nothing; after "Finish" the candidate lands on the return URL.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { createIntegration, makeIin } from '@proctor/db';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { waitPublishing } from '../support/pages.ts';
import { walkJourney } from '../support/journey.ts';
import { startQuizSite, type QuizSite } from '../support/quiz-site.ts';

const ISSUER = 'https://lms.e2e.test';
const SECRET = randomBytes(32).toString('base64url');

describe('sign-on links', () => {
  let stack: Stack;
  let site: QuizSite;
  let browser: Browser;
  let integrationId: string;

  const claims = (n: number) => ({
    candidate: { id: `e2e-student-${n}`, fullName: `Жүсіпов Арман ${n}`, iin: makeIin(new Date('2003-02-03'), 'male', 7000 + n), group: { id: 'e2e-g', name: 'E2E-1' } },
    exam: {
      id: 'e2e-quiz',
      name: 'E2E: тест из LMS',
      discipline: 'Экология',
      startsAt: new Date(Date.now() - 600_000).toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      assessmentUrl: site.quizUrl,
    },
    returnUrl: site.courseUrl,
  });
  const link = (body: Record<string, unknown>, times: { iat?: number; exp?: number } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(body)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(integrationId)
      .setJti(randomUUID())
      .setIssuedAt(times.iat ?? now)
      .setExpirationTime(times.exp ?? now + 600)
      .sign(new TextEncoder().encode(SECRET));
  };
  const counts = async () => ({
    candidates: Number((await stack.db.selectFrom('candidates').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    sessions: Number((await stack.db.selectFrom('examSessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  });
  async function open(token: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[join page error]', err.message));
    await page.goto(`${stack.node.url}/join?token=${token}`);
    return page;
  }
  async function refused(token: string, reason: string): Promise<void> {
    const page = await open(token);
    const card = page.getByTestId('join-refused');
    await card.waitFor({ timeout: 15_000 });
    assert.equal(await card.getAttribute('data-reason'), reason);
    assert.ok(((await page.getByTestId('join-reason').textContent()) ?? '').length > 10, 'the page says why');
    assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token left the address bar');
    await page.context().close();
  }

  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    site = await startQuizSite(stack.node.url);
    browser = await launchBrowser();
    integrationId = await createIntegration(stack.db, { name: 'E2E LMS', sharedSecret: SECRET, jwksUrl: null, issuers: [ISSUER] });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('creates the session from the first link, refuses it the second time, and refuses tampered and expired links', async () => {
    const before = await counts();
    const token = await link(claims(1));
    const page = await open(token);
    await page.getByTestId('consent').waitFor({ timeout: 20_000 });
    assert.equal(new URL(page.url()).pathname, '/exam');
    assert.deepEqual(await counts(), { candidates: before.candidates + 1, sessions: before.sessions + 1 });
    const row = await stack.db
      .selectFrom('examSessions as s')
      .innerJoin('candidates as c', 'c.id', 's.candidateId')
      .innerJoin('exams as e', 'e.id', 's.examId')
      .select(['c.fullName', 'e.name', 'e.assessmentUrl', 's.returnUrl'])
      .where('c.iin', '=', claims(1).candidate.iin)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { fullName: 'Жүсіпов Арман 1', name: 'E2E: тест из LMS', assessmentUrl: site.quizUrl, returnUrl: site.courseUrl });
    await page.context().close();

    await refused(token, 'replayed');
    const [h, p, s] = (await link(claims(2))).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), candidate: claims(3).candidate })).toString('base64url');
    await refused(`${h}.${forged}.${s}`, 'bad_signature');
    const now = Math.floor(Date.now() / 1000);
    await refused(await link(claims(4), { iat: now - 900, exp: now - 300 }), 'expired');
    assert.deepEqual(await counts(), { candidates: before.candidates + 1, sessions: before.sessions + 1 }, 'refused links created nothing');
  });

  it('sends the candidate back to the return URL after "Finish"', async () => {
    const page = await open(await link(claims(5)));
    await walkJourney(page);
    await page.getByTestId('start').click();
    await waitPublishing(page, 1);
    await page.getByTestId('workspace').waitFor();
    await page.getByTestId('finish').click();
    await page.getByTestId('finish-confirm').click();
    await page.getByTestId('return').waitFor({ timeout: 20_000 });
    await page.waitForURL(site.courseUrl, { timeout: 15_000 });
    await page.locator('#course').waitFor();
    await page.context().close();
  });
});
