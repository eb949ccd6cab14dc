/**
 * #12 fault suite: PostgreSQL restarts in the middle of an exam. A real Chromium candidate
 * publishes camera, microphone and screen to a media node (its own process) on a private
 * PostgreSQL and Redis; a proctor's live grid shows the tile. The database is stopped
 * (`pg_ctl stop -m fast`: every connection cut) for ~5 s while the candidate's page reports
 * findings, then started again. Nobody reloads anything:
 * - the node stays up and says so honestly (/healthz 503 with db: false, then 200);
 * - the candidate stays on attempt 1 with the same producers, and its recordings keep
 *   receiving through the outage;
 * - every finding made before, during and after the outage is stored exactly once (the
 *   page's queue retries with the same idempotency keys until the database is back);
 * - the proctor's tile plays on, and at the end every recording row is finalised.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startFaultStack, type FaultStack } from '../support/fault-stack.ts';
import { startFaultExam } from '../support/fault-exam.ts';
import { waitFor } from '../support/media.ts';

const DOWN_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL restarting mid-exam', () => {
  let stack: FaultStack;
  let browser: Browser;
  beforeAll(async () => {
    stack = await startFaultStack();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('loses no finding and no recording; candidate and proctor carry on by themselves', async () => {
    const exam = await startFaultExam(stack, browser);
    await exam.find('copy');
    await sleep(1_000);

    const downAt = Date.now();
    await stack.pg.stop();
    const health = await stack.health();
    assert.equal(health.status, 503, JSON.stringify(health.body));
    assert.equal(health.body.db, false);
    // Findings while the database is away: the node refuses them (unavailable), the page keeps them.
    for (const type of ['paste', 'cut', 'copy'] as const) {
      await exam.find(type);
      await sleep(1_200);
    }
    await sleep(Math.max(0, downAt + DOWN_MS - Date.now()));
    await stack.pg.start();
    const upAt = Date.now();
    console.log(`[fault-postgres] database down for ${upAt - downAt} ms`);
    await exam.find('paste');

    await waitFor('healthz ok again', async () => (await stack.health()).status === 200, 15_000);
    await exam.assertStoredOnce();
    await exam.assertProctorSawFindings();
    const playing = await exam.assertTilePlaying(upAt);
    console.log(`[fault-postgres] tile playing ${Math.max(0, playing - upAt)} ms after the database was back`);
    await exam.assertSameAttempt();
    await exam.assertDumpsContinuous(downAt - 1_000, upAt + 1_000);
    await exam.finishAndAssertRecordings();
  });
});
