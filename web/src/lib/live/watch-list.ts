/**
 * Which students a proctor watches in the live grid (manual §3.3–3.7), remembered per exam
 * in this browser. `null` means "everyone who connects" (the default, and what a shared
 * proctor link shows); adding from the dialog or closing a tile turns it into an explicit
 * list, and closing a tile removes that student from it (§3.7). Names are kept so a chosen
 * student who has not connected yet still gets a labelled tile.
 */
export interface Watched {
	sessionId: string;
	name: string;
}
export type WatchList = Watched[] | null;

const key = (examId: string) => `proctor.live.watch.${examId}`;

const isWatched = (v: unknown): v is Watched =>
	typeof v === 'object' && v !== null && typeof (v as Watched).sessionId === 'string' && typeof (v as Watched).name === 'string';

export function loadWatchList(examId: string): WatchList {
	try {
		const raw = localStorage.getItem(key(examId));
		if (raw === null) return null;
		const parsed: unknown = JSON.parse(raw);
		return Array.isArray(parsed) && parsed.every(isWatched) ? parsed : null;
	} catch {
		return null; // storage disabled or a damaged value: fall back to everyone
	}
}

export function saveWatchList(examId: string, list: WatchList): void {
	try {
		if (list === null) localStorage.removeItem(key(examId));
		else localStorage.setItem(key(examId), JSON.stringify(list));
	} catch {
		/* storage disabled: the choice lasts for this page only */
	}
}

/** Adds a student; from "everyone", the explicit list starts with those shown now. */
export function addToWatch(list: WatchList, shown: readonly Watched[], student: Watched): Watched[] {
	const base = list ?? [...shown];
	return base.some((w) => w.sessionId === student.sessionId) ? base : [...base, student];
}

/** Removes a student; from "everyone", the explicit list is everyone shown but that one. */
export function removeFromWatch(list: WatchList, shown: readonly Watched[], sessionId: string): Watched[] {
	return (list ?? [...shown]).filter((w) => w.sessionId !== sessionId);
}
