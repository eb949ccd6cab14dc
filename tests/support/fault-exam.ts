/**
 * The exam both fault tests run, in real Chromium on a fault stack (fault-stack.ts): a
 * candidate publishing camera, microphone and screen, a proctor's live grid showing their
 * tile, findings made through the page's own detectors (clipboard events), and the checks
 * that hold after any fault: one attempt, the same three recordings still receiving, the
 * findings each stored once, the tile playing again, the node never crashing; and at the
 * end, every recording row complete.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { countReportKeys } from '@proctor/db';
import { recordingSettled, waitFor } from './media.ts';
import { openCandidate, openProctor, waitPublishing } from './pages.ts';
import { playingSince, tileFrames, watchTileFrames } from './tile-frames.ts';
import { dumpWindow } from './dump-gaps.ts';
import { CRASH_SIGNS, type FaultStack } from './fault-stack.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Clipboard findings the page's detector turns into momentary violations. */
export type ClipboardFinding = 'copy' | 'paste' | 'cut';

export interface FaultExam {
  sessionId: string;
  candidate: Page;
  proctor: Page;
  recordingIds: string[];
  /** Fire a clipboard event in the candidate page (the detector reports it); remembered for `assertStoredOnce`. */
  find(type: ClipboardFinding): Promise<void>;
  /** Every finding made so far is stored exactly once (waits for the page's queue to drain). */
  assertStoredOnce(timeoutMs?: number): Promise<void>;
  /** The proctor's tile counts every finding made so far (pushed live, also those of the fault). */
  assertProctorSawFindings(timeoutMs?: number): Promise<void>;
  /** The tile plays (frames ≥ `since`) and shows `connected`; returns when it played again. */
  assertTilePlaying(since: number, timeoutMs?: number): Promise<number>;
  /** Still attempt 1, the same producers and recordings, the node alive and never crashed. */
  assertSameAttempt(): Promise<void>;
  /** Every live dump received RTP through [from, to] with no hole longer than `maxGapMs`. */
  assertDumpsContinuous(from: number, to: number, maxGapMs?: number): Promise<void>;
  /** Finish the exam on the page; every recording ends finalised, covering the exam. */
  finishAndAssertRecordings(): Promise<void>;
}

export async function startFaultExam(stack: FaultStack, browser: Browser): Promise<FaultExam> {
  const { sessionId } = stack.seed.sessions[0]!;
  const proctor = await openProctor(browser, stack.proctorUrl());
  await watchTileFrames(proctor, sessionId);
  const candidate = await openCandidate(browser, stack.candidateUrl(sessionId));
  const publishing = await waitPublishing(candidate, 1, 60_000);
  const producerIds = publishing.producers.map((p) => p.producerId).sort();
  const startedAt = Date.now();
  await waitFor('tile playing', async () => playingSince(await tileFrames(proctor, sessionId), 0), 60_000);
  const recordings = await waitFor('three recordings', async () => {
    const rows = await stack.db.selectFrom('recordings').select(['id', 'source', 'status']).where('sessionId', '=', sessionId).execute();
    return rows.length === 3 && rows.every((r) => r.status === 'recording') ? rows : undefined;
  });
  const recordingIds = recordings.map((r) => r.id).sort();
  const made: { type: ClipboardFinding; at: number }[] = [];
  const tile = proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`);

  const assertNodeAlive = () => {
    assert.equal(stack.node.child.proc.exitCode, null, `the node is still running; its log:\n${stack.node.child.output().slice(-4000)}`);
    const crash = CRASH_SIGNS.exec(stack.node.child.output());
    assert.equal(crash, null, `the node's log shows a crash: ${crash?.[0]}\n${stack.node.child.output().slice(-4000)}`);
  };

  return {
    sessionId,
    candidate,
    proctor,
    recordingIds,
    async find(type) {
      made.push({ type, at: Date.now() });
      await candidate.evaluate((t) => document.dispatchEvent(new Event(t, { bubbles: true })), type);
    },
    async assertStoredOnce(timeoutMs = 30_000) {
      await waitFor('the page sent every finding', async () => (await candidate.evaluate(() => (window as unknown as { __journey?: { pending(): number } }).__journey?.pending() ?? -1)) === 0, timeoutMs);
      const rows = await stack.db.selectFrom('violations').select(['type', 'startsAt']).where('sessionId', '=', sessionId).where('type', 'in', ['copy', 'paste', 'cut']).orderBy('startsAt').execute();
      // Each finding is its own row (clipboard findings are moments, seconds apart: nothing merges).
      assert.deepEqual(rows.map((r) => r.type), made.map((m) => m.type), `each finding stored once, in order: ${JSON.stringify(rows)}`);
      for (const [i, r] of rows.entries()) {
        assert.ok(Math.abs(r.startsAt.getTime() - made[i]!.at) < 2_000, `finding ${i} (${r.type}) stored at its own time`);
      }
      assert.equal(await countReportKeys(stack.db, sessionId), made.length, 'one idempotency key per finding');
    },
    async assertProctorSawFindings(timeoutMs = 15_000) {
      const badge = tile.getByTestId('violation-badge');
      await waitFor(`tile badge counts ${made.length}`, async () => (await badge.getAttribute('data-count', { timeout: 1_000 }).catch(() => null)) === String(made.length), timeoutMs);
    },
    async assertTilePlaying(since, timeoutMs = 30_000) {
      const playing = await waitFor('tile playing again', async () => playingSince(await tileFrames(proctor, sessionId), since), timeoutMs, 100);
      await waitFor('tile connected', async () => (await tile.getAttribute('data-state')) === 'connected', 10_000);
      return playing;
    },
    async assertSameAttempt() {
      assertNodeAlive();
      const now = await waitPublishing(candidate, 1, 15_000);
      assert.deepEqual(now.producers.map((p) => p.producerId).sort(), producerIds, 'the same producers go on');
      const attempts = await stack.db.selectFrom('attempts').select(['number', 'endedAt']).where('sessionId', '=', sessionId).execute();
      assert.deepEqual(attempts, [{ number: 1, endedAt: null }], 'one attempt, still open');
      const rows = await stack.db.selectFrom('recordings').select(['id', 'status']).where('sessionId', '=', sessionId).execute();
      assert.deepEqual(rows.map((r) => r.id).sort(), recordingIds, 'no recording started or lost for the fault');
      assert.ok(rows.every((r) => r.status === 'recording'), `still recording: ${JSON.stringify(rows)}`);
    },
    async assertDumpsContinuous(from, to, maxGapMs = 1_000) {
      // The tap flushes about once a second: wait until the window is on disk.
      await sleep(Math.max(0, to + 1_500 - Date.now()));
      const rows = await stack.db.selectFrom('recordings').select(['source', 'path']).where('sessionId', '=', sessionId).execute();
      for (const r of rows) {
        const w = await dumpWindow(path.join(stack.recordingsDir, r.path), from, to);
        console.log(`[fault] ${r.source}: ${w.packets} RTP packets in the fault window, longest hole ${w.longestGapMs} ms`);
        // The fake screen may stand still for a moment; camera and microphone never do.
        assert.ok(w.longestGapMs <= (r.source === 'screen' ? 2 * maxGapMs : maxGapMs), `${r.source} recorded through the fault (longest hole ${w.longestGapMs} ms)`);
      }
    },
    async finishAndAssertRecordings() {
      assertNodeAlive();
      await candidate.getByTestId('finish').click();
      await candidate.getByTestId('finish-confirm').click();
      await candidate.getByTestId('finished').waitFor({ timeout: 30_000 });
      const endedAt = Date.now();
      const attempts = await stack.db.selectFrom('attempts').select(['number', 'endReason']).where('sessionId', '=', sessionId).execute();
      assert.deepEqual(attempts.map((a) => [a.number, a.endReason]), [[1, 'finished']]);
      const rows = await waitFor(
        'recordings finalised',
        async () => {
          const r = await stack.db.selectFrom('recordings').selectAll().where('sessionId', '=', sessionId).execute();
          return r.length === 3 && r.every((x) => recordingSettled(x) && x.status !== 'stopped') ? r : undefined;
        },
        60_000,
      );
      const examMs = endedAt - startedAt;
      for (const r of rows) {
        assert.equal(r.status, 'finalised', `${r.source}: ${r.status} ${r.error ?? ''}`);
        assert.ok(r.endedAt && r.bytes && r.bytes > 0, `${r.source}: ended, with bytes`);
        // From publishing to finishing, less the first key frame and the last flush.
        assert.ok((r.durationMs ?? 0) >= examMs - 3_000, `${r.source}: ${r.durationMs} ms recorded of a ${examMs} ms exam`);
      }
      assert.deepEqual(rows.map((r) => r.id).sort(), recordingIds);
      assertNodeAlive();
    },
  };
}
