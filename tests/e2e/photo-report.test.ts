/**
 * The photo report in real Chromium against a real media node (jobs in-process, the demo
 * inbox as mail server), with real WebM recordings (tests/support/review-fixture.ts): the
 * card shows the verification and every violation with the snapshot the job grabbed, the
 * printed page hides the app chrome, Download PDF gives a PDF with the candidate's name,
 * and the e-mail dialog refuses a bad address (nothing sent) and sends a good one.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { insertVerification, setUserPasswordHash } from '@proctor/db';
// Not exported by @proctor/signaling; the same hashing the sign-in route verifies against.
import { hashPassword } from '../../signaling/src/services/auth.service.ts';
import { launchBrowser } from '../support/browser.ts';
import { seedReviewSession, type ReviewSession } from '../support/review-fixture.ts';
import { ADMIN, PROCTOR, signIn } from '../support/staff.ts';
import { useStack, type Stack } from '../support/stack.ts';

const run = promisify(execFile);

describe('photo report', () => {
  let stack: Stack;
  let browser: Browser;
  let review: ReviewSession;
  let page: Page;

  useStack({ candidates: 3 }, (s) => (stack = s));
  beforeAll(async () => {
    review = await seedReviewSession(stack.db, stack.recordingsDir);
    const face = `verification/${review.sessionId}-face.jpg`;
    await fs.mkdir(path.join(stack.recordingsDir, 'verification'), { recursive: true });
    await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', review.attempts[0]!.recordings.camera.file, '-frames:v', '1', path.join(stack.recordingsDir, face)]);
    const at = new Date(review.attempts[0]!.startedAt.getTime() - 3000);
    await insertVerification(stack.db, { sessionId: review.sessionId, startedAt: at, endedAt: new Date(at.getTime() + 2000), result: 'successful', facePhotoPath: face });
    await setUserPasswordHash(stack.db, stack.seed.proctorUserId, await hashPassword(PROCTOR.password));
    await setUserPasswordHash(stack.db, stack.seed.adminUserId, await hashPassword(ADMIN.password));
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('[page error]', err.message));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the card with the verification and every violation, snapshots filled in by the job', async () => {
    await page.goto(`${stack.node.url}/results/${review.sessionId}/photo`);
    await signIn(page, PROCTOR);
    await page.getByTestId('photo-card').waitFor();
    assert.equal(await page.getByTestId('photo-candidate').textContent(), review.candidateName);
    assert.equal((await page.getByTestId('photo-violation-count').textContent())?.trim(), String(review.violations.length));
    const events = page.getByTestId('photo-event');
    assert.equal(await events.count(), review.violations.length + 1);
    assert.equal(await events.first().getAttribute('data-kind'), 'verification');
    assert.match((await events.first().textContent()) ?? '', /Verification — Successful|Верификация — Успешно|Верификация — Сәтті/);
    // The page polls while the job grabs frames: every event ends with a loaded picture.
    await page.waitForFunction(
      (n) => {
        const imgs = [...document.querySelectorAll('[data-testid="photo-event"] img')] as HTMLImageElement[];
        return imgs.length === n && imgs.every((img) => img.complete && img.naturalWidth > 0);
      },
      review.violations.length + 1,
      { timeout: 30_000 },
    );

    if (process.env.PHOTO_PAGE_PNG) await page.screenshot({ path: process.env.PHOTO_PAGE_PNG, fullPage: true });

    // Printing shows the card only.
    await page.emulateMedia({ media: 'print' });
    if (process.env.PHOTO_PAGE_PNG) await page.screenshot({ path: process.env.PHOTO_PAGE_PNG.replace(/\.png$/, '-print.png'), fullPage: true });
    assert.equal(await page.getByTestId('photo-download').isVisible(), false);
    assert.equal(await page.locator('.appbar').first().isVisible(), false);
    assert.equal(await page.getByTestId('photo-card').isVisible(), true);
    await page.emulateMedia({ media: 'screen' });
  });

  it('downloads the PDF with the candidate\'s name', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('photo-download').click()]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const file = path.join(stack.recordingsDir, 'downloaded.pdf');
    await download.saveAs(file);
    const { stdout } = await run('pdftotext', [file, '-']);
    assert.ok(stdout.replace(/\s+/g, ' ').includes(review.candidateName));
  });

  it('refuses a bad e-mail address in the dialog (nothing sent) and sends a good one', async () => {
    await page.getByTestId('photo-email').click();
    await page.getByTestId('photo-email-address').fill('dean.office@@university');
    await page.getByTestId('photo-email-send').click();
    await page.getByTestId('photo-email-error').waitFor();
    assert.equal(await page.getByTestId('photo-email-dialog').isVisible(), true, 'the dialog stays open');

    await page.getByTestId('photo-email-address').fill('dean.office@university.kz');
    await page.getByTestId('photo-email-send').click();
    await page.getByTestId('photo-email-dialog').waitFor({ state: 'hidden' });
    // The demo inbox (no SMTP_URL) lists the message and its attachment.
    const deadline = Date.now() + 30_000;
    let inbox = '';
    while (Date.now() < deadline) {
      inbox = await stack.devMail();
      if (inbox.includes('dean.office@university.kz') && inbox.includes('.pdf')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(inbox.includes('dean.office@university.kz') && /\.pdf \(application\/pdf/.test(inbox), 'the PDF arrived');
    assert.ok(!inbox.includes('@@university'), 'the bad address got nothing');
  });
});
