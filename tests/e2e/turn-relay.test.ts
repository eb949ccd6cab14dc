/**
 * TURN proven, not assumed: a real coturn (the shipped infra/coturn/turnserver.conf) with
 * time-limited REST credentials. First the credentials alone, in Chromium's own ICE
 * gathering: the media node's kind yields a relay candidate, an expired one or one signed
 * with another secret is refused. Then a media node with ICE_TRANSPORT_POLICY=relay: the
 * candidate's page may only use relay candidates, publishes through coturn, and the
 * proctor's grid decodes the streams.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { turnCredential } from '@proctor/signaling';
import { launchBrowser } from '../support/browser.ts';
import { startCoturn, type Coturn } from '../support/coturn.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { candidateState, waitFor } from '../support/media.ts';
import { openCandidate, openProctor, waitFramesIncreasing, waitPublishing } from '../support/pages.ts';

/** Gathers ICE candidates through one TURN server only; returns the candidate types seen and TURN errors. */
async function gatherRelay(page: Page, server: { urls: string[]; username: string; credential: string }) {
  return page.evaluate(async (iceServer) => {
    const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
    const types: string[] = [];
    const errors: number[] = [];
    pc.addEventListener('icecandidate', (e) => e.candidate && types.push(e.candidate.type ?? ''));
    pc.addEventListener('icecandidateerror', (e) => errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode));
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 15_000);
    });
    pc.close();
    return { types, errors };
  }, server);
}

describe('TURN relay through coturn', () => {
  let coturn: Coturn;
  let browser: Browser;
  let stack: Stack;
  beforeAll(async () => {
    coturn = await startCoturn();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await coturn?.stop();
  });

  it('accepts the media node\'s credentials and refuses expired or foreign ones', async () => {
    const page = await browser.newPage();
    const fresh = turnCredential(coturn.secret, 'probe', 600);
    const good = await gatherRelay(page, { urls: coturn.urls, ...fresh });
    assert.ok(good.types.includes('relay'), `a relay candidate with fresh credentials (${JSON.stringify(good)})`);

    const expired = turnCredential(coturn.secret, 'probe', 60, Date.now() - 3600_000);
    const old = await gatherRelay(page, { urls: coturn.urls, ...expired });
    assert.deepEqual(old.types, [], 'no relay with an expired credential');
    assert.ok(old.errors.includes(401), `coturn answered 401 (${JSON.stringify(old.errors)})`);

    const foreign = turnCredential('another-secret-another-secret', 'probe', 600);
    const bad = await gatherRelay(page, { urls: coturn.urls, ...foreign });
    assert.deepEqual(bad.types, [], 'no relay with a credential signed by another secret');
    await page.close();
  });

  it('carries a relay-only candidate to the proctor', async () => {
    stack = await startStack({
      candidates: 1,
      workers: 1,
      node: {
        ice: { turnUrls: coturn.urls, turnSecret: coturn.secret, turnCredentialTtlSeconds: 3600, transportPolicy: 'relay' },
      },
    });
    const { sessionId } = stack.seed.sessions[0]!;
    const proctor = await openProctor(browser, stack.proctorUrl());
    const candidate = await openCandidate(browser, stack.candidateUrl(sessionId));
    await waitPublishing(candidate, 1, 60_000);
    const state = await waitFor('candidate ICE path known', async () => (await candidateState(candidate))?.iceCandidateType ?? undefined);
    assert.equal(state, 'relay', 'the send transport goes through TURN');
    await proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`).waitFor({ timeout: 30_000 });
    await waitFramesIncreasing(proctor, [{ sessionId, source: 'camera' }]);
    // coturn saw the allocation under the credential the node minted for this session.
    assert.match(coturn.child.output(), new RegExp(`candidate-${sessionId}`));
    await candidate.context().close();
    await proctor.context().close();
  });
});
