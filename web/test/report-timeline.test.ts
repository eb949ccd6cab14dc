/** The detailed report's time arithmetic: attempt spans, gaps, and where a violation plays. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { ReportAttempt, ReportRecording, ReportViolation } from '@proctor/signaling/contract';
import { attemptSpan, axisFraction, deviceFilledSpans, clock, locate, recordingOffsetSec, sessionAxis, violationSeconds, violationTarget } from '../src/lib/report/timeline.ts';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function recording(source: ReportRecording['source'], startSec: number, endSec: number | null, durationMs: number | null = null): ReportRecording {
  return {
    id: crypto.randomUUID(),
    source,
    kind: source === 'microphone' ? 'audio' : 'video',
    status: 'finalised',
    startedAt: at(startSec),
    endedAt: endSec === null ? null : at(endSec),
    durationMs,
    bytes: 1,
    available: true,
    problem: null,
  };
}

function attempt(number: number, startSec: number, endSec: number | null, recordings: ReportRecording[] = []): ReportAttempt {
  return { id: crypto.randomUUID(), number, startedAt: at(startSec), endedAt: endSec === null ? null : at(endSec), endReason: null, recordings };
}

function violation(startSec: number, endSec: number | null, attemptNumber: number | null): ReportViolation {
  return { id: crypto.randomUUID(), type: 'focus_lost', category: 'behaviour', startsAt: at(startSec), endsAt: endSec === null ? null : at(endSec), source: 'client', attemptNumber };
}

describe('device-filled spans', () => {
  it('merges overlapping and touching segments of both sources and skips unavailable ones', () => {
    const seg = (from: number, to: number, available = true) => ({ startedAt: at(from), endedAt: at(to), available });
    assert.deepEqual(deviceFilledSpans([seg(20, 30), seg(10, 20), seg(12, 22), seg(40, 50, false), seg(60, 70)]), [
      { startMs: T0 + 10_000, endMs: T0 + 30_000 },
      { startMs: T0 + 60_000, endMs: T0 + 70_000 },
    ]);
  });
});

describe('report timeline', () => {
  const attempts = [attempt(1, 0, 60), attempt(2, 100, 160)];
  const axis = sessionAxis(attempts);

  it('lays attempts end to end with the gap between them', () => {
    assert.equal(axis.startMs, T0);
    assert.equal(axis.endMs, T0 + 160_000);
    assert.deepEqual(axis.gaps, [{ startMs: T0 + 60_000, endMs: T0 + 100_000 }]);
    assert.equal(axisFraction(axis, T0 + 80_000), 0.5);
    assert.equal(axisFraction(axis, T0 - 5_000), 0);
  });

  it('measures an attempt still open by its recordings, else by now', () => {
    assert.equal(attemptSpan(attempt(1, 0, null, [recording('camera', 1, 31)])).durationSec, 31);
    assert.equal(attemptSpan(attempt(1, 0, null, [recording('camera', 2, null, 10_000)])).durationSec, 12);
    assert.equal(attemptSpan(attempt(1, 0, null), T0 + 45_000).durationSec, 45);
  });

  it('locates a point in an attempt, and a point in a gap at the next attempt', () => {
    assert.deepEqual(locate(axis, T0 + 30_000), { attemptNumber: 1, timeSec: 30 });
    assert.deepEqual(locate(axis, T0 + 80_000), { attemptNumber: 2, timeSec: 0 });
    assert.deepEqual(locate(axis, T0 + 130_500), { attemptNumber: 2, timeSec: 30.5 });
    assert.deepEqual(locate(axis, T0 + 999_000), { attemptNumber: 2, timeSec: 60 });
  });

  it('seeks a violation to its offset in its own attempt', () => {
    assert.deepEqual(violationTarget(axis, violation(112.5, 115, 2)), { attemptNumber: 2, timeSec: 12.5 });
    // Without an attempt number the time decides.
    assert.deepEqual(violationTarget(axis, violation(20, 21, null)), { attemptNumber: 1, timeSec: 20 });
  });

  it('offsets a recording that started after its attempt', () => {
    assert.equal(recordingOffsetSec(attempts[0]!, recording('screen', 1.25, 60)), 1.25);
  });

  it('formats durations and clocks', () => {
    assert.equal(violationSeconds(violation(10, 12.5, 1)), 2.5);
    assert.equal(violationSeconds(violation(10, null, 1)), null);
    assert.equal(clock(9.9), '0:09');
    assert.equal(clock(3723), '1:02:03');
  });
});
