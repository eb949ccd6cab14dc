/**
 * Live proctoring as the manual describes it (§3): entered from the panel, two modes,
 * "+" opens "Add student" (Group filter, Full name | Group, "Total records", pages), the
 * grid shows the chosen students, and closing a tile removes that student from the
 * selection (kept across a reload).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { setUserPasswordHash } from '@proctor/db';
import { hashPassword } from '../../signaling/src/services/auth.service.ts';
import { launchBrowser } from '../support/browser.ts';
import { ask, connect } from '../support/socket.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { PROCTOR, signIn } from '../support/staff.ts';
import { waitFor } from '../support/media.ts';

describe('live proctoring panel and student selection', () => {
  let stack: Stack;
  let browser: Browser;
  const candidates: Socket[] = [];

  useStack({ candidates: 3 }, (s) => (stack = s));
  beforeAll(async () => {
    await setUserPasswordHash(stack.db, stack.seed.proctorUserId, await hashPassword(PROCTOR.password));
    browser = await launchBrowser();
    // Two of the three candidates are connected (signalling only: tiles without media are enough here).
    for (const { sessionId } of stack.seed.sessions.slice(0, 2)) {
      const socket = await connect(stack.node.url, stack.token({ role: 'candidate', sessionId }));
      assert.equal((await ask(socket, 'candidate:join', {})).ok, true);
      candidates.push(socket);
    }
  });
  afterAll(async () => {
    for (const s of candidates) s.close();
    await browser?.close();
  });

  const tiles = (page: Page) => page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-session-id')));

  it('enters from the panel, removes a closed tile, adds it back from the dialog', async () => {
    const [s1, s2, s3] = stack.seed.sessions.map((s) => s.sessionId);
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`${stack.node.url}/login`);
    await signIn(page, PROCTOR);

    await page.getByTestId('nav-live').click();
    const exam = page.locator(`[data-testid="live-exam"][data-exam-id="${stack.seed.examId}"]`);
    await exam.waitFor();
    assert.equal(await exam.getAttribute('data-phase'), 'now');
    await exam.getByTestId('watch-screen').click();
    await page.waitForURL(/\/live\?mode=screen/);
    assert.equal(await page.getByRole('button', { name: /Camera \+ screen|Камера \+ экран|Камера \+ экран/ }).getAttribute('aria-pressed'), 'true');

    // Everyone who connects is shown until the proctor chooses.
    await waitFor('two tiles', async () => ((await tiles(page)).length === 2 ? true : undefined), 20_000);
    assert.deepEqual(new Set(await tiles(page)), new Set([s1, s2]));

    // §3.7: closing a tile removes the student from the selection, also after a reload.
    await page.locator(`[data-testid="tile"][data-session-id="${s1}"]`).getByTestId('tile-close').click();
    await waitFor('one tile', async () => ((await tiles(page)).length === 1 ? true : undefined), 5_000);
    await page.reload();
    await waitFor('still one tile after reload', async () => ((await tiles(page)).join() === s2 ? true : undefined), 20_000);

    // §3.3–3.4: "+" → Add student: all three candidates, total, and "Added" for the watched one.
    await page.getByTestId('add-students').click();
    const dialog = page.getByTestId('add-student-dialog');
    await dialog.getByTestId('add-student-row').first().waitFor();
    assert.match((await dialog.getByTestId('add-student-total').textContent()) ?? '', /3/);
    assert.equal(await dialog.getByTestId('add-student-row').count(), 3);
    assert.equal(await dialog.locator(`[data-session-id="${s2}"]`).getByTestId('add-student').count(), 0, 'the watched student shows "Added"');
    await dialog.locator(`[data-session-id="${s1}"]`).getByTestId('add-student').click();
    // A student who has not connected yet can be chosen too; the tile waits for them.
    await dialog.locator(`[data-session-id="${s3}"]`).getByTestId('add-student').click();
    await page.keyboard.press('Escape');
    await waitFor('three tiles', async () => ((await tiles(page)).length === 3 ? true : undefined), 10_000);
    const waiting = page.locator(`[data-testid="tile"][data-session-id="${s3}"]`);
    assert.equal(await waiting.getAttribute('data-state'), 'disconnected');

    // Search inside the dialog narrows the list (name typed in Kazakh/Russian letters).
    await page.getByTestId('add-students').click();
    const name = stack.seed.sessions[2]!.candidateName;
    await dialog.getByTestId('add-student-search').fill(name.split(' ')[0]!);
    await waitFor('search narrows the list', async () => ((await dialog.getByTestId('add-student-row').count()) === 1 ? true : undefined), 5_000);
    await page.close();
  });
});
