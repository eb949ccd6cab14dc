/**
 * #12 fault suite: Redis restarts in the middle of an exam. A real Chromium candidate
 * publishes to a media node (its own process, job workers inside it) on a private PostgreSQL
 * and a private Redis — the job queue, the socket.io relay between nodes and the domain-event
 * relay. Redis is stopped for ~5 s while the candidate's page reports findings, then started
 * again, empty (no persistence, as a Redis without a volume comes back). Nobody reloads:
 * - the node stays up; /healthz says Redis is away and then back;
 * - the candidate stays on its attempt, its recordings keep receiving;
 * - every finding is stored exactly once and reaches the proctor's tile live;
 * - after the restart the relays listen again (the node's subscriptions are back on the new
 *   Redis) and the queue works: the recordings are finalised by the job workers at the end.
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

describe('Redis restarting mid-exam', () => {
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

  it('loses no finding and no recording; the queue and the relay come back by themselves', async () => {
    const exam = await startFaultExam(stack, browser);
    await exam.find('copy');
    await sleep(1_000);

    const downAt = Date.now();
    await stack.redis.stop();
    await waitFor('healthz says redis is away', async () => (await stack.health()).body.redis === false, 10_000);
    for (const type of ['paste', 'cut', 'copy'] as const) {
      await exam.find(type);
      await sleep(1_200);
    }
    await sleep(Math.max(0, downAt + DOWN_MS - Date.now()));
    await stack.redis.start();
    const upAt = Date.now();
    console.log(`[fault-redis] redis down for ${upAt - downAt} ms`);
    await exam.find('paste');

    await waitFor('healthz says redis is back', async () => {
      const h = await stack.health();
      return h.status === 200 && h.body.redis === true;
    }, 15_000);
    // The socket.io adapter (pattern + request channels) and the domain-event bus resubscribed.
    const subscribed = async () => {
      const channels = (await stack.redis.cli('pubsub', 'channels')).split('\n');
      const patterns = Number(await stack.redis.cli('pubsub', 'numpat'));
      return channels.includes('proctor:domain-events') && channels.some((c) => c.startsWith('proctor:socket.io')) && patterns > 0;
    };
    await waitFor('the relays subscribed again', subscribed, 15_000);
    await exam.assertStoredOnce();
    await exam.assertProctorSawFindings();
    const playing = await exam.assertTilePlaying(upAt);
    console.log(`[fault-redis] tile playing ${Math.max(0, playing - upAt)} ms after redis was back`);
    await exam.assertSameAttempt();
    await exam.assertDumpsContinuous(downAt - 1_000, upAt + 1_000);
    await exam.finishAndAssertRecordings();
  });
});
