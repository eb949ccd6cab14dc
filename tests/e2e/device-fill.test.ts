/**
 * #12: what a real network drop costs the server's recording, the candidate's device fills.
 * The candidate's Chromium runs in its own network namespace (tests/support/netns.ts) and its
 * link goes down for 5 s; the recording runs on (same attempt, same producers), so the cut is
 * a hole inside it, which the recorder's tap stores (recording_gaps). After the reconnect the
 * page asks which spans the server lacks and uploads exactly the device segments that overlap
 * them (tus), and "Finish" completes only after the last round. Then: the segments cover every
 * hole, their files are on disk with the SHA-256 the rows say, no segment was sent that
 * covers nothing missing, and the report (API and timeline) marks the device-filled spans.
 * Needs root (ip netns): skipped, saying so, otherwise.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sessionCoverageFacts } from '@proctor/db';
import { mergeIntervals, missingSpansOf, subtractIntervals, type Interval } from '../../signaling/src/services/device-gaps.ts';
import { isRoot } from '../support/netns.ts';
import { startNetnsStack, type NetnsStack } from '../support/netns-stack.ts';
import { openCandidate, openProctor, waitPublishing } from '../support/pages.ts';
import { waitFor } from '../support/media.ts';
import { PROCTOR, seedAdminPassword, signIn } from '../support/staff.ts';

const CUT_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const length = (list: Interval[]) => list.reduce((n, i) => n + (i.to - i.from), 0);

if (!isRoot()) console.warn('skipping the device-fill test: needs root for ip netns (network namespace)');

describe.skipIf(!isRoot())('the device fills what a 5 s link cut cost the server recording', () => {
  let env: NetnsStack;
  beforeAll(async () => {
    env = await startNetnsStack({ candidates: 1 });
    await seedAdminPassword(env.stack);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('holes stored, the overlapping segments uploaded after the reconnect and before Finish, hashes verified, report marks them', async () => {
    const { stack, ns } = env;
    const { sessionId } = stack.seed.sessions[0]!;
    const candidate = await openCandidate(env.candidateBrowser, stack.candidateUrl(sessionId));
    await waitPublishing(candidate, 1, 60_000);
    await waitFor('three recordings', async () => {
      const rows = await stack.db.selectFrom('recordings').select('id').where('sessionId', '=', sessionId).execute();
      return rows.length === 3 ? rows : undefined;
    }, 30_000);
    // Past the first device segment, so the cut falls into a later one.
    await sleep(4_000);

    const cutAt = Date.now();
    await ns.cut('link');
    await sleep(CUT_MS);
    await ns.restore();
    const upAt = Date.now();
    await waitPublishing(candidate, 1, 30_000);

    // The recording ran on through the cut: the tap stored where media was missing.
    const gaps = await waitFor('recording holes over the cut', async () => {
      const rows = await stack.db
        .selectFrom('recordingGaps as g')
        .innerJoin('recordings as r', 'r.id', 'g.recordingId')
        .select(['r.source', 'g.startedAt', 'g.endedAt'])
        .where('r.sessionId', '=', sessionId)
        .execute();
      const overCut = rows.filter((g) => g.startedAt.getTime() < upAt && g.endedAt.getTime() > cutAt);
      return overCut.length >= 3 ? rows : undefined;
    }, 20_000);
    for (const source of ['camera', 'microphone', 'screen']) {
      const hole = gaps.find((g) => g.source === source && g.startedAt.getTime() < upAt && g.endedAt.getTime() > cutAt);
      assert.ok(hole, `a ${source} hole over the cut`);
      assert.ok(hole.endedAt.getTime() - hole.startedAt.getTime() >= CUT_MS - 1_500, `the ${source} hole is about the cut's length`);
    }
    const recordings = await stack.db.selectFrom('recordings').select('id').where('sessionId', '=', sessionId).execute();
    assert.equal(recordings.length, 3, 'no recording was started for the cut: the running ones go on');

    // After the reconnect (not only at Finish) the page sends the segments over the cut.
    await waitFor('device segments over the cut, sent after the reconnect', async () => {
      const rows = await stack.db.selectFrom('deviceSegments').select(['source', 'startedAt', 'endedAt']).where('sessionId', '=', sessionId).execute();
      const over = (source: string) => rows.some((s) => s.source === source && s.startedAt.getTime() < upAt && s.endedAt.getTime() > cutAt);
      return over('camera') && over('screen');
    }, 45_000);

    await candidate.getByTestId('finish').click();
    await candidate.getByTestId('finish-confirm').click();
    await candidate.getByTestId('finished').waitFor({ timeout: 60_000 });

    // What the server lacked, as the page was told (its own recordings only), and what is left.
    const facts = await sessionCoverageFacts(stack.db, sessionId);
    const now = Date.now();
    const lacked = missingSpansOf({ ...facts, segments: [] }, now, 500);
    const left = missingSpansOf(facts, now, 500);
    const segments = await stack.db.selectFrom('deviceSegments').selectAll().where('sessionId', '=', sessionId).execute();
    console.log(`[device-fill] lacked ${JSON.stringify(lacked.map((s) => [s.source, s.to - s.from]))}; ${segments.length} segments; left ${JSON.stringify(left.map((s) => [s.source, s.to - s.from]))}`);
    for (const source of ['camera', 'screen'] as const) {
      const lackedHere = lacked.filter((s) => s.source === source);
      assert.ok(lackedHere.some((s) => s.from < upAt && s.to > cutAt), `the server said it lacked the ${source} over the cut`);
      // Every hole the server saw is covered by this source's segments (≤ 0.5 s jitter at the edges).
      const covering = mergeIntervals(segments.filter((s) => s.source === source).map((s) => ({ from: s.startedAt.getTime(), to: s.endedAt.getTime() })));
      const uncovered = lackedHere.flatMap((gap) => subtractIntervals(gap, covering));
      assert.ok(length(uncovered) <= 500, `${source}: ${length(uncovered)} ms the server lacked are not covered by device segments`);
      assert.ok(length(left.filter((s) => s.source === source)) <= 500, `${source}: the server says nothing is missing now`);
    }
    // Exactly those segments: each one overlaps a span the server lacked.
    for (const s of segments) {
      const overlaps = lacked.some((g) => g.source === s.source && g.from < s.endedAt.getTime() && g.to > s.startedAt.getTime());
      assert.ok(overlaps, `segment ${s.source} @${s.startedAt.toISOString()} covers something the server lacked`);
      const bytes = await readFile(path.join(stack.recordingsDir, s.path));
      assert.equal(bytes.length, s.bytes, `segment ${s.path} has the stored size`);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), s.sha256, `segment ${s.path} has the stored SHA-256`);
    }
    const sealed = await stack.db.selectFrom('evidenceItems').select('itemId').where('sessionId', '=', sessionId).where('kind', '=', 'device_segment').execute();
    assert.deepEqual(sealed.map((e) => e.itemId).sort(), segments.map((s) => s.id).sort(), 'every segment is sealed in the evidence chain');

    // The report: its API lists the segments as available; the timeline marks the device spans.
    const proctor = await openProctor(env.proctorBrowser, `${stack.node.url}/results/${sessionId}`);
    await signIn(proctor, PROCTOR);
    await proctor.goto(`${stack.node.url}/results/${sessionId}`);
    const res = await proctor.request.get(`${stack.node.url}/api/sessions/${sessionId}/report`);
    assert.equal(res.status(), 200);
    const report = (await res.json()) as { deviceSegments: { id: string; available: boolean; sha256: string }[] };
    assert.deepEqual(report.deviceSegments.map((d) => d.id).sort(), segments.map((s) => s.id).sort(), 'the report lists every segment');
    assert.ok(report.deviceSegments.every((d) => d.available), 'every segment is playable from the report');
    await proctor.getByTestId('timeline-device').first().waitFor({ timeout: 30_000 });
    assert.ok((await proctor.getByTestId('timeline-device').count()) >= 1, 'the timeline marks device-filled spans');
    assert.equal(await proctor.getByTestId('device-segment').count(), segments.length, 'the report lists the segments');
    await candidate.context().close();
    await proctor.context().close();
  });
});
