import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  DEFAULT_VIOLATION_WEIGHTS,
  MIN_EVENT_MAX_SHARE,
  MIN_EVENT_MS,
  computeHonesty,
  minEventMsFor,
  singleEventCost,
  mergeIntervals,
  recomputeSessionHonesty,
  seedMediaDemo,
  sessionHonestyBreakdown,
  type HonestyViolation,
} from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';
import * as m0006 from '../src/migrations/0006_honesty_weights.ts';
import * as m0018 from '../src/migrations/0018_honesty_short_sessions.ts';

const T0 = new Date('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const sec = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const behaviour = (type: string, from: Date, to: Date | null): HonestyViolation => ({ type, category: 'behaviour', startsAt: from, endsAt: to });
const technical = (type: string, from: Date, to: Date | null): HonestyViolation => ({ type, category: 'technical', startsAt: from, endsAt: to });
// 0001_initial's column default (points per occurrence), which migration 0006 replaces.
const LEGACY_POINT_WEIGHTS = {
  no_face: 5, multiple_faces: 10, other_person: 15, head_turned: 2, voice: 3, focus_lost: 5, tab_hidden: 5, fullscreen_exit: 3,
  copy: 3, paste: 5, cut: 3, second_display: 10, screen_share_stopped: 5, camera_stopped: 5, microphone_stopped: 3, network_lost: 1,
};
const exam90 = { startedAt: T0, endedAt: at(90), weights: DEFAULT_VIOLATION_WEIGHTS, countTechnical: false };

describe('computeHonesty', () => {
  it('is 100 without violations, with an empty breakdown', () => {
    const r = computeHonesty({ ...exam90, violations: [] });
    assert.deepEqual(r, { honesty: 100, sessionMs: 90 * 60_000, minEventMs: MIN_EVENT_MS, lines: [] });
  });

  it('is 0 when the candidate was absent the whole session', () => {
    const r = computeHonesty({ ...exam90, violations: [behaviour('no_face', at(0), at(90))] });
    assert.equal(r.honesty, 0);
    assert.equal(r.lines[0]!.totalMs, 90 * 60_000);
    assert.equal(r.lines[0]!.deduction, 200);
  });

  it('takes weight × share of time: 10 min absent in 90 at weight 2 → −22', () => {
    const r = computeHonesty({ ...exam90, violations: [behaviour('no_face', at(30), at(40))] });
    assert.equal(r.honesty, 78);
    assert.deepEqual(r.lines, [{ type: 'no_face', category: 'behaviour', events: 1, totalMs: 600_000, weight: 2, counted: true, deduction: 22.2 }]);
  });

  it('merges intervals of one type that overlap or touch (client and server findings count once)', () => {
    const violations = [
      behaviour('no_face', at(10), at(15)),
      behaviour('no_face', at(15), at(20)), // touches
      behaviour('no_face', at(12), at(18)), // inside (e.g. the server saw it too)
      behaviour('no_face', at(50), at(55)),
    ];
    const r = computeHonesty({ ...exam90, violations });
    assert.equal(r.lines[0]!.events, 2);
    assert.equal(r.lines[0]!.totalMs, 15 * 60_000);
    assert.equal(r.honesty, Math.round(100 - (2 * 100 * 15) / 90));
    // Different types are not merged with each other.
    const two = computeHonesty({ ...exam90, violations: [behaviour('no_face', at(10), at(20)), behaviour('head_turned', at(10), at(20))] });
    assert.equal(two.lines.length, 2);
    assert.equal(two.honesty, Math.round(100 - (2 * 100 * 10) / 90 - (1 * 100 * 10) / 90));
  });

  it('counts instant and open events: at least the minimum, an open one to the session end', () => {
    const paste = computeHonesty({ ...exam90, violations: [behaviour('paste', at(5), at(5))] });
    assert.equal(paste.lines[0]!.totalMs, MIN_EVENT_MS);
    assert.equal(paste.lines[0]!.deduction, Math.round(((3 * 100 * MIN_EVENT_MS) / (90 * 60_000)) * 10) / 10);
    // Ten pastes one second apart merge into one stretch of 19 s, not ten minimums.
    const burst = computeHonesty({ ...exam90, violations: Array.from({ length: 10 }, (_, i) => behaviour('paste', sec(60 + i), sec(60 + i))) });
    assert.equal(burst.lines[0]!.totalMs, 19_000);
    const open = computeHonesty({ ...exam90, violations: [behaviour('no_face', at(80), null)] });
    assert.equal(open.lines[0]!.totalMs, 10 * 60_000);
    // An event at the very end is pulled inside the session, never outside it.
    const last = computeHonesty({ ...exam90, violations: [behaviour('copy', at(90), at(90))] });
    assert.equal(last.lines[0]!.totalMs, MIN_EVENT_MS);
  });

  it('uses the exam weights (0 switches a type off; unknown types weigh 1)', () => {
    const v = [behaviour('no_face', at(0), at(9)), behaviour('mystery', at(0), at(9))];
    const r = computeHonesty({ ...exam90, weights: { no_face: 0 }, violations: v });
    assert.equal(r.lines.find((l) => l.type === 'no_face')!.deduction, 0);
    assert.equal(r.lines.find((l) => l.type === 'mystery')!.weight, 1);
    assert.equal(r.honesty, 90);
    const heavier = computeHonesty({ ...exam90, weights: { no_face: 5 }, violations: [behaviour('no_face', at(0), at(9))] });
    assert.equal(heavier.honesty, 50);
  });

  it('lists technical events without counting them unless the exam says so', () => {
    const violations = [technical('network_lost', at(0), at(45)), behaviour('tab_hidden', at(60), at(69))];
    const off = computeHonesty({ ...exam90, violations });
    const net = off.lines.find((l) => l.type === 'network_lost')!;
    assert.equal(net.counted, false);
    assert.equal(net.deduction, 0);
    assert.equal(net.totalMs, 45 * 60_000);
    assert.equal(off.honesty, 85); // only tab_hidden: 1.5 × 100 × 9/90
    const on = computeHonesty({ ...exam90, countTechnical: true, violations });
    assert.equal(on.lines.find((l) => l.type === 'network_lost')!.counted, true);
    assert.equal(on.honesty, 35);
  });

  it('clips to the session; an end before the start counts as an instant event', () => {
    const r = computeHonesty({
      ...exam90,
      violations: [behaviour('no_face', at(-30), at(9)), behaviour('no_face', at(20), at(10))],
    });
    // The second one is stretched to the minimum from its start; the first clipped to 0..9.
    assert.equal(r.lines[0]!.totalMs, 9 * 60_000 + MIN_EVENT_MS);
  });

  it('stays an integer in 0..100 and sorts lines by deduction', () => {
    const r = computeHonesty({
      ...exam90,
      violations: [behaviour('head_turned', at(1), at(2)), behaviour('other_person', at(3), at(13)), behaviour('multiple_faces', at(3), at(80))],
    });
    assert.ok(Number.isInteger(r.honesty) && r.honesty >= 0 && r.honesty <= 100);
    assert.deepEqual(r.lines.map((l) => l.type), ['multiple_faces', 'other_person', 'head_turned']);
  });

  it('mergeIntervals joins touching intervals only', () => {
    assert.deepEqual(mergeIntervals([[5, 6], [0, 2], [2, 3], [4, 5]]), [[0, 3], [4, 6]]);
  });
});

describe('short sessions: the minimum event length is bounded', () => {
  const session = (seconds: number) => ({ startedAt: T0, endedAt: sec(seconds), weights: DEFAULT_VIOLATION_WEIGHTS, countTechnical: false });

  it('shrinks the 10 s minimum to 1 % of a session shorter than 16 min 40 s', () => {
    assert.equal(minEventMsFor(90 * 60_000), MIN_EVENT_MS);
    assert.equal(minEventMsFor(1000_000), MIN_EVENT_MS, 'the break-even length');
    assert.equal(minEventMsFor(10 * 60_000), 6000);
    assert.equal(minEventMsFor(54_000), 540);
    assert.equal(minEventMsFor(0), 0);
    assert.equal(computeHonesty({ ...session(600), violations: [] }).minEventMs, 6000, 'the breakdown names the minimum it used');
  });

  it('charges a 4 s "tab hidden" in a 54 s session its real share, not a 10 s one (was 28 points)', () => {
    const r = computeHonesty({ ...session(54), violations: [behaviour('tab_hidden', sec(20), sec(24))] });
    assert.equal(r.lines[0]!.totalMs, 4000);
    assert.equal(r.lines[0]!.deduction, 11.1); // 1.5 × 100 × 4 / 54
    assert.equal(r.honesty, 89);
  });

  it('never lets the stretch of one instant event take more than its weight in points', () => {
    for (const seconds of [1, 30, 54, 120, 300, 600, 999, 1000, 2700, 5400, 4 * 3600]) {
      for (const [type, weight] of [['paste', 3], ['head_turned', 1], ['focus_lost', 1.5]] as const) {
        const cost = singleEventCost({ type, category: 'behaviour', sessionMs: seconds * 1000, weights: DEFAULT_VIOLATION_WEIGHTS, countTechnical: false });
        assert.ok(cost <= weight * 100 * MIN_EVENT_MAX_SHARE + 0.05, `${type} in ${seconds} s costs ${cost} > ${weight}`);
        const uncapped = (weight * 100 * MIN_EVENT_MS) / (seconds * 1000);
        assert.equal(cost, Math.round(Math.min(uncapped, weight) * 10) / 10, `${type} in ${seconds} s`);
      }
    }
  });

  it('costs one event of each length the table in the exam settings shows (10 / 45 / 90 minutes)', () => {
    const cost = (type: string, minutes: number) =>
      singleEventCost({ type, category: 'behaviour', sessionMs: minutes * 60_000, weights: DEFAULT_VIOLATION_WEIGHTS, countTechnical: false });
    assert.deepEqual([cost('paste', 10), cost('paste', 45), cost('paste', 90)], [3, 1.1, 0.6]);
    assert.deepEqual([cost('tab_hidden', 10), cost('tab_hidden', 45), cost('tab_hidden', 90)], [1.5, 0.6, 0.3]);
    // A technical type the exam does not count costs nothing; counted, it costs its weight's share.
    const net = (countTechnical: boolean) =>
      singleEventCost({ type: 'network_lost', category: 'technical', sessionMs: 10 * 60_000, weights: DEFAULT_VIOLATION_WEIGHTS, countTechnical });
    assert.deepEqual([net(false), net(true)], [0, 1]);
    // The exam's own weights are used (0 switches a type off).
    assert.equal(singleEventCost({ type: 'paste', category: 'behaviour', sessionMs: 600_000, weights: { paste: 0 }, countTechnical: false }), 0);
  });

  it('still counts long events in full: absent for all of a one-minute session is 0 %', () => {
    const r = computeHonesty({ ...session(60), violations: [behaviour('no_face', sec(0), sec(60))] });
    assert.equal(r.honesty, 0);
    assert.equal(r.lines[0]!.totalMs, 60_000);
  });

  it('grows with the event: a longer event never costs less than a shorter one', () => {
    let previous = -1;
    for (const length of [0, 0.2, 0.5, 1, 2, 4, 8, 10, 12, 30]) {
      const r = computeHonesty({ ...session(120), violations: [behaviour('no_face', sec(30), sec(30 + length))] });
      const d = r.lines[0]!.deduction;
      assert.ok(d >= previous, `${length} s costs ${d} < ${previous}`);
      previous = d;
    }
  });

  it('keeps many short events honest: twenty 5 s absences in 2 minutes cost their real time', () => {
    const violations = Array.from({ length: 20 }, (_, i) => behaviour('no_face', sec(i * 6), sec(i * 6 + 5)));
    const r = computeHonesty({ ...session(120), violations });
    assert.equal(r.lines[0]!.totalMs, 100_000);
    assert.equal(r.honesty, 0);
  });
});

describe('honesty repository', () => {
  let t: TestDatabase;
  useTestDatabase((db) => (t = db));

  it('new exams default to the weights of violation-types.ts (migration 0006)', async () => {
    const { examId } = await seedMediaDemo(t.db, { candidates: 1 });
    const exam = await t.db.selectFrom('exams').select('violationWeights').where('id', '=', examId).executeTakeFirstOrThrow();
    assert.deepEqual(exam.violationWeights, DEFAULT_VIOLATION_WEIGHTS);
  });

  it('migration 0006 moves exams with the old untouched defaults to the new ones, keeps tuned ones', async () => {
    const other = await createTestDatabase();
    try {
      await m0006.down(other.db);
      const { id: disciplineId } = await other.db.insertInto('disciplines').values({ name: 'D' }).returning('id').executeTakeFirstOrThrow();
      const window = { disciplineId, startsAt: new Date('2025-01-01T08:00:00Z'), endsAt: new Date('2025-01-01T10:00:00Z') };
      const untouched = await other.db.insertInto('exams').values({ name: 'old default', ...window }).returning(['id', 'violationWeights']).executeTakeFirstOrThrow();
      assert.deepEqual(untouched.violationWeights, LEGACY_POINT_WEIGHTS);
      const tuned = await other.db
        .insertInto('exams')
        .values({ name: 'tuned', ...window, violationWeights: JSON.stringify({ ...LEGACY_POINT_WEIGHTS, no_face: 7 }) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await m0006.up(other.db);
      const rows = await other.db.selectFrom('exams').select(['id', 'violationWeights']).execute();
      const by = Object.fromEntries(rows.map((r) => [r.id, r.violationWeights]));
      assert.deepEqual(by[untouched.id], DEFAULT_VIOLATION_WEIGHTS);
      assert.equal(by[tuned.id]!.no_face, 7);
    } finally {
      await other.drop();
    }
  });

  it('computes and stores a session honesty from its stored violations and exam weights', async () => {
    const { examId, sessions } = await seedMediaDemo(t.db, { candidates: 2 });
    const [s1, s2] = sessions.map((s) => s.sessionId) as [string, string];
    assert.equal(await sessionHonestyBreakdown(t.db, s1), null, 'not started yet');
    await t.db.updateTable('examSessions').set({ status: 'finished', startedAt: at(0), endedAt: at(90) }).where('id', 'in', [s1, s2]).execute();
    await t.db
      .insertInto('violations')
      .values([
        { sessionId: s1, type: 'no_face', category: 'behaviour', startsAt: at(30), endsAt: at(40), source: 'server' },
        { sessionId: s1, type: 'network_lost', category: 'technical', startsAt: at(50), endsAt: at(60), source: 'server' },
      ])
      .execute();
    assert.equal(await recomputeSessionHonesty(t.db, s1), 78);
    assert.equal(await recomputeSessionHonesty(t.db, s2), 100);
    const stored = await t.db.selectFrom('examSessions').select(['id', 'honesty']).where('id', 'in', [s1, s2]).execute();
    assert.deepEqual(Object.fromEntries(stored.map((r) => [r.id, r.honesty])), { [s1]: 78, [s2]: 100 });

    await t.db.updateTable('exams').set({ countTechnical: true, violationWeights: JSON.stringify({ no_face: 1 }) }).where('id', '=', examId).execute();
    const b = (await sessionHonestyBreakdown(t.db, s1))!;
    assert.equal(b.honesty, Math.round(100 - 100 * (10 / 90) - 100 * (10 / 90)));
    assert.equal(b.lines.find((l) => l.type === 'network_lost')!.counted, true);
  });

  it('migration 0018 recomputes the stored honesty of short finished sessions only', async () => {
    const other = await createTestDatabase();
    try {
      await shortSessionsMigration(other);
    } finally {
      await other.drop();
    }
  });
});

/** Stale verdicts as the old formula stored them, then migration 0018. */
async function shortSessionsMigration(t: TestDatabase): Promise<void> {
  const { sessions } = await seedMediaDemo(t.db, { candidates: 3 });
  const [short, long, open] = sessions.map((s) => s.sessionId) as [string, string, string];
  // Stored as the old formula left them: 72 for a 4 s tab hidden in 54 s; a stale value on
  // a 90-minute session must stay (its minimum did not change); an open session is not touched.
  await t.db.updateTable('examSessions').set({ status: 'finished', startedAt: sec(0), endedAt: sec(54), honesty: 72 }).where('id', '=', short).execute();
  await t.db.updateTable('examSessions').set({ status: 'finished', startedAt: at(0), endedAt: at(90), honesty: 55 }).where('id', '=', long).execute();
  await t.db.updateTable('examSessions').set({ status: 'in_progress', startedAt: sec(0), honesty: 72 }).where('id', '=', open).execute();
  await t.db
    .insertInto('violations')
    .values([short, long, open].map((sessionId) => ({ sessionId, type: 'tab_hidden', category: 'behaviour' as const, startsAt: sec(20), endsAt: sec(24), source: 'client' as const })))
    .execute();
  await m0018.up(t.db);
  const stored = await t.db.selectFrom('examSessions').select(['id', 'honesty']).where('id', 'in', [short, long, open]).execute();
  assert.deepEqual(Object.fromEntries(stored.map((r) => [r.id, r.honesty])), { [short]: 89, [long]: 55, [open]: 72 });
  assert.equal((await sessionHonestyBreakdown(t.db, short))!.honesty, 89, 'the stored value is the live breakdown');
}
