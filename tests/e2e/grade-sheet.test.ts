/**
 * The grade sheet (manual §4.7) from the Results page in real Chromium: a signed-in proctor
 * filters one of their exams and one group, opens "Grade sheet", downloads the Excel file
 * and the PDF, and finds in both that group's candidates of that exam, in alphabetical
 * order, exactly as the database holds them (checked against a query written here, not the
 * code under test). Without an exam filter there is no grade-sheet button.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { PROCTOR, seedResultsData, signIn } from '../support/staff.ts';

const run = promisify(execFile);

describe('grade sheet', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let examId: string;
  let groupId: string;
  let groupName: string;
  /** The group's candidates on that exam, as a printed list orders them. */
  let expected: string[];

  useStack({ candidates: 2 }, (s) => (stack = s));
  beforeAll(async () => {
    await seedResultsData(stack);
    // An exam of the proctor's with a finished group: the one with the most sessions.
    const pick = await stack.db
      .selectFrom('examSessions as s')
      .innerJoin('examProctors as p', 'p.examId', 's.examId')
      .select(['s.examId', 's.groupId', 's.groupName', (eb) => eb.fn.countAll<number>().as('n')])
      .where('p.userId', '=', stack.seed.proctorUserId)
      .where('s.groupId', 'is not', null)
      .groupBy(['s.examId', 's.groupId', 's.groupName'])
      .orderBy('n', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    examId = pick.examId;
    groupId = pick.groupId!;
    groupName = pick.groupName!;
    const names = await stack.db
      .selectFrom('examSessions')
      .select('candidateName')
      .where('examId', '=', examId)
      .where('groupId', '=', groupId)
      .execute();
    expected = names.map((r) => r.candidateName).sort((a, b) => a.localeCompare(b, 'kk'));
    assert.ok(expected.length >= 3, 'a group with several candidates');

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1500, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('[grade sheet page error]', err.message));
    await page.goto(`${stack.node.url}/login?next=/results`);
    await signIn(page, PROCTOR);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function download(testId: string): Promise<string> {
    await page.getByTestId('grade-sheet').locator('summary').click();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const path = await file.path();
    assert.ok(path, 'the download was saved');
    return path;
  }

  it('offers no grade sheet until one exam is filtered', async () => {
    await page.goto(`${stack.node.url}/results`);
    await page.getByTestId('results').waitFor();
    assert.equal(await page.getByTestId('grade-sheet').count(), 0);
  });

  it('downloads the Excel grade sheet of the filtered exam and group', async () => {
    await page.goto(`${stack.node.url}/results?examId=${examId}&groupId=${groupId}`);
    await page.getByTestId('grade-sheet').waitFor();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download('grade-sheet-xlsx'));
    const names: unknown[] = [];
    workbook.worksheets[0]!.eachRow((row) => {
      if (typeof row.getCell(1).value === 'number') {
        names.push(row.getCell(2).value);
        assert.equal(row.getCell(4).value, groupName);
      }
    });
    assert.deepEqual(names, expected);
  });

  it('downloads the printable PDF listing the same candidates in the same order', async () => {
    const file = await download('grade-sheet-pdf');
    // Layout mode keeps each page's lines in print order; a long name may wrap inside its
    // cell, so the order is checked on the surname, the first line of every name.
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    let from = 0;
    for (const name of expected) {
      const surname = name.split(' ')[0]!;
      const at = stdout.indexOf(surname, from);
      assert.ok(at >= 0, `${name} is listed after the previous candidate`);
      from = at + surname.length;
    }
    assert.ok(stdout.includes(groupName));
  });
});
