/**
 * What a proctor used to the original expects (issue 18) beyond Results, in real Chromium at
 * 1280×720 in Kazakh, Russian and English: the photo report shows placeholders instead of
 * broken images, the live grid has the navigation and user menu and its language switch
 * sticks (even when its save has not landed), the grade sheet sits under Statistics, the
 * wording (one term for the person, m:ss durations, no "– of 20"), and the exam settings show
 * what one short event costs. The set-up: support/proctor-browser.ts.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import type { Stack } from '../support/stack.ts';
import { ADMIN, signIn } from '../support/staff.ts';
import { LOCALES, OTHER_TERMS, openProctorBrowser, VIEWPORT, type Locale, type ProctorBrowser } from '../support/proctor-browser.ts';

describe('what a proctor used to the original expects: report, live grid, statistics, settings', () => {
  let pb: ProctorBrowser;
  let stack: Stack;
  let page: Page;
  let context: BrowserContext;
  let failures: string[];
  beforeAll(async () => {
    pb = await openProctorBrowser();
    ({ stack, page, failures, context } = pb);
  });
  afterAll(() => pb?.close());
  const settled = () => pb.settled();
  const useLocale = (locale: Locale) => pb.useLocale(locale);

  for (const locale of LOCALES) {
    it(`[${locale}] the photo report shows placeholders, never a broken image; the report speaks of one person, durations m:ss`, async () => {
      await useLocale(locale);
      const session = await stack.db
        .selectFrom('examSessions as s')
        .innerJoin('examProctors as p', 'p.examId', 's.examId')
        .innerJoin('violations as v', 'v.sessionId', 's.id')
        .select(['s.id'])
        .where('p.userId', '=', stack.seed.proctorUserId)
        .where('s.status', '=', 'finished')
        .where('v.snapshotPath', 'is not', null)
        .groupBy('s.id')
        .having((eb) => eb.fn.countAll(), '>=', 3)
        .limit(1)
        .executeTakeFirstOrThrow();
      failures.length = 0;
      await page.goto(`${stack.node.url}/results/${session.id}/photo`);
      await page.getByTestId('photo-card').waitFor();
      await page.waitForLoadState('networkidle');
      const broken = await page.locator('[data-testid="photo-event"] img').evaluateAll((imgs) => (imgs as HTMLImageElement[]).filter((i) => !i.complete || i.naturalWidth === 0).length);
      assert.equal(broken, 0, 'no broken image');
      assert.ok((await page.getByTestId('photo-placeholder').count()) >= 3, 'the demo snapshots (no files) are placeholders');
      assert.deepEqual(failures, [], 'no picture request failed');

      await page.goto(`${stack.node.url}/results/${session.id}`);
      await page.getByTestId('violation-ribbon').waitFor();
      const text = await page.locator('main').innerText();
      assert.doesNotMatch(text, OTHER_TERMS[locale], 'one term for the person');
      assert.equal(await page.getByTestId('violation-index').count(), 0, 'no "– of 20" before a violation is chosen');
      assert.doesNotMatch(await page.getByTestId('violation-ribbon').innerText(), /\d+(\.\d)? (s|с)(?!\p{L})/u, 'durations as m:ss, not "539 s"');
      assert.doesNotMatch(await page.getByTestId('honesty-breakdown').locator('table').innerText(), /\d+(\.\d)? (s|с)(?!\p{L})/u);
      if (locale === 'kk') {
        assert.doesNotMatch(await page.getByTestId('violation-ribbon').innerText(), /Әрекет/, 'attempts are not "actions"');
      }
    });
  }

  for (const locale of LOCALES) {
    it(`[${locale}] the live grid has the navigation and the user menu, and fits`, async () => {
      await useLocale(locale);
      await page.goto(`${stack.node.url}/proctor/exams/${stack.seed.examId}/live`);
      await page.getByTestId('nav-results').waitFor();
      assert.equal(await page.getByTestId('nav-live').getAttribute('aria-current'), 'page');
      await page.getByTestId('user-menu').waitFor();
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= VIEWPORT.width);
      assert.doesNotMatch(await page.locator('body').innerText(), OTHER_TERMS[locale]);
    });
  }

  it('remembers a language chosen on the live grid, also when its save has not landed before the next page', async () => {
    await useLocale('ru');
    await page.goto(`${stack.node.url}/proctor/exams/${stack.seed.examId}/live`);
    await page.getByTestId('lang-en').waitFor();
    // Chosen here, then straight to another page: the next page is English and stays so.
    await useLocale('en');
    await page.getByTestId('nav-results').click();
    await page.waitForURL(/\/results/);
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal((await stack.db.selectFrom('users').select('locale').where('id', '=', stack.seed.proctorUserId).executeTakeFirstOrThrow()).locale, 'en');

    // The save never reaches the server (the page is left at once): the stored language must
    // not win over the one just chosen, and it is stored on the next page load.
    await page.goto(`${stack.node.url}/proctor/exams/${stack.seed.examId}/live`);
    await page.route('**/api/auth/me/locale', (route) => route.abort());
    await page.getByTestId('lang-kk').click();
    await page.unroute('**/api/auth/me/locale');
    await page.goto(`${stack.node.url}/results`);
    await settled();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'kk');
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Нәтижелер');
    assert.equal((await stack.db.selectFrom('users').select('locale').where('id', '=', stack.seed.proctorUserId).executeTakeFirstOrThrow()).locale, 'kk');
    await page.reload();
    await settled();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'kk');
  });

  for (const locale of LOCALES) {
    it(`[${locale}] the grade sheet (4.7) is under Statistics: pick an exam by typing, download`, async () => {
      await useLocale(locale);
      await page.goto(`${stack.node.url}/statistics`);
      const section = page.getByTestId('section-grade-sheet');
      await section.waitFor();
      await page.getByTestId('grade-sheet-hint').waitFor();
      const examName = (await stack.db
        .selectFrom('exams as e')
        .innerJoin('examSessions as s', 's.examId', 'e.id')
        .innerJoin('examProctors as p', 'p.examId', 'e.id')
        .select('e.name')
        .where('p.userId', '=', stack.seed.proctorUserId)
        .where('s.status', '=', 'finished')
        .limit(1)
        .executeTakeFirstOrThrow()).name;
      await page.getByTestId('grade-exam').fill(examName.slice(0, 12));
      await page.getByTestId('grade-exam-option').filter({ hasText: examName }).first().click();
      await page.getByTestId('grade-sheet').locator('summary').click();
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('grade-sheet-xlsx').click()]);
      const saved = await file.path();
      assert.ok(saved && (await fs.stat(saved)).size > 1000, 'an Excel file');
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= VIEWPORT.width);
    });
  }

  it('exam settings show what one short event costs in 10, 45 and 90 minutes, with the weights being edited', async () => {
    const admin = await context.browser()!.newContext({ viewport: VIEWPORT });
    const adminPage = await admin.newPage();
    try {
      await adminPage.goto(`${stack.node.url}/login`, { waitUntil: 'networkidle' });
      await signIn(adminPage, ADMIN);
      for (const locale of LOCALES) {
        await adminPage.goto(`${stack.node.url}/admin/exams/${stack.seed.examId}`);
        await adminPage.getByTestId(`lang-${locale}`).click();
        const paste = adminPage.locator('[data-testid="event-cost"][data-type="paste"]');
        await paste.waitFor();
        const costs = () => paste.locator('td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-cost'))));
        const weight = adminPage.getByTestId('weight-paste');
        await weight.fill('3');
        assert.deepEqual(await costs(), [3, 1.1, 0.6], `${locale}: paste at weight 3`);
        await weight.fill('1');
        assert.deepEqual(await costs(), [1, 0.4, 0.2], `${locale}: follows the weight as it is typed`);
        const network = adminPage.locator('[data-testid="event-cost"][data-type="network_lost"] td').first();
        const counted = adminPage.getByTestId('exam-count-technical');
        if (await counted.isChecked()) await counted.uncheck();
        assert.equal(await network.getAttribute('data-cost'), '0', 'technical, not counted');
        await counted.check();
        assert.equal(await network.getAttribute('data-cost'), '1');
        assert.ok((await adminPage.evaluate(() => document.documentElement.scrollWidth)) <= VIEWPORT.width);
      }
    } finally {
      await admin.close();
    }
  });
});
