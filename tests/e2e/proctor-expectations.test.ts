/**
 * What a proctor used to the original expects (issue 18) of the Results page, in real
 * Chromium at 1280×720 against a real media node, in Kazakh, Russian and English: Results
 * fits the screen (every column's right edge inside the viewport, no cell content spilling
 * out, a sticky header, filters in one bar; the grouped view too), rows show the candidate's
 * latest photo with no request that fails, the discipline filter works, exams are found by
 * typing however old, one typed DD.MM.YYYY HH:MM:SS date field that always shows the filter
 * in force (also after "Reset"), and empty values sort last both ways. The other pages:
 * proctor-pages.test.ts; the set-up: support/proctor-browser.ts.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import type { Stack } from '../support/stack.ts';
import { assertFits, LOCALES, measure, OLD_EXAM, openProctorBrowser, VIEWPORT, type Locale, type ProctorBrowser } from '../support/proctor-browser.ts';

describe('what a proctor used to the original expects: Results', () => {
  let pb: ProctorBrowser;
  let stack: Stack;
  let page: Page;
  let withPhoto: Set<string>;
  let oldExamId: string;
  let failures: string[];
  beforeAll(async () => {
    pb = await openProctorBrowser();
    ({ stack, page, failures, withPhoto, oldExamId } = pb);
  });
  afterAll(() => pb?.close());
  const settled = () => pb.settled();
  const useLocale = (locale: Locale) => pb.useLocale(locale);
  const openResults = (query?: string) => pb.openResults(query);

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
});
