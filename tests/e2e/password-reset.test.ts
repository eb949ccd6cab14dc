/**
 * "Forgot password" in the browser: the e-mail arrives (the demo inbox catches it when no
 * SMTP server is configured), its link sets a new password once, the new password signs
 * in, and opening the same link again is refused.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/media.ts';
import { PROCTOR, seedResultsData, signIn } from '../support/staff.ts';

describe('password reset by e-mail', () => {
  let stack: Stack;
  let browser: Browser;
  useStack({ candidates: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    await seedResultsData(stack);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('mails a one-time link that sets a new password', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${stack.node.url}/forgot-password`);
    await page.getByTestId('forgot-email').fill(PROCTOR.email);
    await page.getByTestId('forgot-submit').click();
    await page.getByTestId('forgot-sent').waitFor();

    const link = await waitFor('reset e-mail in the inbox', async () => {
      const inbox = await stack.devMail();
      const m = inbox.match(/https?:\/\/[^\s"'<>]+\/reset-password\?token=[A-Za-z0-9_-]+/);
      return m?.[0];
    });
    const resetUrl = new URL(link);
    const url = `${stack.node.url}${resetUrl.pathname}${resetUrl.search}`;

    const newPassword = 'a-brand-new-password-2026';
    await page.goto(url);
    await page.getByTestId('reset-password').fill(newPassword);
    await page.getByTestId('reset-confirm').fill(newPassword);
    await page.getByTestId('reset-submit').click();
    await page.getByTestId('reset-done').waitFor();

    // The old password no longer works; the new one does.
    const login = await (await browser.newContext()).newPage();
    await login.goto(`${stack.node.url}/login`);
    await login.getByTestId('login-email').fill(PROCTOR.email);
    await login.getByTestId('login-password').fill(PROCTOR.password);
    await login.getByTestId('login-submit').click();
    await login.getByTestId('login-error').waitFor();
    await login.goto(`${stack.node.url}/login`);
    await signIn(login, { email: PROCTOR.email, password: newPassword });
    assert.ok(!new URL(login.url()).pathname.startsWith('/login'));

    // Second use of the same link is refused.
    const again = await (await browser.newContext()).newPage();
    await again.goto(url);
    await again.getByTestId('reset-password').fill('yet-another-password-1');
    await again.getByTestId('reset-confirm').fill('yet-another-password-1');
    await again.getByTestId('reset-submit').click();
    const error = again.getByTestId('reset-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'reset_token_used');
  });
});
