/**
 * Which spans of a session the server's own recordings lack (#12), per device source. Pure:
 * the route feeds it the rows (sessionCoverageFacts) and the clock.
 *
 * The exam runs from the first attempt's start to the last attempt's end (now while one is
 * open); everything in it must be covered. A recording covers [started_at, started_at +
 * duration] once finalised with a duration, else [started_at, ended_at] (now while it is still
 * recording); a failed recording covers nothing. Between attempts nothing is recorded, so
 * that time is missing too. The device's 'camera' segment carries the camera and the
 * microphone, so it is asked for where either lacks; segments already uploaded count as
 * covered. Spans shorter than minGapMs are timestamp jitter, not gaps.
 */
import type { DeviceSource } from '../contract/api/device.ts';

export interface Interval {
  from: number;
  to: number;
}

export interface CoverageFacts {
  attempts: { startedAt: Date; endedAt: Date | null }[];
  recordings: { id: string; source: 'camera' | 'microphone' | 'screen'; startedAt: Date; endedAt: Date | null; durationMs: number | null; status: string }[];
  gaps: { recordingId: string; startedAt: Date; endedAt: Date }[];
  segments: { source: DeviceSource; startedAt: Date; endedAt: Date }[];
}

export interface SourceSpan extends Interval {
  source: DeviceSource;
}

/** Sorted, non-overlapping, non-empty. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else out.push({ from: i.from, to: i.to });
  }
  return out;
}

/** window minus the union of `covered`. */
export function subtractIntervals(window: Interval, covered: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = window.from;
  for (const c of mergeIntervals(covered)) {
    if (c.to <= cursor) continue;
    if (c.from >= window.to) break;
    if (c.from > cursor) out.push({ from: cursor, to: Math.min(c.from, window.to) });
    cursor = Math.max(cursor, c.to);
    if (cursor >= window.to) break;
  }
  if (cursor < window.to) out.push({ from: cursor, to: window.to });
  return out;
}

export function recordingCoverage(r: CoverageFacts['recordings'][number], now: number): Interval | null {
  if (r.status === 'failed') return null;
  const from = r.startedAt.getTime();
  if (r.status === 'finalised' && r.durationMs !== null) return { from, to: from + r.durationMs };
  return { from, to: r.endedAt ? r.endedAt.getTime() : now };
}

export function missingSpansOf(facts: CoverageFacts, now: number, minGapMs: number): SourceSpan[] {
  if (facts.attempts.length === 0) return [];
  const from = Math.min(...facts.attempts.map((a) => a.startedAt.getTime()));
  const to = Math.max(...facts.attempts.map((a) => (a.endedAt ? a.endedAt.getTime() : now)));
  if (!(to > from)) return [];
  const window = { from, to };
  const holesOf = (recordingId: string) =>
    facts.gaps.filter((g) => g.recordingId === recordingId).map((g) => ({ from: g.startedAt.getTime(), to: g.endedAt.getTime() }));
  const coverOf = (source: string) =>
    facts.recordings.filter((r) => r.source === source).flatMap((r) => {
      const cover = recordingCoverage(r, now);
      return cover ? subtractIntervals(cover, holesOf(r.id)) : [];
    });
  const uploaded = (source: DeviceSource) =>
    facts.segments.filter((s) => s.source === source).map((s) => ({ from: s.startedAt.getTime(), to: s.endedAt.getTime() }));
  const lacking: Record<DeviceSource, Interval[]> = {
    camera: mergeIntervals([...subtractIntervals(window, coverOf('camera')), ...subtractIntervals(window, coverOf('microphone'))]),
    screen: subtractIntervals(window, coverOf('screen')),
  };
  const out: SourceSpan[] = [];
  for (const source of ['camera', 'screen'] as const) {
    for (const gap of lacking[source]) {
      for (const rest of subtractIntervals(gap, uploaded(source))) {
        if (rest.to - rest.from >= minGapMs) out.push({ source, ...rest });
      }
    }
  }
  return out;
}
