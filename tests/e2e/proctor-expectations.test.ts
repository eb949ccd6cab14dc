/**
 * What a proctor used to the original expects (issue 18), in real Chromium at 1280×720 against
 * a real media node, in Kazakh, Russian and English: Results fits the screen (every column's
 * right edge inside the viewport, no cell content spilling out, a sticky header, filters in
 * one bar; the grouped view too), rows show the candidate's latest photo with no request that
 * fails, the discipline filter works, exams are found by typing however old, one typed
 * DD.MM.YYYY HH:MM:SS date field that always shows the filter in force (also after "Reset"),
 * empty values sort last both ways, the photo report shows placeholders instead of broken
 * images, the live grid has the navigation and user menu and its language switch sticks
 * (even when its save has not landed), the grade sheet sits under Statistics, the wording
 * (one term for the person, m:ss durations, no "– of 20"), and the exam settings show what
 * one short event costs.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { assignProctor, createExam, ensureDiscipline, insertVerification } from '@proctor/db';
import { launchBrowser } from '../support/browser.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { ADMIN, PROCTOR, seedResultsData, signIn } from '../support/staff.ts';

const run = promisify(execFile);
const LOCALES = ['kk', 'ru', 'en'] as const;
type Locale = (typeof LOCALES)[number];
const VIEWPORT = { width: 1280, height: 720 };
const OLD_EXAM = 'Геодезия: қысқы сессия 2019';

/** Words a locale must not use for the person (one term: Тапсырушы / Кандидат / Candidate). */
const OTHER_TERMS: Record<Locale, RegExp> = { kk: /Студент|Кандидат/i, ru: /Тестируем|Студент/i, en: /\bstudents?\b|test[- ]taker/i };

interface Fit {
  viewport: number;
  scrollWidth: number;
  headerRights: number[];
  spills: string[];
  headerTop: number;
}

/** Where the table's header cells end and which cell contents reach outside their cell. */
function measure(page: Page, table: string): Promise<Fit> {
  return page.evaluate((selector) => {
    const root = document.querySelector(selector)!;
    const spills: string[] = [];
    const cells = [...root.querySelectorAll(':scope > thead > tr > th, :scope > tbody > tr > td, :scope > tbody > tr > th')];
    for (const cell of cells) {
      const box = cell.getBoundingClientRect();
      for (const child of cell.querySelectorAll('*')) {
        if (child.closest('table') !== root) continue; // a nested table is measured on its own
        const r = child.getBoundingClientRect();
        if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) {
          spills.push(`${cell.className}: ${(child.textContent ?? '').trim().slice(0, 30)} (${Math.round(r.right - box.right)} px)`);
        }
      }
    }
    const heads = [...root.querySelectorAll(':scope > thead th')].map((th) => th.getBoundingClientRect());
    return {
      viewport: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth,
      headerRights: heads.map((r) => r.right),
      spills,
      headerTop: heads[0]?.top ?? -1,
    };
  }, table);
}

function assertFits(fit: Fit, what: string): void {
  assert.ok(fit.headerRights.length > 0, `${what}: a table is shown`);
  for (const right of fit.headerRights) assert.ok(right <= fit.viewport, `${what}: a column ends at ${right} > ${fit.viewport}`);
  assert.ok(fit.scrollWidth <= fit.viewport, `${what}: the page scrolls sideways (${fit.scrollWidth} > ${fit.viewport})`);
  assert.deepEqual(fit.spills, [], `${what}: content spills out of its cell`);
}

describe('what a proctor used to the original expects', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let photosDir: string;
  /** Candidates of the first Results page given a verification photo / a reference photo. */
  const withPhoto = new Set<string>();
  let oldExamId = '';
  let failures: string[] = [];

  beforeAll(async () => {
    // The node reads PHOTOS_DIR when it starts.
    photosDir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-e2e-photos-'));
    process.env.PHOTOS_DIR = photosDir;
    stack = await startStack({ candidates: 2 });
    await seedResultsData(stack);
    const db = stack.db;
    const face = path.join(photosDir, 'face.jpg');
    await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x96', '-frames:v', '1', face]);

    // The proctor's newest sessions (the first rows): three get a verification photo on disk,
    // one a reference photo; the rest keep the demo's reference paths, whose files do not exist.
    const newest = await db
      .selectFrom('examSessions as s')
      .innerJoin('examProctors as p', 'p.examId', 's.examId')
      .select(['s.id', 's.candidateId', 's.startedAt'])
      .where('p.userId', '=', stack.seed.proctorUserId)
      .where('s.archived', '=', false)
      .where('s.startedAt', 'is not', null)
      .orderBy('s.startedAt', 'desc')
      .limit(4)
      .execute();
    for (const [i, s] of newest.entries()) {
      withPhoto.add(s.candidateId);
      if (i < 3) {
        const relative = `${s.id}/verification/face.jpg`;
        await fs.mkdir(path.join(stack.recordingsDir, s.id, 'verification'), { recursive: true });
        await fs.copyFile(face, path.join(stack.recordingsDir, relative));
        await insertVerification(db, { sessionId: s.id, startedAt: s.startedAt!, endedAt: s.startedAt!, result: 'successful', facePhotoPath: relative });
      } else {
        const relative = `${s.candidateId.slice(0, 2)}/${s.candidateId}-0123456789ab.jpg`;
        await fs.mkdir(path.join(photosDir, path.dirname(relative)), { recursive: true });
        await fs.copyFile(face, path.join(photosDir, relative));
        await db.updateTable('candidates').set({ referencePhotoPath: relative }).where('id', '=', s.candidateId).execute();
      }
    }
    // More exams than one page of choices, and an old one far down the list.
    const disciplineId = await ensureDiscipline(db, 'Геодезия');
    for (let i = 0; i < 25; i++) {
      const startsAt = new Date(Date.UTC(2021, 0, 1 + i, 4));
      const id = await createExam(db, { name: `Геодезия: аралық бақылау ${i + 1}`, disciplineId, startsAt, endsAt: new Date(startsAt.getTime() + 3 * 3600_000) });
      await assignProctor(db, id, stack.seed.proctorUserId);
    }
    oldExamId = await createExam(db, { name: OLD_EXAM, disciplineId, startsAt: new Date('2019-01-15T04:00:00Z'), endsAt: new Date('2019-01-15T07:00:00Z') });
    await assignProctor(db, oldExamId, stack.seed.proctorUserId);

    browser = await launchBrowser();
    context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('[page error]', err.message));
    // Any failed request a page makes (a photo that 404s, a broken picture) is a defect.
    page.on('response', (r: Response) => {
      if (r.status() >= 400 && !r.url().includes('/api/auth/me/locale')) failures.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${stack.node.url}/login`, { waitUntil: 'networkidle' });
    await signIn(page, PROCTOR);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await fs.rm(photosDir, { recursive: true, force: true });
  });

  async function settled(): Promise<void> {
    await page.locator('[data-testid="results"][data-loading="false"]').waitFor({ timeout: 15_000 });
  }

  async function useLocale(locale: Locale): Promise<void> {
    if ((await page.evaluate(() => document.documentElement.lang)) === locale) return;
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/auth/me/locale') && r.request().method() === 'PUT');
    await page.getByTestId(`lang-${locale}`).click();
    assert.equal((await saved).status(), 200);
  }

  async function openResults(query = ''): Promise<void> {
    failures = [];
    await page.goto(`${stack.node.url}/results${query}`);
    await settled();
    await page.waitForLoadState('networkidle');
  }

  for (const locale of LOCALES) {
    it(`[${locale}] Results: 11 columns, filters and rows fit 1280 px; the header sticks; photos load, nothing 404s`, async () => {
      await openResults();
      await useLocale(locale);
      await openResults();
      assert.equal(await page.locator('table.results-table > thead th').count(), 11);
      const fit = await measure(page, 'table.results-table');
      assertFits(fit, `${locale} flat`);
      // The filters take one bar, so the table starts in the upper part of the screen.
      assert.ok(fit.headerTop < VIEWPORT.height / 2, `the table header starts at ${fit.headerTop}`);
      const bar = await page.getByTestId('filters').boundingBox();
      assert.ok(bar && bar.height < 80, `the collapsed filter bar is ${bar?.height} px high`);
      // The review status column, the one triage starts with, is on screen.
      const review = await page.locator('th.c-review').boundingBox();
      assert.ok(review && review.x + review.width <= VIEWPORT.width);

      const rows = await page.getByTestId('results-row').evaluateAll((trs) =>
        trs.map((tr) => {
          const img = tr.querySelector<HTMLImageElement>('img[data-testid="avatar-photo"]');
          return { candidate: tr.getAttribute('data-candidate-id') ?? '', photo: img ? img.complete && img.naturalWidth > 0 : null };
        }),
      );
      assert.ok(rows.some((r) => withPhoto.has(r.candidate)), 'the first page has the candidates given a photo');
      for (const row of rows) {
        assert.equal(row.photo, withPhoto.has(row.candidate) ? true : null, `row of ${row.candidate}: its photo loaded, or initials without one`);
      }
      assert.deepEqual(failures, [], 'no request of the page failed');

      // Sticky header: after scrolling, the header row sits right under the app bar.
      await page.mouse.wheel(0, 900);
      await page.waitForTimeout(300);
      const top = await page.locator('table.results-table > thead th').first().boundingBox();
      const bar2 = await page.locator('header.appbar').boundingBox();
      assert.ok(top && bar2 && Math.abs(top.y - (bar2.y + bar2.height)) <= 2, `the header is at ${top?.y}, the app bar ends at ${(bar2?.y ?? 0) + (bar2?.height ?? 0)}`);
      await page.mouse.wheel(0, -900);

      // The panel of further filters opens (remembered) and still fits.
      await page.getByTestId('filters-toggle').click();
      await page.getByTestId('filter-from').waitFor();
      assertFits(await measure(page, 'table.results-table'), `${locale} flat, filters open`);
      for (const id of ['filter-from', 'filter-to']) assert.equal(await page.getByTestId(id).getAttribute('type'), 'text', 'no native date picker');
      await page.getByTestId('filters-toggle').click();
    });

    it(`[${locale}] the grouped view fits too, expanded sessions included`, async () => {
      await openResults('?groupBy=candidate');
      assertFits(await measure(page, 'table.results-table'), `${locale} grouped`);
      await page.getByTestId('expand').first().click();
      await page.getByTestId('candidate-sessions').first().waitFor();
      assertFits(await measure(page, 'table.results-table.sessions'), `${locale} expanded sessions`);
      assert.deepEqual(failures, []);
    });
  }

  it('finds any exam by typing, however old; the discipline filter is enabled and filters', async () => {
    await openResults();
    const exam = page.getByTestId('filter-exam');
    await exam.click();
    await page.getByTestId('filter-exam-option').first().waitFor();
    assert.equal(await page.getByTestId('filter-exam-option').count(), 20, 'a page of the newest');
    await page.getByTestId('filter-exam-more').waitFor();
    assert.equal(await page.getByTestId('filter-exam-option').filter({ hasText: OLD_EXAM }).count(), 0, 'the old exam is not among them');
    await exam.fill('қысқы сессия 2019');
    await page.getByTestId('filter-exam-option').filter({ hasText: OLD_EXAM }).waitFor();
    await page.getByTestId('filter-exam-option').filter({ hasText: OLD_EXAM }).click();
    await page.waitForURL((url) => url.searchParams.get('examId') === oldExamId);
    await settled();
    assert.equal(await exam.inputValue(), OLD_EXAM, 'the field names the exam in force');
    await page.getByTestId('results-empty').waitFor();

    await openResults();
    await page.getByTestId('filters-toggle').click();
    const discipline = page.getByTestId('filter-discipline');
    assert.equal(await discipline.isDisabled(), false);
    await discipline.click();
    const options = page.getByTestId('filter-discipline-option');
    await options.first().waitFor();
    const expected = await stack.db
      .selectFrom('disciplines as d')
      .select('d.name')
      .where('d.id', 'in', (eb) => eb.selectFrom('exams as e').innerJoin('examProctors as p', 'p.examId', 'e.id').select('e.disciplineId').where('p.userId', '=', stack.seed.proctorUserId))
      .execute();
    assert.deepEqual((await options.allInnerTexts()).map((s) => s.trim()).sort(), expected.map((d) => d.name).sort(), "the proctor's exams' disciplines");
    const first = options.filter({ hasNotText: 'Геодезия' }).first();
    const disciplineId = await stack.db.selectFrom('disciplines').select('id').where('name', '=', (await first.innerText()).trim()).executeTakeFirstOrThrow();
    await first.click();
    await page.waitForURL((url) => url.searchParams.get('disciplineId') === disciplineId.id);
    await settled();
    const total = Number(await page.getByTestId('results-total').getAttribute('data-total'));
    const inDb = await stack.db
      .selectFrom('examSessions as s')
      .innerJoin('examProctors as p', 'p.examId', 's.examId')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('p.userId', '=', stack.seed.proctorUserId)
      .where('s.archived', '=', false)
      .where('s.disciplineId', '=', disciplineId.id)
      .executeTakeFirstOrThrow();
    assert.equal(total, Number(inDb.n));
  });

  for (const locale of LOCALES) {
    it(`[${locale}] one typed date field: applies DD.MM.YYYY HH:MM:SS, refuses what is not a date, and "Reset" empties it`, async () => {
      await openResults();
      await useLocale(locale);
      await openResults();
      const from = page.getByTestId('filter-from');
      if (!(await from.isVisible())) await page.getByTestId('filters-toggle').click();
      await from.waitFor();
      const to = page.getByTestId('filter-to');
      await from.fill('1.3.2024');
      await from.press('Enter');
      await page.waitForURL((url) => url.searchParams.get('from') === '2024-03-01T00:00:00+05:00');
      await settled();
      assert.equal(await from.inputValue(), '01.03.2024 00:00:00', 'shown as applied');
      await to.fill('31.12.2030 18:30');
      await to.press('Tab');
      await page.waitForURL((url) => url.searchParams.get('to') === '2030-12-31T18:30:00+05:00');
      await settled();
      assert.equal(await to.inputValue(), '31.12.2030 18:30:00');

      // Not a date: refused with a message; once left, the field shows the filter in force again.
      const before = page.url();
      await from.fill('32.13.2024');
      await from.press('Tab');
      await page.getByTestId('filter-from-error').waitFor();
      assert.equal(await from.inputValue(), '01.03.2024 00:00:00');
      assert.equal(page.url(), before, 'nothing was applied');

      // Typed but not applied, then "Reset": the field is empty like the filter.
      await from.fill('05.05.2025');
      await page.getByTestId('filter-reset').click();
      await page.waitForURL((url) => !url.searchParams.has('from') && !url.searchParams.has('to'));
      await settled();
      assert.deepEqual([await from.inputValue(), await to.inputValue()], ['', '']);
      // The back button brings the dates (and the fields) back.
      await page.goBack();
      await page.waitForURL((url) => url.searchParams.has('to'));
      await settled();
      assert.equal(await to.inputValue(), '31.12.2030 18:30:00');
    });
  }

  it('sorts empty values last in both directions (honesty, end)', async () => {
    // An exam of the proctor's with sessions that have no honesty or no end yet.
    const { rows } = await sql<{ examId: string }>`
      SELECT s.exam_id AS "examId" FROM exam_sessions s JOIN exam_proctors p ON p.exam_id = s.exam_id
      WHERE p.user_id = ${stack.seed.proctorUserId} AND NOT s.archived
      GROUP BY s.exam_id
      HAVING count(*) <= 200 AND bool_or(s.honesty IS NULL) AND bool_or(s.honesty IS NOT NULL) AND bool_or(s.ended_at IS NULL) AND bool_or(s.ended_at IS NOT NULL)
      LIMIT 1`.execute(stack.db);
    const examId = rows[0]?.examId;
    assert.ok(examId, 'the demo has an exam with both');
    for (const sort of ['honesty', 'endedAt'] as const) {
      for (const dir of ['asc', 'desc']) {
        await openResults(`?examId=${examId}&sort=${sort}&dir=${dir}&pageSize=200`);
        // '' where the row shows "—" in the sorted column.
        const values = await page.getByTestId('results-row').evaluateAll(
          (trs, key) => trs.map((tr) => (key === 'honesty' ? (tr.querySelector('[data-honesty]')?.getAttribute('data-honesty') ?? '') : tr.querySelector('td.c-end time') ? 'x' : '')),
          sort,
        );
        const firstEmpty = values.indexOf('');
        assert.ok(firstEmpty > 0, `${sort} ${dir}: values first, then the empty ones (${values.join(',')})`);
        assert.ok(values.slice(firstEmpty).every((v) => v === ''), `${sort} ${dir}: nothing after the empty ones`);
      }
    }
  });

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
      failures = [];
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
