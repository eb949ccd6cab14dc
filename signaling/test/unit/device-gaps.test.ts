/** The spans of a session the server's recordings lack (#12): pure interval arithmetic on the rows. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mergeIntervals, missingSpansOf, subtractIntervals, type CoverageFacts } from '../../src/services/device-gaps.ts';

const T0 = Date.parse('2026-01-10T09:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const span = (source: string, from: number, to: number) => ({ source, from: T0 + from * 1000, to: T0 + to * 1000 });
const rec = (source: 'camera' | 'microphone' | 'screen', from: number, to: number | null, status = 'stopped', durationMs: number | null = null) => ({
  source, startedAt: at(from), endedAt: to === null ? null : at(to), durationMs, status,
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
    assert.deepEqual(missingSpansOf({ attempts: [], recordings: [], segments: [] }, T0, 500), []);
  });

  it('reports late starts, the time between attempts and a failed recording', () => {
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: at(30) }, { startedAt: at(40), endedAt: at(60) }],
      recordings: [
        rec('camera', 2, 30), rec('microphone', 0, 30), rec('screen', 0, 30),
        // Second attempt: camera finalised by duration (shorter than ended_at says), screen failed.
        rec('camera', 41, 60, 'finalised', 15_000), rec('microphone', 40, 60), rec('screen', 40, 60, 'failed'),
      ],
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
      segments: [],
    };
    assert.deepEqual(missingSpansOf(facts, at(100).getTime(), 500), [span('camera', 8, 12)]);
  });

  it('runs to now while an attempt and its recordings are open, and ignores jitter under the minimum', () => {
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: null }],
      recordings: [rec('camera', 0.3, null, 'recording'), rec('microphone', 0.2, null, 'recording'), rec('screen', 0, 5), rec('screen', 9, null, 'recording')],
      segments: [],
    };
    assert.deepEqual(missingSpansOf(facts, at(50).getTime(), 500), [span('screen', 5, 9)]);
  });

  it('does not ask again for what device segments already cover', () => {
    const facts: CoverageFacts = {
      attempts: [{ startedAt: at(0), endedAt: at(30) }],
      recordings: [rec('camera', 0, 5), rec('camera', 25, 30), rec('microphone', 0, 30), rec('screen', 0, 30)],
      segments: [{ source: 'camera', startedAt: at(4), endedAt: at(14) }, { source: 'screen', startedAt: at(4), endedAt: at(14) }],
    };
    assert.deepEqual(missingSpansOf(facts, at(100).getTime(), 500), [span('camera', 14, 25)]);
  });
});
