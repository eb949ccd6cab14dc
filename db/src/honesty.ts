// The honesty % — the product's verdict on a candidate — as one pure function of the session's
// violation intervals, its duration and the exam's weights, so every number shown can be
// explained line by line (the breakdown) and recomputed whenever weights change.
//
// Semantics (after ProctorEdu's "share of session time × weight" and Constructor's multipliers):
//   deduction(type) = weight(type) × 100 × coveredMs(type) / sessionMs
//   honesty        = round(clamp(100 − Σ counted deductions, 0, 100))
// where coveredMs is the length of the union of that type's intervals (clipped to the session),
// each interval first stretched to at least the session's minimum event length so instant
// events (copy/paste) and flickering detections still cost something. That minimum is
// MIN_EVENT_MS, but never more than MIN_EVENT_MAX_SHARE of the session: in a short session a
// 10 s floor would be most of the verdict (one 4 s "tab hidden" in a 54 s session cost 28
// points). So the stretch adds at most weight × 100 × MIN_EVENT_MAX_SHARE points per event
// (its weight in points); the time an event really lasted always counts in full.
// Overlapping findings of the same type — e.g. the browser and the server both seeing
// "no face" — are counted once. Technical types (network, crashed camera) are listed but only
// deducted when the exam sets count_technical, so a bad connection does not read as cheating.
import type { ViolationCategory } from './enums.ts';
import { DEFAULT_VIOLATION_WEIGHTS, type ViolationWeights } from './violation-types.ts';

/** Every event counts at least this long (10 s): one paste in a 90-minute exam at weight 3 costs ~0.6. */
export const MIN_EVENT_MS = 10_000;
/**
 * The minimum never exceeds this share of the session (1 %): below 16 min 40 s it shrinks
 * with the session, so stretching one short event takes at most its weight in points.
 */
export const MIN_EVENT_MAX_SHARE = 0.01;
/** Weight for a type the exam cannot configure (stored types are open text). */
export const UNKNOWN_TYPE_WEIGHT = 1;

export interface HonestyViolation {
  type: string;
  category: ViolationCategory;
  startsAt: Date;
  /** null = still open: runs to the end of the session. */
  endsAt: Date | null;
}

export interface HonestyInput {
  startedAt: Date;
  endedAt: Date;
  violations: HonestyViolation[];
  weights: ViolationWeights;
  countTechnical: boolean;
}

export interface HonestyLine {
  type: string;
  category: ViolationCategory;
  /** Episodes after merging intervals of this type that overlap or touch. */
  events: number;
  /** Time covered by this type (after the per-event minimum and merging), within the session. */
  totalMs: number;
  weight: number;
  /** false for technical types unless the exam counts them. */
  counted: boolean;
  /** Points this type takes off (rounded to 0.1); 0 when not counted. */
  deduction: number;
}

export interface HonestyBreakdown {
  honesty: number;
  sessionMs: number;
  /** The minimum event length this session used: MIN_EVENT_MS, or 1 % of a shorter session. */
  minEventMs: number;
  /** One line per type present, largest deduction first. */
  lines: HonestyLine[];
}

export function weightOf(weights: ViolationWeights, type: string): number {
  const own = (weights as Record<string, number | undefined>)[type];
  if (typeof own === 'number' && Number.isFinite(own) && own >= 0) return own;
  return (DEFAULT_VIOLATION_WEIGHTS as Record<string, number>)[type] ?? UNKNOWN_TYPE_WEIGHT;
}

/** Sorted, disjoint union of [start, end] intervals; touching intervals (end === next start) merge. */
export function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = intervals.filter(([s, e]) => e >= s).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The minimum event length of a session of `sessionMs`: MIN_EVENT_MS, capped at 1 % of the session. */
export function minEventMsFor(sessionMs: number): number {
  return Math.min(MIN_EVENT_MS, Math.max(0, sessionMs) * MIN_EVENT_MAX_SHARE);
}

export function computeHonesty(input: HonestyInput): HonestyBreakdown {
  const from = input.startedAt.getTime();
  const to = Math.max(from, input.endedAt.getTime());
  const sessionMs = to - from;
  const minEventMs = minEventMsFor(sessionMs);
  // A zero-length session still has a denominator (and no room for any event to count).
  const denominator = Math.max(sessionMs, 1);

  const byType = new Map<string, { category: ViolationCategory; intervals: Array<[number, number]> }>();
  for (const v of input.violations) {
    const start = v.startsAt.getTime();
    const end = v.endsAt ? v.endsAt.getTime() : to;
    if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
    const stretched = Math.max(end, start + minEventMs);
    // Clip to the session; a clipped-away event still keeps the minimum inside the session.
    let s = Math.min(Math.max(start, from), to);
    let e = Math.min(stretched, to);
    if (e - s < minEventMs) {
      e = Math.min(s + minEventMs, to);
      s = Math.max(from, e - minEventMs);
    }
    const entry = byType.get(v.type) ?? { category: v.category, intervals: [] };
    // A type is technical only if every finding says so (a behaviour claim wins).
    if (v.category === 'behaviour') entry.category = 'behaviour';
    entry.intervals.push([s, e]);
    byType.set(v.type, entry);
  }

  let total = 0;
  const lines: HonestyLine[] = [];
  for (const [type, { category, intervals }] of byType) {
    const merged = mergeIntervals(intervals);
    const totalMs = merged.reduce((sum, [s, e]) => sum + (e - s), 0);
    const weight = weightOf(input.weights, type);
    const counted = category === 'behaviour' || input.countTechnical;
    const raw = counted ? (weight * 100 * totalMs) / denominator : 0;
    total += raw;
    lines.push({ type, category, events: merged.length, totalMs, weight, counted, deduction: Math.round(raw * 10) / 10 });
  }
  lines.sort((a, b) => b.deduction - a.deduction || b.totalMs - a.totalMs || a.type.localeCompare(b.type));

  const honesty = Math.round(Math.min(100, Math.max(0, 100 - total)));
  return { honesty, sessionMs, minEventMs, lines };
}

/**
 * What one instant event of `type` (a paste, a glance away shorter than the minimum) takes
 * off in a session of `sessionMs`, through computeHonesty itself, so the exam settings show
 * exactly what the verdict will do. 0 for a technical type the exam does not count.
 */
export function singleEventCost(input: { type: string; category: ViolationCategory; sessionMs: number; weights: ViolationWeights; countTechnical: boolean }): number {
  const startedAt = new Date(0);
  const at = new Date(Math.floor(input.sessionMs / 2));
  const { lines } = computeHonesty({
    startedAt,
    endedAt: new Date(input.sessionMs),
    violations: [{ type: input.type, category: input.category, startsAt: at, endsAt: at }],
    weights: input.weights,
    countTechnical: input.countTechnical,
  });
  return lines[0]?.deduction ?? 0;
}
