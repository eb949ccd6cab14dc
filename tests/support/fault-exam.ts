/**
 * The exam both fault tests run, in real Chromium on a fault stack (fault-stack.ts): a
 * candidate publishing camera, microphone and screen, a proctor's live grid showing their
 * tile, findings made through the page's own detectors (clipboard events), and the checks
 * that hold after any fault: the same attempt, the same three recordings still receiving, the
 * findings each stored once, the tile playing again, the node never crashing; and at the
 * end, every recording row complete.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { recordingFinalised, waitFor } from './media.ts';
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
  /** The proctor's tile counts every finding stored so far (pushed live, also those of the fault). */
  assertProctorSawFindings(timeoutMs?: number): Promise<void>;
  /** The tile plays (frames ≥ `since`) and shows `connected`; returns when it played again. */
  assertTilePlaying(since: number, timeoutMs?: number): Promise<number>;
  /** Still the same attempt, the same producers and recordings, the node alive and never crashed. */
  assertSameAttempt(): Promise<void>;
  /** Every live dump kept receiving RTP through [from, to]; the microphone's with no hole longer than `maxGapMs`. */
  assertDumpsContinuous(from: number, to: number, maxGapMs?: number): Promise<void>;
  /** Finish the exam on the page; every recording ends finalised, covering the exam. */
  finishAndAssertRecordings(): Promise<void>;
}

/** `via`: the address both pages open instead of the node's (a cut-proxy.ts in front of it). */
export async function startFaultExam(stack: FaultStack, browser: Browser, opts: { via?: string } = {}): Promise<FaultExam> {
  try {
    return await openFaultExam(stack, browser, opts);
  } catch (error) {
    // What the node said is most of what there is to know about a start that went wrong.
    console.error(`[fault] the node's log:\n${stack.node.child.output().slice(-6000)}`);
    throw error;
  }
}

async function openFaultExam(stack: FaultStack, browser: Browser, { via }: { via?: string }): Promise<FaultExam> {
  const { sessionId } = stack.seed.sessions[0]!;
  const through = (url: string) => (via ? url.replace(stack.node.url, via) : url);
  const proctor = await openProctor(browser, through(stack.proctorUrl()));
  await watchTileFrames(proctor, sessionId);
  const candidate = await openCandidate(browser, through(stack.candidateUrl(sessionId)));
  // Usually attempt 1; on a starved machine the first handshake may time out and the page
  // joins again before the fault begins. The fault must not add one more.
  const publishing = await waitPublishing(candidate, undefined, 90_000);
  const attempt = publishing.attempt;
  const producerIds = publishing.producers.map((p) => p.producerId).sort();
  const startedAt = Date.now();
  await waitFor('tile playing', async () => playingSince(await tileFrames(proctor, sessionId), 0), 60_000);
  const recordings = await waitFor('three recordings', async () => {
    const rows = await stack.db.selectFrom('recordings').select(['id', 'source', 'status']).where('sessionId', '=', sessionId).where('status', '=', 'recording').execute();
    return rows.length === 3 ? rows : undefined;
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
      // The page's clock at the event (the same machine's as ours), not when the call got there.
      const at = await candidate.evaluate((t) => {
        document.dispatchEvent(new Event(t, { bubbles: true }));
        return Date.now();
      }, type);
      made.push({ type, at });
    },
    async assertStoredOnce(timeoutMs = 30_000) {
      await waitFor('the page sent every finding', async () => (await candidate.evaluate(() => (window as unknown as { __journey?: { pending(): number } }).__journey?.pending() ?? -1)) === 0, timeoutMs);
      const all = await stack.db.selectFrom('violations').select(['id', 'type', 'startsAt']).where('sessionId', '=', sessionId).orderBy('startsAt').execute();
      console.log(`[fault] stored findings: ${all.map((v) => v.type).join(', ')}`);
      const rows = all.filter((v) => v.type === 'copy' || v.type === 'paste' || v.type === 'cut');
      made.sort((a, b) => a.at - b.at);
      // Each finding is its own row (clipboard findings are moments, seconds apart: nothing merges).
      assert.deepEqual(rows.map((r) => r.type), made.map((m) => m.type), `each finding stored once, in order: ${JSON.stringify(rows)}`);
      for (const [i, r] of rows.entries()) {
        const off = r.startsAt.getTime() - made[i]!.at;
        assert.ok(Math.abs(off) < 1_000, `finding ${i} (${r.type}) stored at its own time (${off} ms off)`);
      }
      // One key per finding: a resend found its first report and added nothing.
      const keys = await stack.db.selectFrom('violationReports').select('violationId').where('violationId', 'in', rows.map((r) => r.id)).execute();
      assert.equal(keys.length, made.length, 'one idempotency key per finding');
    },
    async assertProctorSawFindings(timeoutMs = 15_000) {
      const badge = tile.getByTestId('violation-badge');
      // Every stored finding, the page's other detectors' too (the fake camera shows no face).
      const stored = await stack.db.selectFrom('violations').select('id').where('sessionId', '=', sessionId).execute();
      await waitFor(`tile badge counts ${stored.length}`, async () => (await badge.getAttribute('data-count', { timeout: 1_000 }).catch(() => null)) === String(stored.length), timeoutMs);
    },
    async assertTilePlaying(since, timeoutMs = 30_000) {
      const playing = await waitFor('tile playing again', async () => playingSince(await tileFrames(proctor, sessionId), since), timeoutMs, 100);
      await waitFor('tile connected', async () => (await tile.getAttribute('data-state')) === 'connected', 10_000);
      return playing;
    },
    async assertSameAttempt() {
      assertNodeAlive();
      const now = await waitPublishing(candidate, attempt, 15_000);
      assert.deepEqual(now.producers.map((p) => p.producerId).sort(), producerIds, 'the same producers go on');
      const attempts = await stack.db.selectFrom('attempts').select(['number', 'endedAt']).where('sessionId', '=', sessionId).orderBy('number').execute();
      assert.deepEqual(attempts.at(-1), { number: attempt, endedAt: null }, 'the same attempt, still open, and no newer one');
      const rows = await stack.db.selectFrom('recordings').select(['id', 'status']).where('sessionId', '=', sessionId).where('status', '=', 'recording').execute();
      assert.deepEqual(rows.map((r) => r.id).sort(), recordingIds, 'no recording started or lost for the fault');
      assert.ok(rows.every((r) => r.status === 'recording'), `still recording: ${JSON.stringify(rows)}`);
    },
    async assertDumpsContinuous(from, to, maxGapMs = 1_000) {
      // The tap flushes about once a second: wait until the window is on disk.
      await sleep(Math.max(0, to + 1_500 - Date.now()));
      const rows = await stack.db.selectFrom('recordings').select(['source', 'path']).where('id', 'in', recordingIds).execute();
      const windows = await Promise.all(rows.map(async (r) => ({ source: r.source, ...(await dumpWindow(path.join(stack.recordingsDir, r.path), from, to)) })));
      for (const w of windows) {
        console.log(`[fault] ${w.source}: ${w.packets} RTP packets in the ${to - from} ms fault window, longest hole ${w.longestGapMs} ms at +${w.longestGapAtMs} ms`);
      }
      // The same length just before, for comparison (a loaded machine's encoder has its own holes).
      const before = await Promise.all(rows.map(async (r) => ({ source: r.source, ...(await dumpWindow(path.join(stack.recordingsDir, r.path), from - (to - from), from)) })));
      for (const w of before) console.log(`[fault] before the fault, ${w.source}: ${w.packets} RTP packets, longest hole ${w.longestGapMs} ms`);
      // The microphone sends 50 packets a second whatever the machine's load (no DTX), so a
      // hole in its dump is the recording path's doing: none may exceed `maxGapMs`. Video
      // frame rates collapse on a starved CI machine (its encoder has holes of seconds before
      // any fault too, the window before shows them), so video must only keep arriving.
      for (const [i, w] of windows.entries()) {
        const bound = w.source === 'microphone' ? maxGapMs : Math.max(maxGapMs, before[i]!.longestGapMs + 1_000, 6_000);
        assert.ok(w.packets > 0 && w.longestGapMs <= bound, `${w.source} recorded through the fault (longest hole ${w.longestGapMs} ms, bound ${bound} ms)`);
      }
    },
    async finishAndAssertRecordings() {
      assertNodeAlive();
      await candidate.getByTestId('finish').click();
      await candidate.getByTestId('finish-confirm').click();
      await candidate.getByTestId('finished').waitFor({ timeout: 30_000 });
      const endedAt = Date.now();
      const attempts = await stack.db.selectFrom('attempts').select(['number', 'endReason']).where('sessionId', '=', sessionId).execute();
      assert.deepEqual(attempts.map((a) => [a.number, a.endReason]).at(-1), [attempt, 'finished']);
      const rows = await waitFor(
        'recordings finalised',
        async () => {
          const r = await stack.db.selectFrom('recordings').selectAll().where('id', 'in', recordingIds).execute();
          return r.length === 3 && r.every((x) => recordingFinalised(x)) ? r : undefined;
        },
        60_000,
      );
      const examMs = endedAt - startedAt;
      for (const r of rows) {
        assert.equal(r.status, 'finalised', `${r.source}: ${r.status} ${r.error ?? ''}`);
        assert.ok(r.endedAt && r.bytes && r.bytes > 0, `${r.source}: ended, with bytes`);
        // From publishing to finishing, less the first key frame and the last flush; a still
        // screen is sent a frame every few seconds, so its last frame may be that far back.
        assert.ok((r.durationMs ?? 0) >= examMs - (r.source === 'screen' ? 6_000 : 3_000), `${r.source}: ${r.durationMs} ms recorded of a ${examMs} ms exam`);
      }
      assert.deepEqual(rows.map((r) => r.id).sort(), recordingIds);
      assertNodeAlive();
    },
  };
}
