/**
 * #12 fault suite: the media node is SIGKILLed mid-exam and a new one is started on the same
 * port, database and node id (as systemd's Restart=always does). A real Chromium candidate
 * streams camera, microphone and screen and a proctor's live grid watches; findings are
 * reported just before the kill (an ack may be lost with the node) and while it is down.
 *
 * What must hold:
 * - the candidate page and the proctor's grid come back by themselves, without a reload;
 * - the documented behaviour for a killed node (infra/README.md, upgrades): the attempt the
 *   node held cannot be continued (its transports died with it), so it ends as
 *   `node_restarted`, at the crash, and the page joins as attempt 2;
 * - every finding is stored exactly once (the page's queue resends with the same keys);
 * - every track of attempt 1 is recovered from its dump up to ≤ 1 s before the kill: the
 *   recorder's last flush is ≤ 1 s before it, and each dump's last packet is too unless the
 *   track sent nothing since (measured and printed: last packet against the kill time,
 *   seconds lost per track); and every recording
 *   of both attempts ends up `finalised`: a WebM ffprobe reads, with cues, whose duration is
 *   within 1 s of the time the track was live.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { createTestDatabase } from '@proctor/db/testing';
import { seedMediaDemo } from '@proctor/db';
import { mintToken } from '@proctor/signaling/token';
import { launchBrowser } from '../support/browser.ts';
import { freePort } from '../support/ports.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { openCandidate, openProctor, waitFramesIncreasing, waitPublishing } from '../support/pages.ts';
import { candidateState, checkFinalised, dumpLastRtpAt, recordedFrom, recordingFinalised, waitFor } from '../support/media.ts';

const MAX_LOSS_MS = 1_000;
/** On a loaded 2-core machine the node alone needs up to a minute or more to start. */
const NODE_START_MS = 180_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGKILL of the media node mid-exam', () => {
  const tokenSecret = randomBytes(32).toString('base64url');
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let seed: Awaited<ReturnType<typeof seedMediaDemo>>;
  let dir: string;
  let env: Record<string, string> & { PORT: string };
  let node: NodeProcess | undefined;
  let browser: Browser;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    seed = await seedMediaDemo(testDb.db, { candidates: 1 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-kill-'));
    const port = await freePort();
    env = {
      PORT: String(port),
      // The same id after the restart: that is how the node finds what it left open.
      NODE_ID: `kill-${randomBytes(3).toString('hex')}`,
      DATABASE_URL: testDb.url,
      TOKEN_SECRET: tokenSecret,
      DATA_DIR: dir,
      RECORDINGS_DIR: path.join(dir, 'recordings'),
      REPORTS_DIR: path.join(dir, 'reports'),
    };
    node = await startNodeProcess(env, NODE_START_MS);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    await testDb?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('pages recover by themselves, findings are stored once, every track is kept up to ≤ 1 s before the kill', async () => {
    const { sessionId } = seed.sessions[0]!;
    const url = node!.url;
    const proctor = await openProctor(browser, `${url}/proctor/exams/${seed.examId}/live?token=${mintToken({ role: 'proctor', userId: seed.proctorUserId }, tokenSecret, 900)}`);
    const candidate = await openCandidate(browser, `${url}/exam?token=${mintToken({ role: 'candidate', sessionId }, tokenSecret, 900)}`);
    const before = await waitPublishing(candidate, 1, 120_000);
    const since1 = new Map(before.producers.map((p) => [p.source, p.since]));
    await waitFramesIncreasing(proctor, [{ sessionId, source: 'camera' }], 60_000);
    const tile = proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`);
    await waitFor('tile connected', async () => (await tile.getAttribute('data-state')) === 'connected', 30_000);
    await sleep(6_000); // several flush intervals of every track on disk

    // A finding whose ack may die with the node, then the kill.
    await candidate.evaluate(() => document.dispatchEvent(new Event('copy', { bubbles: true })));
    const killAt = Date.now();
    await node!.stop('SIGKILL');
    const dead = node!;
    node = undefined;
    assert.equal(dead.child.proc.signalCode, 'SIGKILL');

    // What the killed node left on disk, read before anything touches it.
    const open1 = await testDb.db.selectFrom('recordings').selectAll().where('sessionId', '=', sessionId).where('status', '=', 'recording').execute();
    assert.deepEqual(open1.map((r) => r.source).sort(), ['camera', 'microphone', 'screen'], 'three tracks were being recorded');
    // The tap writes every track that holds data at each flush tick (500 ms), so the newest
    // write of any dump is the last tick: whatever reached the recorder before it is on disk.
    // A track whose own last write is older had nothing new at that tick: its gap before the
    // kill is the sender's (under CPU load a browser sends video in bursts), not a loss.
    const dumps = new Map<string, Awaited<ReturnType<typeof dumpLastRtpAt>>>();
    for (const r of open1) {
      const d = await dumpLastRtpAt(path.join(env.RECORDINGS_DIR!, r.path), 8);
      assert.ok(d.packets > 0, `${r.source}: the dump has packets`);
      dumps.set(r.source, d);
    }
    const lastTickAt = Math.max(...[...dumps.values()].map((d) => d.writtenAt));
    for (const [source, d] of dumps) {
      console.log(`[fault-node-kill] ${source}: last packet ${killAt - d.lastAt} ms, last write ${Math.round(killAt - d.writtenAt)} ms before the kill; last arrivals ${JSON.stringify(d.tailAt.map((t) => t - killAt))}`);
    }
    const lossMs = new Map([...dumps].map(([source, d]) => [source, killAt - d.lastAt]));
    console.log(`[fault-node-kill] seconds lost at the kill per track (last packet in the dump): ${JSON.stringify(Object.fromEntries([...lossMs].map(([s, ms]) => [s, ms / 1000])))}; last flush ${Math.round(killAt - lastTickAt)} ms before the kill`);
    assert.ok(killAt - lastTickAt <= MAX_LOSS_MS, `the recorder last wrote ${Math.round(killAt - lastTickAt)} ms before the kill`);
    for (const [source, d] of dumps) {
      assert.ok(
        killAt - d.lastAt <= MAX_LOSS_MS || d.writtenAt < lastTickAt,
        `${source}: the dump ends ${killAt - d.lastAt} ms before the kill though the track had data at the last flush`,
      );
    }

    // A finding while the node is down: queued on the page.
    await sleep(500);
    await candidate.evaluate(() => document.dispatchEvent(new Event('paste', { bubbles: true })));

    // The new node: same port, database and id.
    const restartAt = Date.now();
    node = await startNodeProcess(env, NODE_START_MS);
    console.log(`[fault-node-kill] node back ${Date.now() - killAt} ms after the kill (start-up ${Date.now() - restartAt} ms)`);

    // Both pages come back by themselves.
    // Generous: on a loaded 2-core machine the node alone needs up to a minute to start.
    const after = await waitPublishing(candidate, 2, 120_000).catch(async (error: unknown) => {
      console.log(`[fault-node-kill] the page: ${JSON.stringify(await candidateState(candidate).catch(() => null))}`);
      throw error;
    });
    const backAt = Date.now();
    const since2 = new Map(after.producers.map((p) => [p.source, p.since]));
    await waitFramesIncreasing(proctor, [{ sessionId, source: 'camera' }], 120_000);
    await waitFor('tile connected again', async () => (await tile.getAttribute('data-state')) === 'connected', 30_000);
    console.log(`[fault-node-kill] candidate publishing again ${backAt - killAt} ms after the kill, proctor's tile playing ${Date.now() - killAt} ms after it`);

    // Every finding stored exactly once, the one sent just before the kill too.
    await waitFor('findings sent', async () => (await candidate.evaluate(() => (window as unknown as { __journey?: { pending(): number } }).__journey?.pending() ?? -1)) === 0, 30_000);
    const stored = await testDb.db.selectFrom('violations').select('type').where('sessionId', '=', sessionId).where('type', 'in', ['copy', 'paste']).execute();
    assert.deepEqual(stored.map((v) => v.type).sort(), ['copy', 'paste'], 'each finding stored exactly once');

    // Some seconds of attempt 2, then the candidate finishes.
    await sleep(4_000);
    await candidate.getByTestId('finish').click();
    await candidate.getByTestId('finish-confirm').click();
    // Before it hands in, the page uploads what its device recorded during the outage.
    await candidate.getByTestId('finished').waitFor({ timeout: 180_000 });

    const attempts = await testDb.db.selectFrom('attempts').selectAll().where('sessionId', '=', sessionId).orderBy('number').execute();
    assert.deepEqual(attempts.map((a) => [a.number, a.endReason]), [[1, 'node_restarted'], [2, 'finished']]);
    // Attempt 1 ends at the crash (where its recovered recordings end), not at the restart.
    const end1 = attempts[0]!.endedAt!.getTime();
    assert.equal(end1, Math.max(...[...dumps.values()].map((d) => d.lastAt)), 'attempt 1 ends with its last recovered packet');

    const rows = await waitFor('6 finalised recordings', async () => {
      const r = await testDb.db.selectFrom('recordings').selectAll().where('sessionId', '=', sessionId).execute();
      if (r.length === 6 && r.every(recordingFinalised)) return r;
      throw new Error(JSON.stringify(r.map((x) => [x.source, x.status, x.error])));
    }, 120_000);
    const report: Record<string, unknown> = {};
    for (const [i, a] of attempts.entries()) {
      const mine = rows.filter((r) => r.attemptId === a.id);
      assert.deepEqual(mine.map((r) => r.source).sort(), ['camera', 'microphone', 'screen'], `attempt ${a.number}`);
      for (const r of mine) {
        const durationSec = await checkFinalised(env.RECORDINGS_DIR!, r);
        const from = recordedFrom(r, (i === 0 ? since1 : since2).get(r.source)!);
        // Live until its last packet before the kill, or until the server ended attempt 2 (its
        // producers closed then).
        const liveSec = ((i === 0 ? dumps.get(r.source)!.lastAt : a.endedAt!.getTime()) - from) / 1000;
        assert.ok(Math.abs(durationSec - liveSec) <= 1, `attempt ${a.number} ${r.source}: ${durationSec.toFixed(2)} s recorded, live ${liveSec.toFixed(2)} s`);
        if (i === 0) {
          // The WebM keeps what the dump held, up to its last whole frame (started_at = the
          // first frame's wall clock).
          const endMs = r.startedAt.getTime() + r.durationMs!;
          const lastAt = dumps.get(r.source)!.lastAt;
          assert.ok(lastAt - endMs <= 500, `${r.source}: the WebM ends ${lastAt - endMs} ms before the dump's last packet`);
          report[r.source] = { dumpLossSec: lossMs.get(r.source)! / 1000, webmLossSec: (killAt - endMs) / 1000, durationSec, liveSec };
        }
      }
    }
    console.log(`[fault-node-kill] attempt 1 recovered: ${JSON.stringify(report)}`);
    await candidate.context().close();
    await proctor.context().close();
  });
});
