/**
 * The exam window as the candidate's page sees it: times come from the server with its
 * "now", so a wrong clock on the candidate's computer does not move the end of the exam.
 */

export interface ExamClock {
	/** Server time minus local time, ms (at load). */
	offset: number;
	startsAt: number;
	endsAt: number;
}

export function examClock(window: { examStartsAt: string; examEndsAt: string; now: string }, localNow = Date.now()): ExamClock {
	return { offset: new Date(window.now).getTime() - localNow, startsAt: new Date(window.examStartsAt).getTime(), endsAt: new Date(window.examEndsAt).getTime() };
}

/** `1:05:09`, `05:09` (hours only when there are any); never negative. */
export function formatRemaining(ms: number): string {
	const total = Math.max(0, Math.ceil(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const pad = (n: number) => String(n).padStart(2, '0');
	return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}
