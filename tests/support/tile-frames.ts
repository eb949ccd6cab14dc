/**
 * When the proctor's tile of a candidate shows new frames (#12 timings): a watcher in the
 * proctor page samples every <video> of the tile each 20 ms and logs the page's wall clock
 * (the same machine's clock as the test's, also inside a network namespace) whenever the
 * element's presented frame count grows. A new consumer (new element or new srcObject)
 * starts counting afresh; any growth is a frame on screen.
 */
import type { Page } from 'playwright-core';

interface FrameWindow {
  __tileFrames?: Record<string, number[]>;
}

export async function watchTileFrames(proctor: Page, sessionId: string): Promise<void> {
  await proctor.evaluate((id) => {
    const w = window as unknown as FrameWindow;
    w.__tileFrames ??= {};
    const log: number[] = (w.__tileFrames[id] = []);
    const seen = new WeakMap<HTMLVideoElement, { src: unknown; frames: number }>();
    setInterval(() => {
      const videos = document.querySelectorAll<HTMLVideoElement>(`[data-testid="tile"][data-session-id="${id}"] video`);
      for (const v of videos) {
        const frames = v.getVideoPlaybackQuality().totalVideoFrames;
        const last = seen.get(v);
        if (!last || last.src !== v.srcObject) {
          seen.set(v, { src: v.srcObject, frames });
          if (frames > 0 && v.srcObject) log.push(Date.now());
          continue;
        }
        if (frames > last.frames) log.push(Date.now());
        last.frames = frames;
      }
    }, 20);
  }, sessionId);
}

/** Wall-clock times (ms) at which the tile's video advanced, oldest first. */
export async function tileFrames(proctor: Page, sessionId: string): Promise<number[]> {
  return proctor.evaluate((id) => (window as unknown as FrameWindow).__tileFrames?.[id] ?? [], sessionId);
}

/**
 * The first time after `since` at which the tile is playing: a frame followed by at least
 * `run - 1` more within a second (one stray frame from a jitter buffer is not "playing").
 */
export function playingSince(frames: number[], since: number, run = 3): number | undefined {
  const after = frames.filter((t) => t > since);
  for (let i = 0; i + run - 1 < after.length; i++) {
    if (after[i + run - 1]! - after[i]! <= 1_000) return after[i];
  }
  return undefined;
}
