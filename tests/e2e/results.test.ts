/**
 * The Results page in real Chromium against a real media node: sign-in (and the redirect to
 * it), filters in the URL (group + honesty range + date), server-side sorting, the grouped
 * view with "Expand", an optimistic decision change that persists and is audit-logged (and
 * one the server refuses, rolled back), the language switch remembered per user, sign-out.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/media.ts';
import { PROCTOR, seedResultsData, signIn } from '../support/staff.ts';

const GROUP = 'ИС-22-1';
const HONESTY = { min: 40, max: 85 };

/** `DD.MM.YYYY HH:MM` wall time in Almaty, as the date filter is typed. */
function almatyWallTime(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`;
}

async function settled(page: Page): Promise<void> {
  await page.locator('[data-testid="results"][data-loading="false"]').waitFor({ timeout: 15_000 });
}

async function honestyColumn(page: Page): Promise<number[]> {
  const values = await page.locator('[data-testid="results-row"] [data-honesty]').evaluateAll((els) => els.map((e) => e.getAttribute('data-honesty')));
  return values.filter((v): v is string => v !== null && v !== '').map(Number);
}

async function heading(page: Page): Promise<string> {
  return (await page.locator('main h1').first().innerText()).trim();
}

async function chooseLanguage(page: Page, locale: 'kk' | 'ru' | 'en'): Promise<void> {
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/auth/me/locale') && r.request().method() === 'PUT');
  await page.getByTestId(`lang-${locale}`).click();
  assert.equal((await saved).status(), 200, `PUT /api/auth/me/locale (${locale})`);
}

describe('results page', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  useStack({ candidates: 3 }, (s) => (stack = s));
  beforeAll(async () => {
    await seedResultsData(stack);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('[results page error]', err.message));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends a signed-out visitor to /login and back after signing in', async () => {
    await page.goto(`${stack.node.url}/results?status=finished`);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/results?status=finished');

    await page.getByTestId('login-email').fill(PROCTOR.email);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'invalid_credentials');

    await signIn(page, PROCTOR);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/results');
    assert.equal(url.searchParams.get('status'), 'finished');
    await page.getByTestId('results-row').first().waitFor();
    await chooseLanguage(page, 'ru');
    assert.equal(await heading(page), 'Результаты');
  });

  it('filters by group, honesty range and date through the URL', async () => {
    await page.goto(`${stack.node.url}/results`);
    await settled(page);
    // The group is searched as it is typed.
    await page.getByTestId('filter-group').fill(GROUP);
    await page.getByTestId('filter-group-option').filter({ hasText: GROUP }).first().click();
    await page.waitForURL(/groupId=/);
    // Honesty and dates are in the filter panel.
    if (!(await page.getByTestId('filter-honesty-min').isVisible())) await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-honesty-min').fill(String(HONESTY.min));
    await page.getByTestId('filter-honesty-max').fill(String(HONESTY.max));
    await page.getByTestId('filter-honesty-max').press('Tab');
    await page.waitForURL(/honestyMin=40.*honestyMax=85/);
    const since = new Date(Date.now() - 20 * 24 * 3600_000);
    await page.getByTestId('filter-from').fill(almatyWallTime(since));
    await page.getByTestId('filter-from').press('Tab');
    await page.waitForURL(/from=/);
    await settled(page);

    const url = new URL(page.url());
    const from = new Date(url.searchParams.get('from')!);
    assert.ok(Math.abs(from.getTime() - since.getTime()) < 60_000, `from ${url.searchParams.get('from')} is the chosen time`);

    const expected = await stack.db
      .selectFrom('examSessions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('archived', '=', false)
      .where('groupName', '=', GROUP)
      .where('honesty', '>=', HONESTY.min)
      .where('honesty', '<=', HONESTY.max)
      .where('startedAt', '>=', from)
      .where('examId', 'in', (eb) => eb.selectFrom('examProctors').select('examId').where('userId', '=', stack.seed.proctorUserId))
      .executeTakeFirstOrThrow();
    const total = Number(expected.n);
    assert.ok(total > 0, 'the data set has matching sessions');
    assert.equal(Number(await page.getByTestId('results-total').getAttribute('data-total')), total);

    const rows = page.getByTestId('results-row');
    assert.equal(await rows.count(), Math.min(total, 50));
    for (const group of await rows.locator('.c-group').allInnerTexts()) assert.equal(group.trim(), GROUP);
    for (const h of await honestyColumn(page)) assert.ok(h >= HONESTY.min && h <= HONESTY.max, `honesty ${h} in range`);

    // Shareable: the same URL in a fresh load shows the same filters.
    await page.reload();
    await settled(page);
    assert.equal(await page.getByTestId('filter-honesty-min').inputValue(), '40');
    assert.equal(Number(await page.getByTestId('results-total').getAttribute('data-total')), total);
  });

  it('sorts by honesty on the server, both ways', async () => {
    await page.getByTestId('sort-honesty').click();
    await page.waitForURL(/sort=honesty&dir=asc/);
    await settled(page);
    const header = page.locator('th', { has: page.getByTestId('sort-honesty') });
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    const up = await honestyColumn(page);
    assert.ok(up.length > 1);
    assert.deepEqual(up, [...up].sort((a, b) => a - b));

    await page.getByTestId('sort-honesty').click();
    await page.waitForURL(/sort=honesty&dir=desc/);
    await settled(page);
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const down = await honestyColumn(page);
    assert.deepEqual(down, [...down].sort((a, b) => b - a));

    // Back button: the previous sort comes back.
    await page.goBack();
    await page.waitForURL(/dir=asc/);
    await settled(page);
    assert.deepEqual(await honestyColumn(page), up);
    await page.goForward();
    await page.waitForURL(/dir=desc/);
    await settled(page);
  });

  it('groups by candidate and expands a candidate’s sessions', async () => {
    await page.getByTestId('group-by-candidate').click();
    await page.waitForURL(/groupBy=candidate/);
    await settled(page);
    const first = page.getByTestId('candidate-row').first();
    await first.waitFor();
    const candidateId = (await first.getAttribute('data-candidate-id'))!;
    const count = Number(await first.getByTestId('session-count').innerText());
    assert.ok(count >= 1);

    const expand = first.getByTestId('expand');
    assert.equal(await expand.getAttribute('aria-expanded'), 'false');
    await expand.click();
    const sessions = page.locator(`[data-testid="candidate-sessions"][data-candidate-id="${candidateId}"] [data-testid="results-row"]`);
    await sessions.first().waitFor();
    assert.equal(await sessions.count(), count);
    assert.equal(await expand.getAttribute('aria-expanded'), 'true');
    for (const h of await page.locator(`[data-testid="candidate-sessions"][data-candidate-id="${candidateId}"] [data-honesty]`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-honesty'))))) {
      assert.ok(h >= HONESTY.min && h <= HONESTY.max, 'expanded sessions keep the filters');
    }
    await expand.click();
    await sessions.first().waitFor({ state: 'detached' });

    await page.getByTestId('group-by-none').click();
    await page.waitForURL((url) => !url.searchParams.has('groupBy'));
    await settled(page);
  });

  it('changes a decision in the row: saved, logged, kept after reload; a refused one rolls back', async () => {
    const row = page.getByTestId('results-row').first();
    const sessionId = (await row.getAttribute('data-session-id'))!;
    const select = row.getByTestId('decision-select');
    const before = (await select.getAttribute('data-decision'))!;
    const next = before === 'annulled' ? 'admitted' : 'annulled';

    const patched = page.waitForResponse((r) => r.url().endsWith(`/api/sessions/${sessionId}/decision`) && r.request().method() === 'PATCH');
    await select.selectOption(next);
    assert.equal(await select.getAttribute('data-decision'), next, 'shown at once');
    assert.equal((await patched).status(), 200);
    await page.locator('[data-testid="toast"][data-tone="success"]').first().waitFor();

    await page.reload();
    await settled(page);
    const again = page.locator(`[data-testid="results-row"][data-session-id="${sessionId}"] [data-testid="decision-select"]`);
    assert.equal(await again.getAttribute('data-decision'), next);
    assert.equal(await again.inputValue(), next);

    const log = await stack.db
      .selectFrom('actionLog')
      .selectAll()
      .where('sessionId', '=', sessionId)
      .where('action', '=', 'session.decision_changed')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    assert.ok(log, 'the change is in the action log');
    assert.equal(log.actorUserId, stack.seed.proctorUserId);
    assert.deepEqual(log.details, { from: before, to: next });

    // The server refuses the next change: the row goes back and a toast says why.
    await page.route('**/api/sessions/*/decision', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'test' } }) }),
    );
    await again.selectOption('not_admitted');
    await page.locator('[data-testid="toast"][data-tone="error"]').first().waitFor();
    await waitFor('decision rolled back', async () => (await again.getAttribute('data-decision')) === next, 5000);
    assert.equal(await again.inputValue(), next);
    await page.unroute('**/api/sessions/*/decision');
    const stored = await stack.db.selectFrom('examSessions').select('decision').where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(stored.decision, next);
  });

  it('switches the language to Kazakh and back, remembered for the user', async () => {
    assert.equal(await heading(page), 'Результаты');
    await chooseLanguage(page, 'kk');
    assert.equal(await heading(page), 'Нәтижелер');
    assert.equal((await page.getByTestId('sort-honesty').locator('span').first().textContent())?.trim(), 'Адалдық');
    await page.reload();
    await settled(page);
    assert.equal(await heading(page), 'Нәтижелер');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'kk');
    const user = await stack.db.selectFrom('users').select('locale').where('id', '=', stack.seed.proctorUserId).executeTakeFirstOrThrow();
    assert.equal(user.locale, 'kk');

    await chooseLanguage(page, 'ru');
    assert.equal(await heading(page), 'Результаты');
    await page.reload();
    await settled(page);
    assert.equal(await heading(page), 'Результаты');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
  });

  it('signs out from the user menu', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login/);
    await page.goto(`${stack.node.url}/results`);
    assert.equal(new URL(page.url()).pathname, '/login');
  });
});
