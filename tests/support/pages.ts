/** Driving the candidate and proctor pages the way a person would. */
import type { Browser, Page } from 'playwright-core';
import { candidateState, proctorStats, waitFor, type ConsumerStat } from './media.ts';
import { walkJourney } from './journey.ts';

export async function openCandidate(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[candidate page error]', err.message));
  await page.goto(url);
  await walkJourney(page);
  await page.getByTestId('start').click();
  return page;
}

/** Wait until the candidate page is connected and publishes camera, microphone and screen. */
export async function waitPublishing(page: Page, attempt?: number, timeoutMs = 30_000) {
  return waitFor(
    `candidate publishing${attempt ? ` (attempt ${attempt})` : ''}`,
    async () => {
      const s = await candidateState(page);
      const ok = s && s.state === 'connected' && s.producers.length === 3 && (!attempt || s.attempt === attempt);
      return ok ? s : undefined;
    },
    timeoutMs,
  );
}

export async function openProctor(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[proctor page error]', err.message));
  await page.goto(url);
  return page;
}

/** Video consumers on the proctor page whose decoders are producing frames. */
export async function liveVideo(page: Page, minFrames = 1): Promise<ConsumerStat[]> {
  return (await proctorStats(page)).filter((s) => s.kind === 'video' && s.framesDecoded >= minFrames);
}

/** Wait until every listed (session, source) pair decodes frames and keeps decoding more. */
export async function waitFramesIncreasing(page: Page, expected: { sessionId: string; source: string }[], timeoutMs = 45_000) {
  const key = (s: { sessionId: string; source: string }) => `${s.sessionId}/${s.source}`;
  const want = new Set(expected.map(key));
  const first = await waitFor(
    `${want.size} decoding video tracks`,
    async () => {
      const live = (await liveVideo(page)).filter((s) => want.has(key(s)));
      return new Set(live.map(key)).size === want.size ? live : undefined;
    },
    timeoutMs,
  );
  // Every track must decode more frames than at first sight. Checked over up to 10 s, not
  // one fixed sample: on a loaded 2-core machine a decoder can stall for a second or two
  // after its first frame while a keyframe request goes round.
  const grown = (now: ConsumerStat[]) =>
    first.every((s) => (now.find((l) => key(l) === key(s))?.framesDecoded ?? 0) > s.framesDecoded);
  let later = await liveVideo(page);
  for (const deadline = Date.now() + 10_000; !grown(later) && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 500));
    later = await liveVideo(page);
  }
  for (const s of first) {
    const now = later.find((l) => key(l) === key(s));
    if (!now || now.framesDecoded <= s.framesDecoded) {
      throw new Error(`${key(s)}: framesDecoded did not increase within 10 s (${s.framesDecoded} → ${now?.framesDecoded})`);
    }
  }
  return later.filter((s) => want.has(key(s)));
}
