/**
 * The report's time arithmetic, free of the DOM so it can be tested on its own.
 *
 * Times are seconds. "Attempt time" runs from the attempt's start; a recording that
 * started later than its attempt (the recorder needs a moment per track) plays its t=0 at
 * attempt time = `offsetSec`. The session timeline lays the attempts end to end in wall
 * time, with the gaps between them (the candidate was disconnected) kept.
 */
import type { DeviceSegmentView, ReportAttempt, ReportRecording, ReportViolation } from '@proctor/signaling/contract';

export interface AttemptSpan {
	number: number;
	/** Epoch ms. */
	startMs: number;
	endMs: number;
	durationSec: number;
}

export interface Gap {
	startMs: number;
	endMs: number;
}

const ms = (iso: string) => new Date(iso).getTime();

/**
 * How long an attempt lasts: until it ended, else until its last recording ended or the
 * longest recording's measured duration, else until `nowMs` (still in progress).
 */
export function attemptSpan(attempt: ReportAttempt, nowMs: number = Date.now()): AttemptSpan {
	const startMs = ms(attempt.startedAt);
	let endMs = attempt.endedAt ? ms(attempt.endedAt) : 0;
	if (!endMs) {
		for (const r of attempt.recordings) {
			const end = r.endedAt ? ms(r.endedAt) : r.durationMs !== null ? ms(r.startedAt) + r.durationMs : 0;
			endMs = Math.max(endMs, end);
		}
	}
	if (!endMs) endMs = Math.max(startMs, nowMs);
	return { number: attempt.number, startMs, endMs, durationSec: Math.max(0, (endMs - startMs) / 1000) };
}

/** Where a recording's t=0 falls in its attempt. */
export function recordingOffsetSec(attempt: ReportAttempt, recording: ReportRecording): number {
	return Math.max(0, (ms(recording.startedAt) - ms(attempt.startedAt)) / 1000);
}

/** The whole session on one axis: each attempt and the gaps between them. */
export interface SessionAxis {
	startMs: number;
	endMs: number;
	spans: AttemptSpan[];
	gaps: Gap[];
}

export function sessionAxis(attempts: ReportAttempt[], nowMs: number = Date.now()): SessionAxis {
	const spans = attempts.map((a) => attemptSpan(a, nowMs)).sort((a, b) => a.startMs - b.startMs);
	const gaps: Gap[] = [];
	for (let i = 1; i < spans.length; i++) {
		const prev = spans[i - 1]!;
		const next = spans[i]!;
		if (next.startMs > prev.endMs) gaps.push({ startMs: prev.endMs, endMs: next.startMs });
	}
	const startMs = spans[0]?.startMs ?? 0;
	const endMs = Math.max(startMs, ...spans.map((s) => s.endMs));
	return { startMs, endMs, spans, gaps };
}

/** Fraction (0–1) of the axis at an instant. */
export function axisFraction(axis: SessionAxis, atMs: number): number {
	const length = axis.endMs - axis.startMs;
	if (length <= 0) return 0;
	return Math.min(1, Math.max(0, (atMs - axis.startMs) / length));
}

/**
 * The attempt and attempt time for a point on the axis. A point in a gap goes to the start
 * of the next attempt (there is nothing to play while the candidate was away).
 */
export function locate(axis: SessionAxis, atMs: number): { attemptNumber: number; timeSec: number } | null {
	if (axis.spans.length === 0) return null;
	for (const span of axis.spans) {
		if (atMs < span.startMs) return { attemptNumber: span.number, timeSec: 0 };
		if (atMs <= span.endMs) return { attemptNumber: span.number, timeSec: (atMs - span.startMs) / 1000 };
	}
	const last = axis.spans[axis.spans.length - 1]!;
	return { attemptNumber: last.number, timeSec: last.durationSec };
}

/** Where a violation starts: its attempt (by number, else by time) and the attempt time. */
export function violationTarget(axis: SessionAxis, violation: ReportViolation): { attemptNumber: number; timeSec: number } | null {
	const at = ms(violation.startsAt);
	const span = axis.spans.find((s) => s.number === violation.attemptNumber);
	if (span) return { attemptNumber: span.number, timeSec: Math.min(span.durationSec, Math.max(0, (at - span.startMs) / 1000)) };
	return locate(axis, at);
}

/** Length of a violation in seconds; null while it is still going on. */
export function violationSeconds(violation: ReportViolation): number | null {
	return violation.endsAt ? Math.max(0, (ms(violation.endsAt) - ms(violation.startsAt)) / 1000) : null;
}

/** `m:ss`, or `h:mm:ss` from an hour on, for player clocks and durations. */
export function clock(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/**
 * The spans device-recorded segments fill (#12), merged across sources and touching
 * segments, for marking on the timeline. Only segments whose file is on the server count.
 */
export function deviceFilledSpans(segments: readonly Pick<DeviceSegmentView, 'startedAt' | 'endedAt' | 'available'>[]): Gap[] {
	const list = segments
		.filter((s) => s.available)
		.map((s) => ({ startMs: Date.parse(s.startedAt), endMs: Date.parse(s.endedAt) }))
		.sort((a, b) => a.startMs - b.startMs);
	const out: Gap[] = [];
	for (const s of list) {
		const last = out[out.length - 1];
		if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
		else out.push({ ...s });
	}
	return out;
}
