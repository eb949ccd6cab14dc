/**
 * The candidate page during and at the end of the exam: a warning the proctor sends from
 * the live grid appears on it; "Finish exam" asks for confirmation, the session is closed on
 * the server (attempt ended as "finished", every track a finalised WebM within 1 s of the
 * exam's length), the page releases camera and screen and says so, and the link no longer
 * opens the exam.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { useBrowser } from '../support/browser.ts';
import { checkFinalised, recordedFrom, recordingFinalised, waitFor } from '../support/media.ts';
import { openCandidate, openProctor, waitPublishing } from '../support/pages.ts';
import { useStack, type Stack } from '../support/stack.ts';

describe('proctor warning and finishing the exam', () => {
  let stack: Stack;
  let browser: Browser;
  useStack({ candidates: 1, workers: 1 }, (s) => (stack = s));
  useBrowser((b) => (browser = b));

  it('shows the proctor\'s warning, then closes the session after confirmation and keeps it closed', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const url = stack.candidateUrl(sessionId);
    const page = await openCandidate(browser, url);
    await waitPublishing(page, 1);

    // The proctor warns the candidate from the tile; the page shows the message.
    const proctor = await openProctor(browser, stack.proctorUrl());
    const tile = proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"][data-state="connected"]`);
    await tile.getByTestId('tile-warn').click({ timeout: 30_000 });
    const preset = proctor.getByTestId('warn-dialog').getByTestId('warn-preset').first();
    const presetText = (await preset.textContent())!.trim();
    await preset.click();
    const shown = page.getByTestId('proctor-warning-text');
    await shown.waitFor({ timeout: 10_000 });
    assert.equal((await shown.textContent())!.trim(), presetText);
    const logged = await stack.db.selectFrom('actionLog').select('details').where('sessionId', '=', sessionId).where('action', '=', 'proctor.warning_sent').execute();
    assert.deepEqual(logged.map((l) => l.details), [{ message: presetText }]);
    await proctor.close();
    await new Promise((r) => setTimeout(r, 1000)); // a few seconds of every track on disk
    const since = new Map((await waitPublishing(page, 1)).producers.map((p) => [p.source, p.since]));

    await page.getByTestId('finish').click();
    const dialog = page.getByTestId('finish-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: /Continue|Продолжить|жалғастыру/ }).click();
    assert.equal(await page.getByTestId('status').isVisible(), true, 'cancelling keeps the exam running');

    await page.getByTestId('finish').click();
    await page.getByTestId('finish-confirm').click();
    await page.getByTestId('finished').waitFor({ timeout: 15_000 });
    const live = await page.evaluate(() => [...document.querySelectorAll('video')].some((v) => (v.srcObject as MediaStream | null)?.getTracks().some((t) => t.readyState === 'live')));
    assert.equal(live, false, 'camera and screen are released');

    const session = await stack.db.selectFrom('examSessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(session.status, 'finished');
    const attempts = await stack.db.selectFrom('attempts').selectAll().where('sessionId', '=', sessionId).execute();
    assert.deepEqual(attempts.map((a) => [a.number, a.endReason]), [[1, 'finished']]);
    const recordings = await waitFor(
      'recordings finalised',
      async () => {
        const rows = await stack.db.selectFrom('recordings').selectAll().where('sessionId', '=', sessionId).execute();
        return rows.length === 3 && rows.every(recordingFinalised) ? rows : undefined;
      },
      60_000,
    );
    assert.deepEqual(recordings.map((r) => r.source).sort(), ['camera', 'microphone', 'screen']);
    for (const r of recordings) {
      // The exam time of the track: from the server taking it to the end of the attempt (the
      // server closes the producers then, after the page has sent what it still held).
      const examSec = (attempts[0]!.endedAt!.getTime() - recordedFrom(r, since.get(r.source)!)) / 1000;
      const durationSec = await checkFinalised(stack.recordingsDir, r);
      assert.ok(Math.abs(durationSec - examSec) <= 1, `${r.source}: ${durationSec.toFixed(2)} s recorded of ${examSec.toFixed(2)} s`);
    }

    // The same link now says the session is closed instead of starting another attempt.
    await page.goto(url);
    await waitFor('closed notice', async () => ((await page.getByRole('alert').textContent())?.length ? true : undefined), 20_000);
    assert.equal(await page.getByTestId('consent').count(), 0);
    await page.close();
  });
});
