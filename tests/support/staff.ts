/**
 * Signed-in staff for browser tests: the realistic Results data set (six weeks of exams,
 * 1000 sessions, honesty and decisions) on top of a stack's media demo, a known password
 * for the demo proctor and admin, and signing in through the real /login page.
 */
import type { Page } from 'playwright-core';
import { MEDIA_DEMO_ADMIN_EMAIL, MEDIA_DEMO_PROCTOR_EMAIL, seedRealisticDemo, setUserPasswordHash } from '@proctor/db';
// Not exported by @proctor/signaling; the same hashing the sign-in route verifies against.
import { hashPassword } from '../../signaling/src/services/auth.service.ts';
import type { Stack } from './stack.ts';

export const PROCTOR = { email: MEDIA_DEMO_PROCTOR_EMAIL, password: 'test-proctor-password' } as const;
export const ADMIN = { email: MEDIA_DEMO_ADMIN_EMAIL, password: 'test-admin-password' } as const;

export interface ResultsData {
  examIds: string[];
}

/** Seeds the realistic demo (idempotent) and sets the demo proctor's and admin's passwords. */
export async function seedResultsData(stack: Stack, now = new Date()): Promise<ResultsData> {
  const demo = await seedRealisticDemo(stack.db, { now });
  await setUserPasswordHash(stack.db, stack.seed.proctorUserId, await hashPassword(PROCTOR.password));
  await setUserPasswordHash(stack.db, stack.seed.adminUserId, await hashPassword(ADMIN.password));
  return { examIds: demo.examIds };
}

/** Only the demo admin's and proctor's passwords (no Results data set). */
export async function seedAdminPassword(stack: Stack): Promise<void> {
  await setUserPasswordHash(stack.db, stack.seed.proctorUserId, await hashPassword(PROCTOR.password));
  await setUserPasswordHash(stack.db, stack.seed.adminUserId, await hashPassword(ADMIN.password));
}

/** Fills the sign-in form on the current page and waits until it has left /login. */
export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByTestId('login-email').fill(who.email);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
}
