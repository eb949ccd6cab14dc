/**
 * #12 with a real network cut: the candidate's Chromium runs in its own network namespace
 * (tests/support/netns.ts) and its link goes down for 5 s — socket and media both. The
 * page comes back by itself on the same attempt; the proctor's tile shows `reconnecting`
 * during the cut and plays again soon after link-up (≤ 4 s here to stay stable on a loaded
 * CI machine; the 2 s target is measured by `pnpm bench:drops`); no recording is started
 * for the cut; the findings the page made while offline are stored exactly once.
 * Needs root (ip netns): skipped, saying so, otherwise.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { isRoot } from '../support/netns.ts';
import { startNetnsStack, type NetnsStack } from '../support/netns-stack.ts';
import { openCandidate, openProctor, waitPublishing } from '../support/pages.ts';
import { waitFor } from '../support/media.ts';
import { playingSince, tileFrames, watchTileFrames } from '../support/tile-frames.ts';

const CUT_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!isRoot()) console.warn('skipping the netns link-cut test: needs root for ip netns (network namespace)');

describe.skipIf(!isRoot())('a 5 s link cut of the candidate keeps the attempt', () => {
  let env: NetnsStack;
  beforeAll(async () => {
    env = await startNetnsStack({ candidates: 1 });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('same attempt, tile back within 4 s, no new recordings, offline findings stored once', async () => {
    const { stack, ns } = env;
    const { sessionId } = stack.seed.sessions[0]!;
    const proctor = await openProctor(env.proctorBrowser, stack.proctorUrl());
    await watchTileFrames(proctor, sessionId);
    const candidate = await openCandidate(env.candidateBrowser, stack.candidateUrl(sessionId));
    await waitPublishing(candidate, 1, 60_000);
    const tile = proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`);
    await waitFor('tile playing', async () => playingSince(await tileFrames(proctor, sessionId), 0), 60_000);
    const recordingsBefore = await waitFor('three recordings', async () => {
      const rows = await stack.db.selectFrom('recordings').select(['id', 'source']).where('sessionId', '=', sessionId).execute();
      return rows.length === 3 ? rows : undefined;
    });

    const cutAt = Date.now();
    await ns.cut('link');
    // Clipboard findings while offline, through the page's own detector.
    await sleep(1_500);
    await candidate.evaluate(() => document.dispatchEvent(new Event('copy', { bubbles: true })));
    const reconnecting = (await tile.getAttribute('data-state')) === 'reconnecting' || (await waitFor('tile reconnecting', async () => (await tile.getAttribute('data-state')) === 'reconnecting', 2_500, 100).catch(() => false));
    await candidate.evaluate(() => document.dispatchEvent(new Event('paste', { bubbles: true })));
    await sleep(Math.max(0, cutAt + CUT_MS - Date.now()));
    await ns.restore();
    const upAt = Date.now();
    assert.ok(reconnecting, 'the proctor saw reconnecting during the cut');

    const playing = await waitFor('tile playing again', async () => playingSince(await tileFrames(proctor, sessionId), upAt), 30_000, 100);
    const recoverMs = playing - upAt;
    console.log(`[drop-netns] tile playing ${recoverMs} ms after link-up`);
    assert.ok(recoverMs <= 4_000, `tile playing again within 4 s of link-up (${recoverMs} ms)`);
    await waitFor('tile connected', async () => (await tile.getAttribute('data-state')) === 'connected', 10_000);

    const after = await waitPublishing(candidate, 1);
    assert.equal(after.attempt, 1, 'the page is still on attempt 1');
    const attempts = await stack.db.selectFrom('attempts').select(['number', 'endedAt']).where('sessionId', '=', sessionId).execute();
    assert.deepEqual(attempts, [{ number: 1, endedAt: null }], 'one attempt, still open');
    const recordings = await stack.db.selectFrom('recordings').select(['id', 'source']).where('sessionId', '=', sessionId).execute();
    assert.deepEqual(
      recordings.map((r) => r.id).sort(),
      recordingsBefore.map((r) => r.id).sort(),
      'no recording started for the cut: the running ones go on',
    );

    await waitFor('findings sent', async () => (await candidate.evaluate(() => (window as unknown as { __journey?: { pending(): number } }).__journey?.pending() ?? -1)) === 0, 15_000);
    const stored = await stack.db.selectFrom('violations').select('type').where('sessionId', '=', sessionId).where('type', 'in', ['copy', 'paste']).execute();
    assert.deepEqual(stored.map((v) => v.type).sort(), ['copy', 'paste'], 'each offline finding stored exactly once');
    await candidate.context().close();
    await proctor.context().close();
  });
});
