/**
 * A candidate whose connection is ended comes back as a new attempt of the same session:
 * first the server cuts the socket on purpose (the attempt ends at once and the page must
 * rejoin by itself; a network drop instead resumes the same attempt, drop-resume.test.ts),
 * then the page is closed and reopened. Every attempt's tracks exist on disk and in the
 * database, finalised as WebMs within 1 s of the time the attempt was live.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { useBrowser } from '../support/browser.ts';
import { useStack, type Stack } from '../support/stack.ts';
import { checkFinalised, recordedFrom, recordingFinalised, waitFor } from '../support/media.ts';
import { openCandidate, waitPublishing } from '../support/pages.ts';

describe('candidate reconnection', () => {
  let stack: Stack;
  let browser: Browser;
  useStack({ candidates: 1 }, (s) => (stack = s));
  useBrowser((b) => (browser = b));

  it('starts a new attempt after a dropped connection and after a reopened page', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const url = stack.candidateUrl(sessionId);

    /** Per attempt: when the server took each track, and when the page stopped sending. */
    const live: { since: Map<string, number>; until: number }[] = [];
    const sinceOf = async (attempt: number, timeoutMs?: number) =>
      new Map((await waitPublishing(page, attempt, timeoutMs)).producers.map((p) => [p.source, p.since]));

    let page = await openCandidate(browser, url);
    let since = await sinceOf(1);
    await new Promise((r) => setTimeout(r, 5000));

    // Network cut as the server sees it: the socket goes away without the page's consent.
    live.push({ since, until: Date.now() });
    stack.node.io.disconnectSockets(true);
    since = await sinceOf(2, 40_000);
    await new Promise((r) => setTimeout(r, 5000));

    // The candidate closes the tab and opens the link again.
    live.push({ since, until: Date.now() });
    await page.context().close();
    page = await openCandidate(browser, url);
    since = await sinceOf(3);
    await new Promise((r) => setTimeout(r, 5000));
    live.push({ since, until: Date.now() });
    await page.context().close();

    // A closed tab is usually noticed at once; socket.io's ping timeout (20 s) is the bound.
    const attempts = await waitFor('3 ended attempts', async () => {
      const a = await stack.db.selectFrom('attempts').selectAll().where('sessionId', '=', sessionId).orderBy('number').execute();
      if (a.length === 3 && a.every((x) => x.endedAt)) return a;
      throw new Error(JSON.stringify(a.map((x) => [x.number, x.endReason])));
    }, 45_000);
    assert.deepEqual(attempts.map((a) => a.number), [1, 2, 3]);
    assert.equal(attempts[0]!.endReason, 'disconnected');

    const recordings = await waitFor('9 finalised recordings', async () => {
      const r = await stack.db.selectFrom('recordings').selectAll().where('sessionId', '=', sessionId).execute();
      return r.length === 9 && r.every(recordingFinalised) ? r : undefined;
    }, 90_000);
    for (const a of attempts) {
      const mine = recordings.filter((r) => r.attemptId === a.id);
      assert.deepEqual(mine.map((r) => r.source).sort(), ['camera', 'microphone', 'screen'], `attempt ${a.number}`);
      for (const r of mine) {
        const st = await fs.stat(path.join(stack.recordingsDir, r.path));
        assert.ok(st.size > 1000, `attempt ${a.number} ${r.source} has data on disk`);
        assert.match(r.path, new RegExp(`attempt-${a.number}/`));
        const durationSec = await checkFinalised(stack.recordingsDir, r);
        const { since: from, until } = live[a.number - 1]!;
        const liveSec = (until - recordedFrom(r, from.get(r.source)!)) / 1000;
        assert.ok(Math.abs(durationSec - liveSec) <= 1, `attempt ${a.number} ${r.source}: ${durationSec.toFixed(2)} s recorded, live ${liveSec.toFixed(2)} s`);
      }
    }
    const session = await stack.db.selectFrom('examSessions').select(['status', 'startedAt']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(session.status, 'in_progress', 'a dropped connection does not finish the exam');
    assert.ok(session.startedAt && session.startedAt <= attempts[0]!.startedAt);
  });
});
