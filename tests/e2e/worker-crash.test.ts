/**
 * Killing the mediasoup worker that hosts an exam room mid-exam: a replacement worker
 * comes up, the candidate page and the proctor grid rejoin by themselves, the candidate
 * is forwarded again and recorded as a new attempt.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { useBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { checkFinalised, recordingFinalised, waitFor } from '../support/media.ts';
import { openCandidate, openProctor, waitFramesIncreasing, waitPublishing } from '../support/pages.ts';

describe('mediasoup worker crash', () => {
  let stack: Stack;
  let browser: Browser;
  useStack({ candidates: 1 }, (s) => (stack = s));
  useBrowser((b) => (browser = b));

  it('recovers forwarding and recording after the room worker is killed', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const proctor = await openProctor(browser, stack.proctorUrl());
    const candidate = await openCandidate(browser, stack.candidateUrl(sessionId));
    await waitPublishing(candidate, 1);
    await waitFramesIncreasing(proctor, [{ sessionId, source: 'camera' }]);

    const room = await stack.node.rooms.getOrCreate(stack.seed.examId);
    const index = room.home.workerIndex;
    const oldPid = stack.node.pool.pids()[index]!;
    process.kill(oldPid, 'SIGKILL');

    await waitFor('replacement worker', async () => {
      const pid = stack.node.pool.pids()[index]!;
      return pid > 0 && pid !== oldPid;
    });
    await waitPublishing(candidate, 2, 45_000);
    await waitFramesIncreasing(proctor, [{ sessionId, source: 'camera' }]);
    await new Promise((r) => setTimeout(r, 3000));
    await candidate.context().close();

    const attempts = await waitFor('2 ended attempts', async () => {
      const a = await stack.db.selectFrom('attempts').selectAll().where('sessionId', '=', sessionId).orderBy('number').execute();
      if (a.length === 2 && a.every((x) => x.endedAt)) return a;
      throw new Error(JSON.stringify(a.map((x) => [x.number, x.endReason])));
    }, 45_000);
    assert.equal(attempts[0]!.endReason, 'worker_died');
    const second = await waitFor('attempt 2 recordings finalised', async () => {
      const r = await stack.db.selectFrom('recordings').selectAll().where('attemptId', '=', attempts[1]!.id).execute();
      return r.length === 3 && r.every(recordingFinalised) ? r : undefined;
    }, 60_000);
    assert.ok(second.every((r) => Number(r.bytes) > 1000), 'attempt 2 was recorded again');
    for (const r of second) await checkFinalised(stack.recordingsDir, r);
  });
});
