/**
 * #12 fault suite: PostgreSQL restarts in the middle of an exam. A real Chromium candidate
 * publishes camera, microphone and screen to a media node (its own process) on a private
 * PostgreSQL and Redis; a proctor's live grid shows the tile. The database is stopped
 * (`pg_ctl stop -m fast`: every connection cut) for ~5 s while the candidate's page reports
 * findings, and both pages' sockets are cut in the middle of it (a relay in front of the
 * node drops them), so they must come back while the database is still away. Then it is
 * started again. Nobody reloads anything:
 * - the node stays up and says so honestly (/healthz 503 with db: false, then 200);
 * - the candidate's page resumes its held attempt (asking again until the node can look it
 *   up): still the same attempt with the same producers, and its recordings keep receiving;
 * - every finding made before, during and after the outage is stored exactly once (the
 *   page's queue retries with the same idempotency keys until the database is back);
 * - the proctor's grid joins again by itself and its tile plays (its badge counts what is
 *   pushed from then on; what was stored while it was away is in Results); at the end every
 *   recording row is finalised.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startFaultStack, type FaultStack } from '../support/fault-stack.ts';
import { startFaultExam } from '../support/fault-exam.ts';
import { waitFor } from '../support/media.ts';
import { startCutProxy, type CutProxy } from '../support/cut-proxy.ts';

const DOWN_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL restarting mid-exam', () => {
  let stack: FaultStack;
  let browser: Browser;
  let proxy: CutProxy;
  beforeAll(async () => {
    stack = await startFaultStack();
    proxy = await startCutProxy(stack.node.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await stack?.close();
  });

  it('loses no finding and no recording; candidate and proctor carry on by themselves', async () => {
    const exam = await startFaultExam(stack, browser, { via: proxy.url });
    await exam.find('copy');
    await sleep(1_000);

    const downAt = Date.now();
    await stack.pg.stop();
    console.log(`[fault-postgres] pg_ctl stop took ${Date.now() - downAt} ms`);
    const health = await stack.health();
    assert.equal(health.status, 503, JSON.stringify(health.body));
    assert.equal(health.body.db, false);
    // Findings while the database is away: the node refuses them (unavailable), the page keeps
    // them; halfway, both sockets drop and reconnect at once, to a node without its database.
    await exam.find('paste');
    await sleep(800);
    proxy.cut();
    console.log(`[fault-postgres] sockets cut ${Date.now() - downAt} ms after the stop began`);
    await sleep(500);
    await exam.find('cut');
    await sleep(800);
    await exam.find('copy');
    await sleep(Math.max(0, downAt + DOWN_MS - Date.now()));
    const startAt = Date.now();
    await stack.pg.start();
    const upAt = Date.now();
    console.log(`[fault-postgres] database down for ${upAt - downAt} ms (pg_ctl start took ${upAt - startAt} ms)`);
    await exam.find('paste');

    await waitFor('healthz ok again', async () => (await stack.health()).status === 200, 15_000);
    await exam.assertStoredOnce();
    const playing = await exam.assertTilePlaying(upAt);
    console.log(`[fault-postgres] tile playing ${Math.max(0, playing - upAt)} ms after the database was back`);
    await exam.assertSameAttempt();
    await exam.assertDumpsContinuous(downAt - 1_000, upAt + 1_000);
    await exam.finishAndAssertRecordings();
  });
});
