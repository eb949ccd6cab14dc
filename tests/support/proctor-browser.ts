/**
 * The set-up of the proctor's-expectations tests (e2e/proctor-expectations.test.ts: the
 * Results page; e2e/proctor-pages.test.ts: report, live grid, statistics, exam settings): a
 * real media node with the Results demo data, photos on disk for the newest sessions, many
 * exams and an old one, and a proctor signed in in Chromium at 1280×720 whose every failed
 * request is collected. Also how a table is measured against the screen.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { assignProctor, createExam, ensureDiscipline, insertVerification } from '@proctor/db';
import { launchBrowser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';
import { PROCTOR, seedResultsData, signIn } from './staff.ts';

const run = promisify(execFile);
export const LOCALES = ['kk', 'ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const VIEWPORT = { width: 1280, height: 720 };
export const OLD_EXAM = 'Геодезия: қысқы сессия 2019';

/** Words a locale must not use for the person (one term: Тапсырушы / Кандидат / Candidate). */
export const OTHER_TERMS: Record<Locale, RegExp> = { kk: /Студент|Кандидат/i, ru: /Тестируем|Студент/i, en: /\bstudents?\b|test[- ]taker/i };

export interface Fit {
  viewport: number;
  scrollWidth: number;
  headerRights: number[];
  spills: string[];
  headerTop: number;
}

/** Where the table's header cells end and which cell contents reach outside their cell. */
export function measure(page: Page, table: string): Promise<Fit> {
  return page.evaluate((selector) => {
    const root = document.querySelector(selector)!;
    const spills: string[] = [];
    const cells = [...root.querySelectorAll(':scope > thead > tr > th, :scope > tbody > tr > td, :scope > tbody > tr > th')];
    for (const cell of cells) {
      const box = cell.getBoundingClientRect();
      for (const child of cell.querySelectorAll('*')) {
        if (child.closest('table') !== root) continue; // a nested table is measured on its own
        const r = child.getBoundingClientRect();
        if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) {
          spills.push(`${cell.className}: ${(child.textContent ?? '').trim().slice(0, 30)} (${Math.round(r.right - box.right)} px)`);
        }
      }
    }
    const heads = [...root.querySelectorAll(':scope > thead th')].map((th) => th.getBoundingClientRect());
    return {
      viewport: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth,
      headerRights: heads.map((r) => r.right),
      spills,
      headerTop: heads[0]?.top ?? -1,
    };
  }, table);
}

export function assertFits(fit: Fit, what: string): void {
  assert.ok(fit.headerRights.length > 0, `${what}: a table is shown`);
  for (const right of fit.headerRights) assert.ok(right <= fit.viewport, `${what}: a column ends at ${right} > ${fit.viewport}`);
  assert.ok(fit.scrollWidth <= fit.viewport, `${what}: the page scrolls sideways (${fit.scrollWidth} > ${fit.viewport})`);
  assert.deepEqual(fit.spills, [], `${what}: content spills out of its cell`);
}

export interface ProctorBrowser {
  stack: Stack;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Candidates of the first Results page given a verification photo / a reference photo. */
  withPhoto: Set<string>;
  oldExamId: string;
  /** Failed requests of `page` since the last reset (emptied in place, never replaced). */
  failures: string[];
  settled(): Promise<void>;
  useLocale(locale: Locale): Promise<void>;
  openResults(query?: string): Promise<void>;
  close(): Promise<void>;
}

export async function openProctorBrowser(): Promise<ProctorBrowser> {
  const withPhoto = new Set<string>();
  const failures: string[] = [];
  // The node reads PHOTOS_DIR when it starts.
  const photosDir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-e2e-photos-'));
  process.env.PHOTOS_DIR = photosDir;
  const stack = await startStack({ candidates: 2 });
  await seedResultsData(stack);
  const db = stack.db;
  const face = path.join(photosDir, 'face.jpg');
  await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x96', '-frames:v', '1', face]);

  // The proctor's newest sessions (the first rows): three get a verification photo on disk,
  // one a reference photo; the rest keep the demo's reference paths, whose files do not exist.
  const newest = await db
    .selectFrom('examSessions as s')
    .innerJoin('examProctors as p', 'p.examId', 's.examId')
    .select(['s.id', 's.candidateId', 's.startedAt'])
    .where('p.userId', '=', stack.seed.proctorUserId)
    .where('s.archived', '=', false)
    .where('s.startedAt', 'is not', null)
    .orderBy('s.startedAt', 'desc')
    .limit(4)
    .execute();
  for (const [i, s] of newest.entries()) {
    withPhoto.add(s.candidateId);
    if (i < 3) {
      const relative = `${s.id}/verification/face.jpg`;
      await fs.mkdir(path.join(stack.recordingsDir, s.id, 'verification'), { recursive: true });
      await fs.copyFile(face, path.join(stack.recordingsDir, relative));
      await insertVerification(db, { sessionId: s.id, startedAt: s.startedAt!, endedAt: s.startedAt!, result: 'successful', facePhotoPath: relative });
    } else {
      const relative = `${s.candidateId.slice(0, 2)}/${s.candidateId}-0123456789ab.jpg`;
      await fs.mkdir(path.join(photosDir, path.dirname(relative)), { recursive: true });
      await fs.copyFile(face, path.join(photosDir, relative));
      await db.updateTable('candidates').set({ referencePhotoPath: relative }).where('id', '=', s.candidateId).execute();
    }
  }
  // More exams than one page of choices, and an old one far down the list.
  const disciplineId = await ensureDiscipline(db, 'Геодезия');
  for (let i = 0; i < 25; i++) {
    const startsAt = new Date(Date.UTC(2021, 0, 1 + i, 4));
    const id = await createExam(db, { name: `Геодезия: аралық бақылау ${i + 1}`, disciplineId, startsAt, endsAt: new Date(startsAt.getTime() + 3 * 3600_000) });
    await assignProctor(db, id, stack.seed.proctorUserId);
  }
  const oldExamId = await createExam(db, { name: OLD_EXAM, disciplineId, startsAt: new Date('2019-01-15T04:00:00Z'), endsAt: new Date('2019-01-15T07:00:00Z') });
  await assignProctor(db, oldExamId, stack.seed.proctorUserId);

  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[page error]', err.message));
  // Any failed request a page makes (a photo that 404s, a broken picture) is a defect.
  page.on('response', (r: Response) => {
    if (r.status() >= 400 && !r.url().includes('/api/auth/me/locale')) failures.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${stack.node.url}/login`, { waitUntil: 'networkidle' });
  await signIn(page, PROCTOR);

  async function settled(): Promise<void> {
    await page.locator('[data-testid="results"][data-loading="false"]').waitFor({ timeout: 15_000 });
  }
  async function useLocale(locale: Locale): Promise<void> {
    if ((await page.evaluate(() => document.documentElement.lang)) === locale) return;
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/auth/me/locale') && r.request().method() === 'PUT');
    await page.getByTestId(`lang-${locale}`).click();
    assert.equal((await saved).status(), 200);
  }
  async function openResults(query = ''): Promise<void> {
    failures.length = 0;
    await page.goto(`${stack.node.url}/results${query}`);
    await settled();
    await page.waitForLoadState('networkidle');
  }
  async function close(): Promise<void> {
    await browser.close();
    await stack.close();
    await fs.rm(photosDir, { recursive: true, force: true });
  }
  return { stack, browser, context, page, withPhoto, oldExamId, failures, settled, useLocale, openResults, close };
}
