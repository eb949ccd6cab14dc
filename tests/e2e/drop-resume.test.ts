/**
 * #12 part A in real Chromium: the candidate's signaling socket is cut by the network (a
 * relay in front of the node drops its connections) while WebRTC media flows on. The page's
 * socket.io reconnects by itself and resumes the peer the node held: the same attempt, the
 * same three producers, no new recordings. The proctor's tile shows `reconnecting`
 * within 2 s of the cut, then `connected` again.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/media.ts';
import { openCandidate, openProctor, waitPublishing } from '../support/pages.ts';
import { startCutProxy, type CutProxy } from '../support/cut-proxy.ts';

describe('a short network drop keeps the attempt', () => {
  let stack: Stack;
  let browser: Browser;
  let proxy: CutProxy;
  useStack({ candidates: 1 }, (s) => (stack = s));
  beforeAll(async () => {
    proxy = await startCutProxy(stack.node.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
  });

  it('resumes the same attempt and producers; the proctor sees reconnecting, then live', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const proctor = await openProctor(browser, stack.proctorUrl());
    const candidate = await openCandidate(browser, stack.candidateUrl(sessionId).replace(stack.node.url, proxy.url));
    const before = await waitPublishing(candidate, 1);
    const tile = proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`);
    await waitFor('tile connected', async () => (await tile.getAttribute('data-state')) === 'connected', 30_000);

    // Every change of the tile's state, with the page's clock (the same machine's as ours).
    await proctor.evaluate((id) => {
      const w = window as unknown as { __tileStates: [string, number][] };
      w.__tileStates = [];
      new MutationObserver(() => {
        const el = document.querySelector(`[data-testid="tile"][data-session-id="${id}"]`);
        const state = el?.getAttribute('data-state') ?? 'none';
        if (w.__tileStates.at(-1)?.[0] !== state) w.__tileStates.push([state, Date.now()]);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
    }, sessionId);

    const cutAt = Date.now();
    proxy.cut();
    const states = await waitFor('tile reconnecting, then connected', async () => {
      const s = await proctor.evaluate(() => (window as unknown as { __tileStates: [string, number][] }).__tileStates);
      const i = s.findIndex(([state]) => state === 'reconnecting');
      return i >= 0 && s.slice(i).some(([state]) => state === 'connected') ? s : undefined;
    }, 30_000);
    const reconnectingMs = states.find(([s]) => s === 'reconnecting')![1] - cutAt;
    const liveMs = states.findLast(([s]) => s === 'connected')![1] - cutAt;
    console.log(`[drop-resume] tile states ${JSON.stringify(states.map(([s, t]) => [s, t - cutAt]))}`);
    assert.ok(reconnectingMs < 2_000, `proctor saw reconnecting within 2 s (${reconnectingMs} ms)`);
    assert.ok(!states.some(([s]) => s === 'disconnected'), 'never shown as disconnected');

    const after = await waitPublishing(candidate, 1);
    assert.deepEqual(
      after.producers.map((p) => p.producerId).sort(),
      before.producers.map((p) => p.producerId).sort(),
      'the same producers go on',
    );
    console.log(`[drop-resume] live again ${liveMs} ms after the cut`);

    const attempts = await stack.db.selectFrom('attempts').select(['number', 'endedAt']).where('sessionId', '=', sessionId).execute();
    assert.deepEqual(attempts, [{ number: 1, endedAt: null }], 'one attempt, still open');
    const recordings = await stack.db.selectFrom('recordings').select(['source']).where('sessionId', '=', sessionId).execute();
    assert.equal(recordings.length, 3, 'no new recordings');
    await candidate.context().close();
    await proctor.context().close();
  });
});
