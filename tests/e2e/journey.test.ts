/**
 * The candidate journey and the browser detectors end to end, in real Chromium with fake
 * devices whose camera shows a real face (a .y4m made from the picture that ships with
 * @vladmandic/human):
 *
 * 1. one face + a reference photo of the same person: consent, device check and identity
 *    check pass and are stored; during the exam, switching to another tab, leaving fullscreen
 *    and pasting are stored as violations with the right times, pushed to the proctor's tile
 *    badge, and the session's honesty drops;
 * 2. two faces: the identity check fails ("several faces") and the exam raises multiple_faces;
 * 3. Chromium's default fake camera (no face): the check fails and the exam raises no_face;
 * 4. the admin's links page lists every candidate with a working personal link.
 *
 * Each scenario has its own browser (the fake camera is a launch flag) and stays short.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { sessionHonestyBreakdown, type Violation } from '@proctor/db';
import { launchBrowser } from '../support/browser.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/media.ts';
import { openProctor, waitPublishing } from '../support/pages.ts';
import { walkJourney } from '../support/journey.ts';
import { makeFaceY4m, makeReferenceJpeg } from '../support/face-video.ts';
import { PhotoStore } from '../../signaling/src/services/admin-photo.service.ts';
import { hashPassword } from '../../signaling/src/services/auth.service.ts';
import { setUserPasswordHash } from '@proctor/db';
import { ADMIN, signIn } from '../support/staff.ts';

/** Detector times are back-dated to when the condition began; allow for sampling and the debounce. */
const SLACK_MS = 1500;

async function openJourney(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[candidate page error]', err.message));
  await page.goto(url);
  return page;
}

function near(actual: Date | null, expected: number, what: string): void {
  assert.ok(actual, `${what}: no time stored`);
  const delta = actual.getTime() - expected;
  assert.ok(Math.abs(delta) <= SLACK_MS, `${what}: ${actual.toISOString()} is ${delta} ms from ${new Date(expected).toISOString()}`);
}

describe('candidate journey and browser detectors', () => {
  let stack: Stack;
  let dir: string;
  const browsers: Browser[] = [];
  const violationsOf = (sessionId: string, type?: string): Promise<Violation[]> => {
    let q = stack.db.selectFrom('violations').selectAll().where('sessionId', '=', sessionId);
    if (type) q = q.where('type', '=', type as Violation['type']);
    return q.orderBy('startsAt').execute();
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-journey-'));
    // The media node reads its reference-photo directory from the environment.
    process.env.PHOTOS_DIR = path.join(dir, 'photos');
    stack = await startStack({ candidates: 3, workers: 1 });
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('verifies a single face against the reference photo, then stores tab, fullscreen and paste violations with their times', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const { candidateId } = await stack.db.selectFrom('examSessions').select('candidateId').where('id', '=', sessionId).executeTakeFirstOrThrow();
    const stored = await new PhotoStore(process.env.PHOTOS_DIR!).save(candidateId, await fs.readFile(await makeReferenceJpeg(dir)), 'jpeg');
    await stack.db.updateTable('candidates').set({ referencePhotoPath: stored }).where('id', '=', candidateId).execute();

    const browser = await launchBrowser([`--use-file-for-fake-video-capture=${await makeFaceY4m('single', dir)}`]);
    browsers.push(browser);
    const proctor = await openProctor(browser, stack.proctorUrl());
    const page = await openJourney(browser, stack.candidateUrl(sessionId));
    const walk = await walkJourney(page);
    assert.deepEqual(walk, { verification: 'successful', faces: 1 });

    // What the journey stored: consent, a passed device check, the verification with its photo.
    const consent = await stack.db.selectFrom('actionLog').selectAll().where('sessionId', '=', sessionId).where('action', '=', 'candidate.consent_given').execute();
    assert.equal(consent.length, 1);
    const checks = await stack.db.selectFrom('connectionEvents').selectAll().where('sessionId', '=', sessionId).execute();
    assert.deepEqual(checks.map((c) => c.kind), ['device_check_passed']);
    const verification = await stack.db.selectFrom('verifications').selectAll().where('sessionId', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(verification.result, 'successful');
    assert.ok(verification.similarity! >= 0.6, `similarity ${verification.similarity}`);
    assert.ok(verification.endedAt >= verification.startedAt);
    const photo = await fs.readFile(path.join(stack.recordingsDir, verification.facePhotoPath));
    assert.deepEqual([...photo.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the face photo is a JPEG');

    await page.getByTestId('start').click();
    await waitPublishing(page, 1);
    assert.equal(await page.evaluate(() => document.fullscreenElement !== null), true, 'the exam runs in fullscreen');
    const tile = proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`);
    await tile.waitFor({ timeout: 20_000 });

    // Another tab in front for ~3 s. Headless Chromium never marks a background tab hidden
    // (visibilityState stays "visible"), but with Playwright's focus emulation off the exam
    // window loses focus exactly as in a real browser, so the switch shows as focus_lost.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    await page.bringToFront();
    const other = await page.context().newPage();
    const leftAt = Date.now();
    await other.bringToFront();
    await new Promise((r) => setTimeout(r, 3000));
    const backAt = Date.now();
    await page.bringToFront();
    await other.close();
    // Fullscreen left (what Esc does) for ~2.5 s, then back through the overlay's button.
    const exitedAt = Date.now();
    await page.evaluate(() => document.exitFullscreen());
    await new Promise((r) => setTimeout(r, 2500));
    const returnedAt = Date.now();
    await page.getByTestId('overlay-fullscreen').click();
    // Ctrl+V.
    const pastedAt = Date.now();
    await page.keyboard.press('Control+V');

    const [away, fullscreen, paste] = await waitFor('tab switch, fullscreen and paste violations stored and closed', async () => {
      const found = await Promise.all(['focus_lost', 'fullscreen_exit', 'paste'].map((type) => violationsOf(sessionId, type)));
      return found.every((v) => v.length === 1 && v[0]!.endsAt !== null) ? found.map((v) => v[0]!) : undefined;
    });
    near(away!.startsAt, leftAt, 'tab switch: start');
    near(away!.endsAt, backAt, 'tab switch: end');
    near(fullscreen!.startsAt, exitedAt, 'fullscreen left: start');
    near(fullscreen!.endsAt, returnedAt, 'fullscreen left: end');
    near(paste!.startsAt, pastedAt, 'paste');
    assert.equal(paste!.endsAt!.getTime(), paste!.startsAt.getTime());
    for (const v of [away!, fullscreen!, paste!]) assert.equal(v.source, 'client');
    // Nothing else: the face in frame is not "no face", the fake microphone's beeps are not speech.
    assert.deepEqual((await violationsOf(sessionId)).map((v) => v.type).sort(), ['focus_lost', 'fullscreen_exit', 'paste']);

    // The proctor's tile badge counts them live and names the latest, localised.
    const badge = tile.getByTestId('violation-badge');
    await waitFor('tile badge shows 3', async () => (await badge.getAttribute('data-count').catch(() => null)) === '3');
    assert.equal(await badge.getAttribute('data-type'), 'paste');
    // The candidate's overlay says what was recorded.
    assert.ok((await page.getByTestId('overlay-warning').count()) >= 1);

    // The Results row's honesty drops accordingly: recomputed by the server after the findings,
    // with exactly these three deducted (a ~20 s session makes them weigh a lot).
    const { honesty } = await waitFor('honesty recomputed', async () => {
      const row = await stack.db.selectFrom('examSessions').select('honesty').where('id', '=', sessionId).executeTakeFirstOrThrow();
      const b = await sessionHonestyBreakdown(stack.db, sessionId);
      const counted = b?.lines.filter((l) => l.counted && l.deduction > 0).map((l) => l.type).sort();
      return row.honesty !== null && counted?.join() === 'focus_lost,fullscreen_exit,paste' ? { honesty: row.honesty } : undefined;
    });
    assert.ok(honesty < 100, `honesty ${honesty}`);
    await page.context().close();
    await proctor.context().close();
  });

  it('fails the identity check with two faces and raises "several faces" during the exam', async () => {
    const { sessionId } = stack.seed.sessions[1]!;
    const browser = await launchBrowser([`--use-file-for-fake-video-capture=${await makeFaceY4m('two', dir)}`]);
    browsers.push(browser);
    const page = await openJourney(browser, stack.candidateUrl(sessionId));
    assert.deepEqual(await walkJourney(page), { verification: 'failed', faces: 2 });
    assert.equal((await stack.db.selectFrom('verifications').select('result').where('sessionId', '=', sessionId).executeTakeFirstOrThrow()).result, 'failed');
    const startedAt = Date.now();
    await page.getByTestId('start').click();
    const [found] = await waitFor('multiple_faces stored', async () => {
      const v = await violationsOf(sessionId, 'multiple_faces');
      return v.length ? v : undefined;
    }, 45_000);
    assert.ok(found!.startsAt.getTime() >= startedAt - SLACK_MS);
    assert.equal((await violationsOf(sessionId, 'no_face')).length, 0);
    await page.context().close();
    await browser.close();
  });

  it('raises "no face" with the default fake camera', async () => {
    const { sessionId } = stack.seed.sessions[2]!;
    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await openJourney(browser, stack.candidateUrl(sessionId));
    assert.deepEqual(await walkJourney(page), { verification: 'failed', faces: 0 });
    await page.getByTestId('start').click();
    await waitFor('no_face stored', async () => ((await violationsOf(sessionId, 'no_face')).length ? true : undefined), 45_000);
    assert.equal((await violationsOf(sessionId, 'multiple_faces')).length, 0);
    await page.context().close();
    await browser.close();
  });

  it('lists every candidate with a personal link on the admin page', async () => {
    await setUserPasswordHash(stack.db, stack.seed.adminUserId, await hashPassword(ADMIN.password));
    const browser = await launchBrowser();
    browsers.push(browser);
    const admin = await (await browser.newContext()).newPage();
    await admin.goto(`${stack.node.url}/login?next=/admin/exams/${stack.seed.examId}/links`);
    await signIn(admin, ADMIN);
    const rows = admin.getByTestId('link-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), stack.seed.sessions.length);
    // The first session finished nothing yet, so it has a link; opening it starts that candidate's journey.
    const { sessionId, candidateName } = stack.seed.sessions[0]!;
    const url = await admin.locator(`[data-testid="link-row"][data-session-id="${sessionId}"] input`).inputValue();
    assert.match(url, /\/exam\?token=[\w-]+\.[\w-]+$/);
    const candidate = await (await browser.newContext()).newPage();
    await candidate.goto(url.replace(/^https?:\/\/[^/]+/, stack.node.url));
    await candidate.getByTestId('devices').waitFor({ timeout: 20_000 }); // consent was given in the first scenario
    assert.match(await candidate.locator('header').first().innerText(), new RegExp(candidateName));
    await browser.close();
  });
});
