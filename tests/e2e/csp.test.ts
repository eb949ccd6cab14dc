/**
 * The web UI under its Content-Security-Policy (issue 16), in headless Chromium: pages carry
 * a nonce'd strict policy and still render and hydrate without a single violation; another
 * origin cannot frame them (clickjacking), our own origin can; the candidate page may frame
 * an external assessment while nothing else may; and the consent page states the exam's
 * actual retention.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { setUserPasswordHash } from '@proctor/db';
import { hashPassword } from '../../signaling/src/services/auth.service.ts';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { ADMIN, signIn } from '../support/staff.ts';

/** Collects the CSP violations a page reports (the browser logs each one). */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

describe('content security policy', () => {
  let stack: Stack;
  let browser: Browser;
  let foreign: http.Server;
  let foreignUrl = '';

  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    await setUserPasswordHash(stack.db, stack.seed.adminUserId, await hashPassword(ADMIN.password));
    browser = await launchBrowser();
    // Another origin (localhost ≠ 127.0.0.1) with a page that frames ours.
    foreign = http.createServer((req, res) => {
      const target = new URL(req.url ?? '/', 'http://x').searchParams.get('frame') ?? '';
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>evil</title><iframe id="f" src="${target}" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://localhost:${(foreign.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => foreign?.close(resolve));
  });

  it('sends a strict policy with a fresh nonce on every page, matching its inline scripts', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${stack.node.url}/login`);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'nonce-[^']+'/);
      assert.match(csp, /frame-ancestors 'self'/);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /frame-src 'self'(;|$)/, 'pages other than the exam frame nothing foreign');
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      const html = await res.text();
      assert.ok(html.includes(`nonce="${nonce}"`), 'the inline bootstrap script carries the nonce');
      nonces.add(nonce);
    }
    assert.equal(nonces.size, 2, 'a new nonce per response');
  });

  it('posts a sign-in submitted before hydration, so the password never lands in the URL', async () => {
    const html = await (await fetch(`${stack.node.url}/login?next=%2Fstatistics`)).text();
    assert.match(html, /<form[^>]*method="post"/);
    const res = await fetch(`${stack.node.url}/login?next=%2Fstatistics`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: stack.node.url },
      body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password }).toString(),
    });
    assert.equal(res.status, 303, await res.text());
    assert.equal(res.headers.get('location'), '/login?next=%2Fstatistics');
    assert.equal(res.headers.get('set-cookie'), null, 'no session from a form post');
  });

  it('lets the candidate page frame an external assessment (frame-src), and still nobody frame it', async () => {
    const res = await fetch(stack.candidateUrl(stack.seed.sessions[0]!.sessionId));
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-src 'self' https: http:/);
    assert.match(csp, /frame-ancestors 'self'/);
    // An LTI proctored attempt posts its signed start message to the platform into the frame (#13).
    assert.match(csp, /form-action 'self' https: http:/);
  });

  it('refuses to be framed by another origin, but not by itself', async () => {
    const page = await (await browser.newContext()).newPage();
    const violations = cspViolations(page);
    await page.goto(`${foreignUrl}/?frame=${encodeURIComponent(`${stack.node.url}/login`)}`);
    await page.waitForTimeout(1500);
    const framed = page.frames().find((f) => f !== page.mainFrame())!;
    assert.equal(await framed.locator('[data-testid=login-email]').count(), 0, 'the sign-in form does not render inside a foreign page');
    assert.ok(violations.some((v) => /frame-ancestors/.test(v)), `the browser reports the frame-ancestors refusal: ${violations.join(' | ')}`);

    const own = await (await browser.newContext()).newPage();
    await own.goto(`${stack.node.url}/login`);
    await own.evaluate(() => {
      const f = document.createElement('iframe');
      f.src = '/forgot-password';
      document.body.append(f);
    });
    await own.frameLocator('iframe').locator('[data-testid=forgot-email]').waitFor({ timeout: 15_000 });
    await page.context().close();
    await own.context().close();
  });

  it('renders and hydrates signed-in pages without a single violation', async () => {
    const page = await (await browser.newContext()).newPage();
    const violations = cspViolations(page);
    await page.goto(`${stack.node.url}/login?next=/results`);
    await signIn(page, ADMIN);
    await page.getByTestId('results').waitFor();
    await page.goto(`${stack.node.url}/admin/candidates`);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('states the exam’s retention on the consent page, without violations', async () => {
    const page = await (await browser.newContext()).newPage();
    const violations = cspViolations(page);
    await page.goto(stack.candidateUrl(stack.seed.sessions[0]!.sessionId));
    await page.getByTestId('consent').waitFor();
    const recordings = await page.getByTestId('retention-recordings').textContent();
    assert.match(recordings ?? '', /180/, 'the exam keeps recordings 180 days (the default of a new exam)');
    assert.match(recordings ?? '', /\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}/, 'with the date they go');
    assert.match((await page.getByTestId('retention-violations').textContent()) ?? '', /365/);
    assert.deepEqual(violations, []);
    await page.context().close();
  });
});
