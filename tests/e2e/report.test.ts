/**
 * The detailed report in real Chromium against a real media node, with real WebM
 * recordings of a session that had two attempts (tests/support/review-fixture.ts):
 * "View" from a filtered Results page, both players load, a violation in attempt 2 seeks
 * both players there, synchronized playback, the action archive names the viewer, another
 * staff member's Results table turns "Viewed" live, "Close" keeps the filters, recordings
 * not yet finalised (no cues) still play and seek, and a recording missing on disk is named
 * while the rest still works.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { setUserPasswordHash } from '@proctor/db';
// Not exported by @proctor/signaling; the same hashing the sign-in route verifies against.
import { hashPassword } from '../../signaling/src/services/auth.service.ts';
import { launchBrowser } from '../support/browser.ts';
import { waitFor } from '../support/media.ts';
import { seedReviewSession, type ReviewSession } from '../support/review-fixture.ts';
import { ADMIN, PROCTOR, signIn } from '../support/staff.ts';
import { useStack, type Stack } from '../support/stack.ts';

interface PlayerState {
  attempt: string | null;
  camera: { time: number; ready: number; paused: boolean } | null;
  screen: { time: number; ready: number; paused: boolean } | null;
  microphone: { time: number; ready: number } | null;
}

// A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
const READ_PLAYERS = `(() => {
  const state = (id) => {
    const el = document.querySelector('[data-testid="' + id + '"]');
    return el && el.getAttribute('src') ? { time: el.currentTime, ready: el.readyState, paused: el.paused } : null;
  };
  return {
    attempt: document.querySelector('[data-testid="players"]')?.getAttribute('data-attempt') ?? null,
    camera: state('player-camera'),
    screen: state('player-screen'),
    microphone: state('player-microphone'),
  };
})()`;

function players(page: Page): Promise<PlayerState> {
  return page.evaluate(READ_PLAYERS) as Promise<PlayerState>;
}

describe('detailed report', () => {
  let stack: Stack;
  let browser: Browser;
  let review: ReviewSession;
  /** Another candidate's session whose recordings the finalise job has not processed yet. */
  let unfinalised: ReviewSession;
  let proctorPage: Page;
  let adminPage: Page;

  useStack({ candidates: 3 }, (s) => (stack = s));
  beforeAll(async () => {
    review = await seedReviewSession(stack.db, stack.recordingsDir);
    unfinalised = await seedReviewSession(stack.db, stack.recordingsDir, { candidateIndex: 1, recordingStatus: 'stopped' });
    await setUserPasswordHash(stack.db, stack.seed.proctorUserId, await hashPassword(PROCTOR.password));
    await setUserPasswordHash(stack.db, stack.seed.adminUserId, await hashPassword(ADMIN.password));
    browser = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
    const open = async (label: string) => {
      const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`[${label} page error]`, err.message));
      return page;
    };
    proctorPage = await open('proctor');
    adminPage = await open('admin');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens from "View", seeks both players to a violation in attempt 2, logs the view and the decision live, closes back to the filters', async () => {
    // Another staff member watches the Results table.
    await adminPage.goto(`${stack.node.url}/results`);
    await signIn(adminPage, ADMIN);
    const adminRow = adminPage.locator(`[data-testid="results-row"][data-session-id="${review.sessionId}"]`);
    await adminRow.locator('[data-testid="review-status"][data-review="not_viewed"]').waitFor({ timeout: 15_000 });
    await adminPage.locator('[data-testid="live-state"][data-state="on"]').waitFor({ timeout: 15_000 });

    await proctorPage.goto(`${stack.node.url}/results?status=finished`);
    await signIn(proctorPage, PROCTOR);
    await proctorPage
      .locator(`[data-testid="results-row"][data-session-id="${review.sessionId}"] [data-testid="view-report"]`)
      .click();
    await proctorPage.waitForURL((url) => url.pathname === `/results/${review.sessionId}`);

    // Both players (and the sound) load attempt 1.
    await waitFor('both players to load', async () => {
      const p = await players(proctorPage);
      return p.attempt === '1' && (p.camera?.ready ?? 0) >= 1 && (p.screen?.ready ?? 0) >= 1 && (p.microphone?.ready ?? 0) >= 1;
    });
    assert.equal(await proctorPage.getByTestId('attempt-tab').count(), 2);
    assert.equal(await proctorPage.getByTestId('timeline-gap').count(), 1);
    assert.equal(await proctorPage.getByTestId('timeline-marker').count(), review.violations.length);
    assert.equal(await proctorPage.getByTestId('violation').count(), review.violations.length);

    // The 3rd violation is in attempt 2: both players switch attempt and stand at its offset.
    const third = review.violations[2]!;
    assert.equal(third.attemptNumber, 2);
    await proctorPage.locator('[data-testid="violation"][data-index="2"]').click();
    const at = await waitFor('both players at the 3rd violation', async () => {
      const p = await players(proctorPage);
      const near = (time: number | undefined) => time !== undefined && Math.abs(time - third.offsetSec) < 0.5;
      return p.attempt === '2' && (p.camera?.ready ?? 0) >= 1 && (p.screen?.ready ?? 0) >= 1 && near(p.camera?.time) && near(p.screen?.time) ? p : undefined;
    });
    assert.ok(Math.abs(at.camera!.time - third.offsetSec) < 0.5, `camera at ${at.camera!.time}, violation at ${third.offsetSec}`);
    assert.ok(Math.abs(at.screen!.time - third.offsetSec) < 0.5, `screen at ${at.screen!.time}, violation at ${third.offsetSec}`);
    assert.match(await proctorPage.getByTestId('violation-index').innerText(), new RegExp(`^\\s*3\\D+${review.violations.length}\\s*$`));

    // The view is in the action archive with the proctor's name and IIN…
    const proctor = await stack.db.selectFrom('users').select(['fullName', 'iin']).where('id', '=', stack.seed.proctorUserId).executeTakeFirstOrThrow();
    const viewed = proctorPage.locator('[data-testid="action-row"][data-action="session.viewed"]');
    await viewed.first().waitFor({ timeout: 10_000 });
    assert.equal(await viewed.count(), 1);
    assert.equal((await viewed.getByTestId('action-name').innerText()).trim(), proctor.fullName);
    assert.equal((await viewed.getByTestId('action-iin').innerText()).trim(), proctor.iin);
    // …and the other staff member's Results table shows "Viewed" without a reload.
    await adminRow.locator('[data-testid="review-status"][data-review="viewed"]').waitFor({ timeout: 10_000 });

    // One clock: while playing, the two players stay within 100 ms of each other.
    await proctorPage.getByTestId('play-toggle').click();
    await proctorPage.waitForTimeout(2500);
    const playing = await players(proctorPage);
    assert.equal(playing.camera!.paused, false);
    assert.ok(playing.camera!.time > third.offsetSec + 1, `playback advanced (camera at ${playing.camera!.time})`);
    const drift = Math.abs(playing.camera!.time - playing.screen!.time);
    assert.ok(drift < 0.1, `drift between webcam and screen: ${(drift * 1000).toFixed(0)} ms`);
    await proctorPage.getByTestId('play-toggle').click();

    // The decision (top right) is saved, logged in the archive and reaches the other table.
    await proctorPage.getByTestId('decision-select').selectOption('admitted');
    await proctorPage.locator('[data-testid="action-row"][data-action="session.decision_changed"]').waitFor({ timeout: 10_000 });
    await adminRow.locator('[data-testid="decision-select"][data-decision="admitted"]').waitFor({ timeout: 10_000 });

    // "Close" goes back to the Results page with its filters.
    await proctorPage.getByTestId('report-close').click();
    await proctorPage.waitForURL((url) => url.pathname === '/results');
    assert.equal(new URL(proctorPage.url()).searchParams.get('status'), 'finished');
  });

  it('plays and seeks recordings the finalise job has not made seekable yet', async () => {
    await proctorPage.goto(`${stack.node.url}/results/${unfinalised.sessionId}`);
    await waitFor('both players to load', async () => {
      const p = await players(proctorPage);
      return p.attempt === '1' && (p.camera?.ready ?? 0) >= 1 && (p.screen?.ready ?? 0) >= 1;
    });
    const fourth = unfinalised.violations[3]!;
    await proctorPage.locator('[data-testid="violation"][data-index="3"]').click();
    await waitFor('both players at the 4th violation', async () => {
      const p = await players(proctorPage);
      const near = (time: number | undefined) => time !== undefined && Math.abs(time - fourth.offsetSec) < 0.5;
      return p.attempt === String(fourth.attemptNumber) && near(p.camera?.time) && near(p.screen?.time);
    });
    await proctorPage.getByTestId('play-toggle').click();
    await waitFor('playback to advance', async () => (await players(proctorPage)).camera!.time > fourth.offsetSec + 1);
    await proctorPage.getByTestId('play-toggle').click();
  });

  it('names the recording missing on disk and still shows everything else', async () => {
    await fs.rm(review.attempts[0]!.recordings.screen.file);
    await proctorPage.goto(`${stack.node.url}/results/${review.sessionId}`);
    const problem = proctorPage.locator('[data-testid="track-problem"][data-source="screen"]');
    await problem.waitFor({ timeout: 15_000 });
    assert.match(await problem.innerText(), /screen|экран/i);
    await waitFor('the webcam still loads', async () => {
      const p = await players(proctorPage);
      return p.attempt === '1' && p.screen === null && (p.camera?.ready ?? 0) >= 1;
    });
    assert.equal(await proctorPage.getByTestId('violation').count(), review.violations.length);
    await waitFor('the archive with both views', async () => (await proctorPage.locator('[data-testid="action-row"][data-action="session.viewed"]').count()) === 2);
    assert.equal(await proctorPage.locator('[data-testid="download-screen"]').count(), 0);
    assert.equal(await proctorPage.locator('[data-testid="download-camera"]').count(), 1);
  });
});
