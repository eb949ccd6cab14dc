/**
 * Webhooks in the admin UI (#13), end to end on a real media node in headless Chromium: the
 * admin creates an endpoint on /admin/webhooks pointing at a receiver on loopback and sees
 * the secret once; a decision set through the API arrives signed with that secret; the
 * endpoint's delivery log shows it delivered, and "Send again" delivers the same event again.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { verifyWebhookSignature } from '@proctor/recorder';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { ADMIN, seedAdminPassword, signIn } from '../support/staff.ts';
import { WebhookReceiver, waitFor } from '../support/webhook-receiver.ts';

describe('webhooks (admin UI) delivering to a receiver', () => {
  let stack: Stack;
  let browser: Browser;
  const rx = new WebhookReceiver();

  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    await seedAdminPassword(stack);
    await rx.start();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await rx.stop();
  });

  it('creates an endpoint with its secret shown once; a decision arrives signed; the log shows it and sends it again', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[admin page error]', err.message));
    await page.goto(new URL('/admin/webhooks', stack.node.url).href);
    await signIn(page, ADMIN);
    await page.waitForURL(/\/admin\/webhooks/, { timeout: 20_000 });
    await page.getByTestId('admin-webhooks').waitFor();

    await page.getByTestId('webhook-new').click();
    await page.getByTestId('webhook-name').fill('E2E LMS');
    await page.getByTestId('webhook-url').fill('ftp://nope');
    await page.getByTestId('webhook-save').click();
    await page.getByTestId('webhook-form').locator('.field-error').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('webhook-url').fill(rx.url);
    await page.getByTestId('webhook-save').click();
    const secretBox = page.getByTestId('webhook-secret-value');
    await secretBox.waitFor({ timeout: 15_000 });
    const secret = ((await secretBox.textContent()) ?? '').trim();
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    await page.getByTestId('webhook-secret').getByRole('button', { name: /Done|Готово|Дайын/ }).click();
    const row = page.getByTestId('webhook-row').filter({ hasText: 'E2E LMS' });
    await row.waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the list never shows the secret');

    // A reviewer's decision, through the HTTP API with the admin's browser session.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const sessionId = stack.seed.sessions[0]!.sessionId;
    const set = await fetch(new URL(`/api/sessions/${sessionId}/decision`, stack.node.url), {
      method: 'PATCH',
      headers: { cookie, origin: stack.node.url, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'admitted' }),
    });
    assert.equal(set.status, 200, await set.text());
    await waitFor(() => rx.accepted.length === 1, 20_000, 'the decision delivery');
    const got = rx.requests[0]!;
    assert.equal(verifyWebhookSignature(secret, got.body, got.headers['x-proctor-signature'] as string, Math.floor(Date.now() / 1000)).ok, true);
    const body = JSON.parse(got.body) as { id: string; type: string; data: { sessionId: string; decision: string } };
    assert.equal(body.type, 'decision.changed');
    assert.deepEqual([body.data.sessionId, body.data.decision], [sessionId, 'admitted']);

    await row.getByTestId('webhook-deliveries').click();
    await page.waitForURL(/\/admin\/webhooks\/[0-9a-f-]{36}$/);
    const delivery = page.getByTestId('webhook-delivery-row').first();
    await delivery.waitFor();
    assert.equal(await delivery.getAttribute('data-status'), 'delivered');
    await delivery.getByTestId('webhook-redeliver').click();
    await waitFor(() => rx.accepted.length === 2, 20_000, 'the redelivery');
    assert.equal((JSON.parse(rx.requests[1]!.body) as { id: string }).id, body.id, 'the same event again');
    await context.close();
  });
});
