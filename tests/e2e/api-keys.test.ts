/**
 * API keys in the admin UI (#13), end to end on a real media node in headless Chromium:
 * the admin creates a key on /admin/api-keys, sees the whole key once, an LMS reads
 * /api/v1 with it over HTTP, the admin revokes it and the next request is refused (401).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { ADMIN, seedAdminPassword, signIn } from '../support/staff.ts';

describe('API keys (admin UI) and /api/v1 over HTTP', () => {
  let stack: Stack;
  let browser: Browser;

  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    await seedAdminPassword(stack);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const v1 = (path: string, key: string) => fetch(new URL(path, stack.node.url), { headers: { authorization: `Bearer ${key}` } });

  it('creates a key shown once, the key reads /api/v1, revoking it refuses the next request', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[admin page error]', err.message));
    await page.goto(new URL('/admin/api-keys', stack.node.url).href);
    await signIn(page, ADMIN);
    await page.waitForURL(/\/admin\/api-keys/, { timeout: 20_000 });
    await page.getByTestId('admin-api-keys').waitFor();

    await page.getByTestId('api-key-new').click();
    await page.getByTestId('api-key-name').fill('E2E Moodle');
    await page.getByTestId('api-key-save').click();
    const secretBox = page.getByTestId('api-key-secret-value');
    await secretBox.waitFor({ timeout: 15_000 });
    const secret = ((await secretBox.textContent()) ?? '').trim();
    assert.match(secret, /^pk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    await page.getByTestId('api-key-secret').getByRole('button', { name: /Done|Готово|Дайын/ }).click();
    const row = page.getByTestId('api-key-row').filter({ hasText: 'E2E Moodle' });
    await row.waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the list never shows the whole key');

    const exams = await v1('/api/v1/exams', secret);
    assert.equal(exams.status, 200);
    const body = (await exams.json()) as { items: { id: string }[] };
    assert.ok(body.items.length > 0);
    const sessions = await v1(`/api/v1/exams/${body.items[0]!.id}/sessions`, secret);
    assert.equal(sessions.status, 200);

    await row.getByTestId('api-key-revoke').click();
    await page.getByRole('dialog').getByRole('button', { name: /Revoke|Отозвать|Кері қайтару/ }).click();
    await row.getByTestId('api-key-revoke').waitFor({ state: 'detached', timeout: 15_000 });
    const refused = await v1('/api/v1/exams', secret);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'unauthenticated');

    const docs = await fetch(new URL('/api/docs/openapi.json', stack.node.url));
    assert.equal(docs.status, 200);
    await context.close();
  });
});
