/**
 * The spine end to end in real Chromium: two candidates share camera + microphone +
 * entire screen, a proctor's grid decodes all four video tracks, and after the
 * candidates leave each track is a finalised WebM in the database and on disk (converted
 * from its RTP dump by the finalise job: ffprobe-readable, with cues) whose duration is
 * within 1 s of the time it was published. The first
 * candidate joins under the exam's default media profile (grid: 2 camera layers), the second
 * after the admin chose `high` (3 layers): the node receives each profile's encodings, the
 * screen is a 'detail' track, and the grid plays the low layer while the focus view plays the
 * highest (#11).
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { useBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { checkFinalised, recordedFrom, recordingFinalised, waitFor } from '../support/media.ts';
import { openCandidate, openProctor, waitFramesIncreasing, waitPublishing } from '../support/pages.ts';
import { watchBrowserMedia } from '../support/producers.ts';
import { DEFAULT_MEDIA_PROFILE, MEDIA_PROFILES, type MediaProfileId } from '@proctor/values';

const PUBLISH_MS = 12_000;

describe('media spine', () => {
  let stack: Stack;
  let browser: Browser;
  useStack({ candidates: 3 }, (s) => (stack = s));
  useBrowser((b) => (browser = b));

  it('forwards two candidates to the proctor grid and records every track', async () => {
    const proctor = await openProctor(browser, stack.proctorUrl());
    const sessions = stack.seed.sessions.slice(0, 2);
    const seen = watchBrowserMedia(stack);
    const profiles: MediaProfileId[] = [DEFAULT_MEDIA_PROFILE, 'high'];

    const candidates = [];
    for (const [i, s] of sessions.entries()) {
      await stack.db.updateTable('exams').set({ mediaProfile: profiles[i] }).where('id', '=', stack.seed.examId).execute();
      const page = await openCandidate(browser, stack.candidateUrl(s.sessionId));
      const state = await waitPublishing(page, 1);
      // The page sends at its exam's profile: the camera at its size, the screen for reading.
      const profile = MEDIA_PROFILES[profiles[i]!];
      assert.equal(state.mediaProfile, profiles[i]);
      assert.equal(state.tracks.screen?.contentHint, 'detail');
      const { width, height, frameRate } = profile.camera;
      assert.deepEqual(state.tracks.camera?.wanted, { width, height, frameRate });
      // One fake camera serves every page of this browser at the size its first user opened it,
      // so only the first candidate's capture size is its own.
      if (i === 0) assert.deepEqual([state.tracks.camera?.width, state.tracks.camera?.height], [width, height]);
      const camera = seen.producers.find((p) => p.sessionId === s.sessionId && p.source === 'camera')?.producer;
      const screen = seen.producers.find((p) => p.sessionId === s.sessionId && p.source === 'screen')?.producer;
      assert.deepEqual(
        camera?.rtpParameters.encodings?.map((e) => e.maxBitrate),
        profile.camera.layers.map((l) => l.maxBitrate),
        `${profiles[i]}: one encoding per layer`,
      );
      assert.equal(camera?.type, 'simulcast');
      assert.deepEqual(
        screen?.rtpParameters.encodings?.map((e) => e.maxBitrate),
        [profile.screen.maxBitrate],
      );
      // When each source started publishing, by the page's clock (the same machine's).
      const since = new Map(state.producers.map((p) => [p.source, p.since]));
      candidates.push({ page, sessionId: s.sessionId, since });
    }

    // Tiles carry each candidate's name; screens are shown on demand.
    for (const s of sessions) {
      const tile = proctor.locator(`[data-testid="tile"][data-session-id="${s.sessionId}"]`);
      await tile.waitFor({ timeout: 20_000 });
      assert.match(await tile.innerText(), new RegExp(s.candidateName));
      await tile.getByTestId('toggle-screen').click();
    }
    const expected = sessions.flatMap((s) => [
      { sessionId: s.sessionId, source: 'camera' },
      { sessionId: s.sessionId, source: 'screen' },
    ]);
    const live = await waitFramesIncreasing(proctor, expected);
    assert.equal(live.length, 4);

    // Grid tiles play the lowest camera layer; the focus view the highest that profile sends.
    const cameraConsumer = (sessionId: string) =>
      seen.consumers.find((c) => c.appData.sessionId === sessionId && c.appData.source === 'camera' && !c.closed);
    for (const s of sessions) assert.equal(cameraConsumer(s.sessionId)?.preferredLayers?.spatialLayer, 0);
    for (const [i, s] of sessions.entries()) {
      await proctor.locator(`[data-testid="tile"][data-session-id="${s.sessionId}"] button.stage`).click();
      const top = MEDIA_PROFILES[profiles[i]!].camera.layers.length - 1;
      await waitFor(`${profiles[i]} focus plays layer ${top}`, async () => cameraConsumer(s.sessionId)?.preferredLayers?.spatialLayer === top);
      await proctor.keyboard.press('Escape');
      await waitFor('back to the grid layer', async () => cameraConsumer(s.sessionId)?.preferredLayers?.spatialLayer === 0);
    }

    // Every source of every candidate publishes at least PUBLISH_MS.
    const lastStart = Math.max(...candidates.flatMap((c) => [...c.since.values()]));
    const elapsed = Date.now() - lastStart;
    if (elapsed < PUBLISH_MS) await new Promise((r) => setTimeout(r, PUBLISH_MS - elapsed));
    /** When each (session, source) was published: from its producer's start to the page closing. */
    const published = new Map<string, { since: number; closedAt: number }>();
    for (const c of candidates) {
      await c.page.context().close();
      const closedAt = Date.now();
      for (const [source, since] of c.since) published.set(`${c.sessionId}/${source}`, { since, closedAt });
    }

    // The grid notices the candidates left.
    for (const s of sessions) {
      await waitFor('tile shows disconnected', async () =>
        (await proctor.locator(`[data-testid="tile"][data-session-id="${s.sessionId}"]`).getAttribute('data-state')) === 'disconnected',
      );
    }

    const rows = await waitFor('6 finalised recordings', async () => {
      const r = await stack.db
        .selectFrom('recordings')
        .selectAll()
        .where('sessionId', 'in', sessions.map((s) => s.sessionId))
        .execute();
      return r.length === 6 && r.every(recordingFinalised) ? r : undefined;
    }, 90_000);

    for (const s of sessions) {
      const mine = rows.filter((r) => r.sessionId === s.sessionId);
      assert.deepEqual(mine.map((r) => r.source).sort(), ['camera', 'microphone', 'screen']);
      for (const r of mine) {
        assert.ok(!path.isAbsolute(r.path) && !r.path.includes('..'), 'stored path is relative to the recordings root');
        const durationSec = await checkFinalised(stack.recordingsDir, r);
        const pub = published.get(`${s.sessionId}/${r.source}`)!;
        const want = (pub.closedAt - recordedFrom(r, pub.since)) / 1000;
        assert.ok(
          Math.abs(durationSec - want) <= 1,
          `${s.candidateName} ${r.source}: duration ${durationSec.toFixed(2)}s vs published ${want.toFixed(2)}s`,
        );
        assert.ok(Number(r.bytes) > 0);
      }
    }
  });
});
