/**
 * The Statistics page in real Chromium against a real media node with the realistic demo
 * data: the proctor signs in, sees the per-day chart and its table agree with counts taken
 * straight from the database (bucketed here by each exam's local day, independently of the
 * SQL under test), widens the period and sees bars and rows change, switches a section to
 * its table, reads the reconnection table worst first, downloads the Excel report (§4.6) and
 * finds in it exactly the sessions the page counts, per day, and gets a clear message (and
 * no statistics request) for an inverted period.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { PROCTOR, seedResultsData, signIn } from '../support/staff.ts';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of `date` in `timeZone`. */
function localDay(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

async function settled(page: Page): Promise<void> {
  await page.locator('[data-testid="statistics"][data-loading="false"]').waitFor({ timeout: 20_000 });
}

/** date → sessions, as the per-day table shows them (the table is in the page even in chart mode). */
async function dayTable(page: Page): Promise<Map<string, number>> {
  const rows = await page.locator('[data-testid="per-day-row"]').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-date') ?? '', Number(e.querySelector('[data-testid="sessions"]')?.textContent?.replace(/\s/g, '') ?? 'NaN')] as const),
  );
  return new Map(rows);
}

async function dayBars(page: Page): Promise<Map<string, number>> {
  const bars = await page.locator('[data-testid="per-day-chart"] [data-testid="bar"]').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-key') ?? '', Number(e.getAttribute('data-value'))] as const),
  );
  return new Map(bars);
}

/** `YYYY-MM-DD` as the period's fields show and take it: `DD.MM.YYYY`. */
const typed = (day: string) => day.split('-').reverse().join('.');

/** Types a day into a period field and applies it (Enter), as a user does. */
async function setDay(page: Page, testId: 'stats-from' | 'stats-to', day: string): Promise<void> {
  await page.getByTestId(testId).fill(typed(day));
  await page.getByTestId(testId).press('Enter');
}

describe('statistics page', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let today: string;
  /** The proctor's sessions per local day, straight from the tables. */
  let expected: Map<string, number>;

  beforeAll(async () => {
    const now = new Date();
    stack = await startStack({ candidates: 2 });
    await seedResultsData(stack, now);
    today = localDay(now, 'Asia/Almaty');
    const rows = await stack.db
      .selectFrom('examSessions as s')
      .innerJoin('exams as e', 'e.id', 's.examId')
      .innerJoin('examProctors as p', 'p.examId', 's.examId')
      .select(['s.startedAt', 'e.timeZone'])
      .where('p.userId', '=', stack.seed.proctorUserId)
      .where('s.startedAt', 'is not', null)
      .execute();
    expected = new Map();
    for (const r of rows) {
      const day = localDay(r.startedAt!, r.timeZone);
      expected.set(day, (expected.get(day) ?? 0) + 1);
    }
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('[statistics page error]', err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const expectedIn = (from: string, to: string) => {
    const out = new Map<string, number>();
    for (let d = from; d <= to; d = addDays(d, 1)) out.set(d, expected.get(d) ?? 0);
    return out;
  };

  it('opens from the navigation for a signed-in proctor, last 30 days, chart and table agreeing with the data', async () => {
    await page.goto(`${stack.node.url}/statistics`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await signIn(page, PROCTOR);
    assert.equal(new URL(page.url()).pathname, '/statistics');
    await settled(page);
    assert.equal(await page.getByTestId('nav-statistics').getAttribute('aria-current'), 'page');

    const from = addDays(today, -29);
    assert.equal(await page.getByTestId('stats-from').inputValue(), typed(from));
    assert.equal(await page.getByTestId('stats-to').inputValue(), typed(today));
    const want = expectedIn(from, today);
    assert.ok([...want.values()].some((n) => n > 0), 'the proctor has sessions in the last 30 days');
    assert.deepEqual(await dayTable(page), want);
    assert.deepEqual(await dayBars(page), want);
    const total = [...want.values()].reduce((a, b) => a + b, 0);
    assert.equal(Number((await page.getByTestId('total-sessions').innerText()).replace(/\s/g, '')), total);
    // The hour chart has its 24 bars.
    assert.equal(await page.locator('[data-testid="per-hour-chart"] [data-testid="bar"]').count(), 24);
  });

  it('updates the chart and the table when the period changes', async () => {
    const before = await dayBars(page);
    const from = addDays(today, -45);
    await setDay(page, 'stats-from', from);
    await page.waitForURL((url) => url.searchParams.get('from') === from);
    await settled(page);
    const want = expectedIn(from, today);
    // The demo proctor's exams 40 and 30 days ago now show up.
    assert.ok([...want.entries()].some(([day, n]) => n > 0 && !before.has(day)), 'the wider period adds days with sessions');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="per-day-chart"] [data-testid="bar"]').length === n, want.size);
    assert.deepEqual(await dayBars(page), want);
    assert.deepEqual(await dayTable(page), want);

    // One day only: a single bar with that day's count.
    const busiest = [...want.entries()].sort((a, b) => b[1] - a[1])[0]!;
    await setDay(page, 'stats-to', busiest[0]);
    await page.waitForURL((url) => url.searchParams.get('to') === busiest[0]);
    await setDay(page, 'stats-from', busiest[0]);
    await page.waitForURL((url) => url.searchParams.get('from') === busiest[0]);
    await settled(page);
    assert.deepEqual(await dayBars(page), new Map([busiest]));

    // Table view of the same section shows the same number, visibly.
    await page.getByTestId('per-day-show-table').click();
    const row = page.locator(`[data-testid="per-day-row"][data-date="${busiest[0]}"]`);
    assert.ok(await row.isVisible());
    assert.equal(Number((await row.getByTestId('sessions').innerText()).replace(/\s/g, '')), busiest[1]);
  });

  it('lists reconnections worst first and connection errors with resolved counts', async () => {
    await page.goto(`${stack.node.url}/statistics?from=${addDays(today, -45)}&to=${today}`);
    await settled(page);
    const reconnects = await page.locator('[data-testid="reconnect-row"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reconnects'))));
    assert.ok(reconnects.length > 0);
    assert.deepEqual(reconnects, [...reconnects].sort((a, b) => b - a));
    assert.ok(reconnects[0]! > 0, 'the demo has reconnected candidates');

    // Sorting by candidate puts names in order (server-side).
    await page.getByTestId('section-reconnects').getByTestId('sort-candidate').click();
    await page.waitForURL(/rSort=candidate/);
    await settled(page);
    const names = await page.locator('[data-testid="reconnect-row"] th').allInnerTexts();
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, 'kk')));

    const errors = page.locator('[data-testid="error-row"]');
    assert.ok((await errors.count()) > 0, 'the demo has connection errors');
    assert.ok(await page.getByTestId('errors-chart').isVisible());
    assert.ok((await page.locator('[data-testid="candidate-stats-row"]').count()) > 0);
  });

  it('downloads the Excel report holding exactly the sessions the page counts', async () => {
    const from = addDays(today, -45);
    await page.goto(`${stack.node.url}/statistics?from=${from}&to=${today}`);
    await settled(page);
    const total = Number((await page.getByTestId('total-sessions').innerText()).replace(/\s/g, ''));
    const perDay = await dayTable(page);

    await page.getByTestId('export-start').click();
    const link = page.getByTestId('export-download');
    await link.waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await download.path();
    assert.ok(file, 'the download was saved');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    const rows = sheet.getSheetValues().slice(2).filter(Boolean) as unknown[][];
    assert.equal(rows.length, total, 'one row per session counted on the page');
    // The start column holds local wall-clock times (an Excel date has no zone).
    const startColumn = rows[0]!.findIndex((v) => v instanceof Date);
    const fileDays = new Map<string, number>([...perDay.keys()].map((d) => [d, 0]));
    for (const row of rows) {
      const day = (row[startColumn] as Date).toISOString().slice(0, 10);
      fileDays.set(day, (fileDays.get(day) ?? 0) + 1);
    }
    assert.deepEqual(fileDays, perDay);
  });

  it('explains an inverted period without asking the server', async () => {
    let statisticsRequests = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/statistics/overview')) statisticsRequests++;
    });
    await setDay(page, 'stats-from', addDays(today, 5));
    await page.waitForURL((url) => url.searchParams.get('from') === addDays(today, 5));
    const error = page.getByTestId('stats-range-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'date_range_inverted');
    assert.equal(statisticsRequests, 0);
    await error.getByRole('button').click();
    await page.waitForURL((url) => url.searchParams.get('from') === addDays(today, -29));
    await page.getByTestId('per-day-chart').waitFor();
  });
});
