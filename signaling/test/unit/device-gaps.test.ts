/** The spans of a session the server's recordings lack (#12): pure interval arithmetic on the rows. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mergeIntervals, missingSpansOf, subtractIntervals, type CoverageFacts } from '../../src/services/device-gaps.ts';

const T0 = Date.parse('2026-01-10T09:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const span = (source: string, from: number, to: number) => ({ source, from: T0 + from * 1000, to: T0 + to * 1000 });
let nextId = 0;
const rec = (source: 'camera' | 'microphone' | 'screen', from: number, to: number | null, status = 'stopped', durationMs: number | null = null) => ({
  id: `rec-${++nextId}`, source, startedAt: at(from), endedAt: to === null ? null : at(to), durationMs, status,
});

describe('interval arithmetic', () => {
  it('merges overlapping and touching intervals and drops empty ones', () => {
    assert.deepEqual(mergeIntervals([{ from: 5, to: 8 }, { from: 0, to: 2 }, { from: 2, to: 3 }, { from: 7, to: 9 }, { from: 4, to: 4 }]), [
      { from: 0, to: 3 }, { from: 5, to: 9 },
    ]);
  });
  it('subtracts covered parts from a window, clipping at its ends', () => {
    assert.deepEqual(subtractIntervals({ from: 0, to: 10 }, [{ from: -5, to: 2 }, { from: 4, to: 6 }, { from: 9, to: 20 }]), [
      { from: 2, to: 4 }, { from: 6, to: 9 },
    ]);
    assert.deepEqual(subtractIntervals({ from: 0, to: 10 }, []), [{ from: 0, to: 10 }]);
    assert.deepEqual(subtractIntervals({ from: 0, to: 10 }, [{ from: 0, to: 10 }]), []);
  });
});

describe('missingSpansOf', () => {
  it('is empty without attempts (nothing was started)', () => {
    assert.deepEqual(missingSpansOf({ attempts: [], recordings: [], gaps: [], segments: [] }, T0, 500), []);
  });

  it('reports late starts, the time between attempts and a failed recording', () => {
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: at(30) }, { startedAt: at(40), endedAt: at(60) }],
      recordings: [
        rec('camera', 2, 30), rec('microphone', 0, 30), rec('screen', 0, 30),
        // Second attempt: camera finalised by duration (shorter than ended_at says), screen failed.
        rec('camera', 41, 60, 'finalised', 15_000), rec('microphone', 40, 60), rec('screen', 40, 60, 'failed'),
      ],
      gaps: [],
      segments: [],
    };
    assert.deepEqual(missingSpansOf(facts, at(100).getTime(), 500), [
      span('camera', 0, 2), span('camera', 30, 41), span('camera', 56, 60),
      span('screen', 30, 60),
    ]);
  });

  it('asks for the camera segment where only the microphone lacks', () => {
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: at(20) }],
      recordings: [rec('camera', 0, 20), rec('microphone', 0, 8), rec('microphone', 12, 20), rec('screen', 0, 20)],
      gaps: [],
      segments: [],
    };
    assert.deepEqual(missingSpansOf(facts, at(100).getTime(), 500), [span('camera', 8, 12)]);
  });

  it('runs to now while an attempt and its recordings are open, and ignores jitter under the minimum', () => {
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: null }],
      recordings: [rec('camera', 0.3, null, 'recording'), rec('microphone', 0.2, null, 'recording'), rec('screen', 0, 5), rec('screen', 9, null, 'recording')],
      gaps: [],
      segments: [],
    };
    assert.deepEqual(missingSpansOf(facts, at(50).getTime(), 500), [span('screen', 5, 9)]);
  });

  it('does not ask again for what device segments already cover', () => {
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: at(30) }],
      recordings: [rec('camera', 0, 5), rec('camera', 25, 30), rec('microphone', 0, 30), rec('screen', 0, 30)],
      gaps: [],
      segments: [{ source: 'camera', startedAt: at(4), endedAt: at(14) }, { source: 'screen', startedAt: at(4), endedAt: at(14) }],
    };
    assert.deepEqual(missingSpansOf(facts, at(100).getTime(), 500), [span('camera', 14, 25)]);
  });

  it('reports the holes the recorder saw inside a recording that ran on through a drop', () => {
    const camera = rec('camera', 0, null, 'recording');
    const microphone = rec('microphone', 0, null, 'recording');
    const screen = rec('screen', 0, 40, 'finalised', 40_000);
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: null }],
      recordings: [camera, microphone, screen],
      gaps: [
        { recordingId: camera.id, startedAt: at(10), endedAt: at(15.2) },
        // A hole under the minimum is jitter.
        { recordingId: microphone.id, startedAt: at(20), endedAt: at(20.3) },
        { recordingId: microphone.id, startedAt: at(10.1), endedAt: at(15) },
        { recordingId: screen.id, startedAt: at(30), endedAt: at(32) },
      ],
      // Part of the camera's hole is uploaded already.
      segments: [{ source: 'camera', startedAt: at(9), endedAt: at(12) }],
    };
    assert.deepEqual(missingSpansOf(facts, at(40).getTime(), 500), [span('camera', 12, 15.2), span('screen', 30, 32)]);
  });
});
