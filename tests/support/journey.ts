/**
 * Walking the candidate journey on /exam the way a person does: consent (unless already
 * given for this session), device check, identity check (unless already done), then the
 * "Start the exam" card. Returns what the identity check showed, if it ran.
 */
import type { Page } from 'playwright-core';

export interface JourneyWalk {
  /** 'successful' | 'failed' | 'no_reference', or null when the session was verified before. */
  verification: string | null;
  /** Faces the page saw in the verification photo. */
  faces: number | null;
}

const STEP_TIMEOUT_MS = 90_000;

export async function walkJourney(page: Page): Promise<JourneyWalk> {
  const walk: JourneyWalk = { verification: null, faces: null };
  const consent = page.getByTestId('consent');
  const devices = page.getByTestId('devices');
  await consent.or(devices).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  if (await consent.isVisible()) {
    await page.getByTestId('consent-agree').check();
    await page.getByTestId('consent-continue').click();
  }
  await page.getByTestId('devices-run').click({ timeout: STEP_TIMEOUT_MS });
  await page.getByTestId('devices-continue').click({ timeout: STEP_TIMEOUT_MS });

  const verification = page.getByTestId('verification');
  const ready = page.getByTestId('ready');
  await verification.or(ready).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  if (await verification.isVisible()) {
    // Enabled once the face models are loaded.
    await page.getByTestId('verify-capture').click({ timeout: STEP_TIMEOUT_MS });
    const result = page.getByTestId('verify-result');
    await result.waitFor({ timeout: STEP_TIMEOUT_MS });
    walk.verification = await result.getAttribute('data-result');
    const faces = await result.getAttribute('data-faces');
    walk.faces = faces ? Number(faces) : null;
    await page.getByTestId('verify-continue').click();
  }
  await ready.waitFor({ timeout: STEP_TIMEOUT_MS });
  return walk;
}
