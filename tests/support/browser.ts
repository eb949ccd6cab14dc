/** Debian's Chromium, headless, with fake camera, microphone and screen. */
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { chromiumPathFromEnv } from '@proctor/recorder';

export const CHROMIUM = chromiumPathFromEnv();

/** `executablePath`: e.g. a wrapper that runs Chromium in a network namespace (netns.ts). `env` replaces parts of the browser's environment (e.g. HOME, whose NSS database holds trusted CAs). */
export async function launchBrowser(extraArgs: string[] = [], env?: Record<string, string>, executablePath = CHROMIUM): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    ...(env ? { env: { ...process.env, ...env } as Record<string, string> } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      // Background tabs must keep encoding/decoding at full rate during the test.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      ...extraArgs,
    ],
  });
}

/** A browser for the tests of the calling file: launched before them, closed after them. */
export function useBrowser(set: (browser: Browser) => void): void {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    set(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
}
