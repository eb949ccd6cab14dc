/**
 * The exam itself under proctoring, in Chromium (#10), against a local "LMS" on another
 * origin (support/quiz-site.ts): the admin saving an address that refuses framing sees the
 * remedy; the candidate's workspace frames the quiz, whose exam guard unlocks it; 20 s of
 * typing and clicking inside the frame is no violation, another tab is focus_lost, a paste
 * inside the frame is reported by the guard; the quiz opened in a plain tab stays hidden;
 * "submitted" in the quiz offers to finish; window mode opens a watched popup and the
 * report says focus tracking was weaker.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Violation } from '@proctor/db';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/media.ts';
import { waitPublishing } from '../support/pages.ts';
import { walkJourney } from '../support/journey.ts';
import { ADMIN, seedAdminPassword, signIn } from '../support/staff.ts';
import { startQuizSite, type QuizSite } from '../support/quiz-site.ts';

// What leaving the exam or using the clipboard produces (Chromium's fake camera shows no
// face, so the face detectors' "no face" is expected here and beside the point).
const BROWSER_TYPES = new Set(['focus_lost', 'tab_hidden', 'fullscreen_exit', 'copy', 'paste', 'cut']);

describe('the assessment inside the proctored page', () => {
  let stack: Stack;
  let site: QuizSite;
  let browser: Browser;
  const violationsOf = async (sessionId: string): Promise<Violation[]> =>
    (await stack.db.selectFrom('violations').selectAll().where('sessionId', '=', sessionId).orderBy('startsAt').execute()).filter((v) => BROWSER_TYPES.has(v.type));

  /** A candidate page with real focus (Playwright's focus emulation off), walked to "Start the exam". */
  async function candidate(sessionId: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[candidate page error]', err.message));
    await page.goto(stack.candidateUrl(sessionId));
    await walkJourney(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    await page.bringToFront();
    return { context, page };
  }

  useStack({ candidates: 3, workers: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    site = await startQuizSite(stack.node.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('shows the admin the remedy when the test site refuses framing, and the verdict for one that allows it', async () => {
    await seedAdminPassword(stack);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${stack.node.url}/login?next=/admin/exams/${stack.seed.examId}`);
    await signIn(page, ADMIN);
    await page.getByTestId('assessment-url').fill(site.denyUrl);
    await page.getByTestId('exam-save').click();
    const remedy = page.getByTestId('assessment-remedy');
    await remedy.waitFor({ timeout: 20_000 });
    const text = (await remedy.textContent()) ?? '';
    assert.match(text, /X-Frame-Options: DENY/);
    assert.match(text, /Moodle/);

    await page.getByTestId('assessment-url').fill(site.quizUrl);
    await page.getByTestId('exam-save').click();
    await page.locator('[data-testid="assessment-check"][data-framing="allowed"]').waitFor({ timeout: 20_000 });
    const exam = await stack.db.selectFrom('exams').select(['assessmentUrl', 'assessmentMode']).where('id', '=', stack.seed.examId).executeTakeFirstOrThrow();
    assert.deepEqual(exam, { assessmentUrl: site.quizUrl, assessmentMode: 'frame' });

    // #11: the same form chooses the media profile; each choice is explained with its costs.
    for (const id of ['grid', 'balanced', 'high']) assert.match((await page.getByTestId(`media-profile-${id}`).textContent()) ?? '', /\d+×\d+.*\d/s);
    const profileOf = async () => (await stack.db.selectFrom('exams').select('mediaProfile').where('id', '=', stack.seed.examId).executeTakeFirstOrThrow()).mediaProfile;
    for (const id of ['balanced', 'grid'] as const) {
      await page.getByTestId('exam-media-profile').selectOption(id);
      await page.getByTestId('exam-save').click();
      await waitFor(`media profile ${id} saved`, async () => (await profileOf()) === id, 10_000);
    }
    await context.close();
  });

  it('unlocks the framed quiz, keeps typing inside it free of violations, and catches another tab and a paste', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const { context, page } = await candidate(sessionId);
    await page.getByTestId('start').click();
    await waitPublishing(page, 1);
    await page.getByTestId('workspace').waitFor();
    assert.equal(await page.getByTestId('workspace').getAttribute('data-mode'), 'frame');
    // The guard in the quiz opened the page once the proctoring page vouched for the session.
    const quizFrame = page.frameLocator('[data-testid="assessment-frame"]');
    await waitFor('the exam guard unlocks the quiz', async () => (await quizFrame.locator('html').getAttribute('data-proctor-guard')) === 'open', 20_000);
    assert.equal(await page.evaluate(() => document.fullscreenElement !== null), true, 'the workspace runs in fullscreen');

    // 20 s of working inside the frame: clicking fields, typing, choosing answers.
    const began = Date.now();
    const fields = ['#q1', '#q2', '#q3'];
    for (let i = 0; Date.now() - began < 20_000; i++) {
      const field = quizFrame.locator(fields[i % fields.length]!);
      await field.click();
      await page.keyboard.type(`ответ ${i} `, { delay: 40 });
      await quizFrame.locator(i % 2 ? '#q4a' : '#q4b').click();
    }
    assert.equal(await quizFrame.locator('#q1').inputValue().then((v) => v.length > 0), true);
    await new Promise((r) => setTimeout(r, 1500)); // past the detectors' 1 s minimum
    const pending = await page.evaluate(() => (window as unknown as { __journey: { violations(): { type: string }[] } }).__journey.violations().map((v) => v.type));
    assert.deepEqual(pending.filter((type) => BROWSER_TYPES.has(type)), [], 'working in the frame is not a violation');
    assert.deepEqual((await violationsOf(sessionId)).map((v) => v.type), []);

    // Another tab in front for ~3 s: that is leaving the exam.
    const other = await context.newPage();
    await other.bringToFront();
    await new Promise((r) => setTimeout(r, 3000));
    await page.bringToFront();
    await other.close();
    await waitFor('focus_lost stored and closed', async () => {
      const v = (await violationsOf(sessionId)).find((x) => x.type === 'focus_lost');
      return v?.endsAt ? v : undefined;
    });

    // Ctrl+V inside the quiz: the proctoring page cannot see it, the guard reports it.
    await quizFrame.locator('#q2').click();
    await page.keyboard.press('Control+V');
    await waitFor('paste inside the frame stored', async () => (await violationsOf(sessionId)).some((v) => v.type === 'paste'));

    // The quiz opened by hand in a plain tab is hidden by its guard.
    const plain = await context.newPage();
    await plain.goto(site.quizUrl);
    const overlay = plain.locator('#proctor-exam-guard');
    await overlay.waitFor({ state: 'visible' });
    assert.equal(await overlay.getAttribute('data-status'), 'blocked');
    assert.equal(await overlay.getAttribute('data-why'), 'no_proctoring');
    assert.match((await overlay.textContent()) ?? '', /под прокторингом/);
    assert.equal(await plain.evaluate(() => getComputedStyle(document.body).visibility), 'hidden');
    assert.equal(await plain.locator('#q1').isVisible(), false);
    await plain.close();
    await page.bringToFront();

    // Submitting the quiz offers to finish; confirming closes the session.
    await quizFrame.locator('#submit').click();
    await page.getByTestId('complete-dialog').waitFor({ timeout: 10_000 });
    await page.getByTestId('complete-confirm').click();
    await page.getByTestId('finished').waitFor({ timeout: 20_000 });
    const session = await stack.db.selectFrom('examSessions').select(['status', 'assessmentWindowUsed']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.deepEqual(session, { status: 'finished', assessmentWindowUsed: false });
    assert.deepEqual((await violationsOf(sessionId)).map((v) => v.type).sort(), ['focus_lost', 'paste']);
    await context.close();
  });

  it('opens the quiz in a watched window in window mode, and the report says focus tracking was weaker', async () => {
    await stack.db.updateTable('exams').set({ assessmentMode: 'window' }).where('id', '=', stack.seed.examId).execute();
    const { sessionId } = stack.seed.sessions[1]!;
    const { context, page } = await candidate(sessionId);
    const popupOpened = page.waitForEvent('popup');
    await page.getByTestId('start').click();
    const popup = await popupOpened;
    await waitPublishing(page, 1);
    assert.equal(await page.getByTestId('workspace').getAttribute('data-mode'), 'window');
    await waitFor('the guard in the window unlocks the quiz', async () => (await popup.locator('html').getAttribute('data-proctor-guard')) === 'open', 20_000);
    await page.locator('[data-testid="assessment-window"][data-open="true"]').waitFor();

    // Closing the window is seen by the proctoring page, which offers to open it again.
    await popup.close();
    await page.locator('[data-testid="assessment-window"][data-open="false"]').waitFor({ timeout: 10_000 });
    const again = page.waitForEvent('popup');
    await page.getByTestId('open-window').click();
    await (await again).locator('#q1').waitFor({ state: 'visible', timeout: 20_000 });

    const session = await stack.db.selectFrom('examSessions').select('assessmentWindowUsed').where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(session.assessmentWindowUsed, true);
    const logged = await stack.db.selectFrom('actionLog').select('details').where('sessionId', '=', sessionId).where('action', '=', 'candidate.assessment_window').execute();
    assert.deepEqual(logged.map((l) => l.details), [{ reason: 'exam_setting' }]);

    await page.getByTestId('finish').click();
    await page.getByTestId('finish-confirm').click();
    await page.getByTestId('finished').waitFor({ timeout: 20_000 });
    await context.close();

    // The proctor's detailed report carries the note.
    const staff = await browser.newContext();
    const report = await staff.newPage();
    await report.goto(`${stack.node.url}/login?next=/results/${sessionId}`);
    await signIn(report, ADMIN);
    await report.getByTestId('window-mode-note').waitFor({ timeout: 20_000 });
    await staff.close();
  });
});
