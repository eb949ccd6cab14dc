/**
 * The Statistics page's state lives in its URL query (shareable, back button works). Filter
 * keys are the API's (`statisticsFilters`); the two paged tables carry their own sort and
 * page keys (`rSort`, `rPage`, … for reconnections, `cSort`, … for candidates). Bad values
 * typed into the address bar are dropped key by key; a missing period is the last 30 days.
 * An inverted or over-long period is kept as typed, so the page can say what is wrong.
 */
import {
	STATISTICS_DEFAULT_DAYS,
	STATISTICS_DEFAULT_PAGE_SIZE,
	calendarDay,
	candidateStatsSortKey,
	reconnectSortKey,
	sortDirection,
	type CandidateStatsQueryInput,
	type CandidateStatsSortKey,
	type ReconnectSortKey,
	type ReconnectsQueryInput,
	type SortDirection,
	type StatisticsFiltersInput,
} from '@proctor/signaling/contract';
import { DEFAULT_TIME_ZONE } from '$lib/i18n';

export interface TableState<K extends string> {
	sort: K;
	dir: SortDirection;
	page: number;
	pageSize: number;
}

export interface StatisticsView {
	from: string;
	to: string;
	examId: string[];
	disciplineId: string[];
	groupId: string[];
	reconnects: TableState<ReconnectSortKey>;
	candidates: TableState<CandidateStatsSortKey>;
}

/** Defaults of the two tables: reconnections worst first, candidates by name. */
export const RECONNECTS_DEFAULT: TableState<ReconnectSortKey> = { sort: 'reconnects', dir: 'desc', page: 1, pageSize: STATISTICS_DEFAULT_PAGE_SIZE };
export const CANDIDATES_DEFAULT: TableState<CandidateStatsSortKey> = { sort: 'candidate', dir: 'asc', page: 1, pageSize: STATISTICS_DEFAULT_PAGE_SIZE };

const DAY_MS = 86_400_000;

/** Today's calendar day in the default zone (the zone of the demo's and most exams). */
export function today(now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: DEFAULT_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function addDays(day: string, n: number): string {
	return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` days including today. */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
	const to = today(now);
	return { from: addDays(to, -(days - 1)), to };
}

const ids = (params: URLSearchParams, key: string) =>
	[...new Set(params.getAll(key).flatMap((v) => v.split(',')))].filter((v) => /^[0-9a-f-]{36}$/i.test(v)).slice(0, 100);

function table<K extends string>(params: URLSearchParams, prefix: string, keys: { safeParse(v: unknown): { success: boolean; data?: K } }, fallback: TableState<K>): TableState<K> {
	const sort = keys.safeParse(params.get(`${prefix}Sort`));
	const dir = sortDirection.safeParse(params.get(`${prefix}Dir`));
	const int = (key: string, max: number, value: number) => {
		const n = Number(params.get(`${prefix}${key}`));
		return Number.isInteger(n) && n >= 1 && n <= max ? n : value;
	};
	return {
		sort: sort.success ? (sort.data as K) : fallback.sort,
		dir: dir.success ? dir.data : fallback.dir,
		page: int('Page', 100_000, 1),
		pageSize: int('Size', 200, fallback.pageSize),
	};
}

export function parseView(params: URLSearchParams, now = new Date()): StatisticsView {
	const fallback = lastDays(STATISTICS_DEFAULT_DAYS, now);
	const day = (key: string) => {
		const parsed = calendarDay.safeParse(params.get(key));
		return parsed.success ? parsed.data : null;
	};
	return {
		from: day('from') ?? fallback.from,
		to: day('to') ?? fallback.to,
		examId: ids(params, 'examId'),
		disciplineId: ids(params, 'disciplineId'),
		groupId: ids(params, 'groupId'),
		reconnects: table(params, 'r', reconnectSortKey, RECONNECTS_DEFAULT),
		candidates: table(params, 'c', candidateStatsSortKey, CANDIDATES_DEFAULT),
	};
}

/** The filters as the API (and the exports) take them. */
export function filtersOf(view: StatisticsView): StatisticsFiltersInput {
	const q: StatisticsFiltersInput = { from: view.from, to: view.to };
	if (view.examId.length) q.examId = view.examId;
	if (view.disciplineId.length) q.disciplineId = view.disciplineId;
	if (view.groupId.length) q.groupId = view.groupId;
	return q;
}

export function reconnectsQueryOf(view: StatisticsView): ReconnectsQueryInput {
	const r = view.reconnects;
	return { ...filtersOf(view), sort: r.sort, dir: r.dir, page: r.page, pageSize: r.pageSize };
}

export function candidatesQueryOf(view: StatisticsView): CandidateStatsQueryInput {
	const c = view.candidates;
	return { ...filtersOf(view), sort: c.sort, dir: c.dir, page: c.page, pageSize: c.pageSize };
}

/** The page URL's query for a view; defaults are left out. */
export function viewSearch(view: StatisticsView): URLSearchParams {
	const params = new URLSearchParams();
	params.set('from', view.from);
	params.set('to', view.to);
	for (const key of ['examId', 'disciplineId', 'groupId'] as const) for (const id of view[key]) params.append(key, id);
	const put = <K extends string>(prefix: string, state: TableState<K>, fallback: TableState<K>) => {
		if (state.sort !== fallback.sort || state.dir !== fallback.dir) {
			params.set(`${prefix}Sort`, state.sort);
			params.set(`${prefix}Dir`, state.dir);
		}
		if (state.page !== 1) params.set(`${prefix}Page`, String(state.page));
		if (state.pageSize !== fallback.pageSize) params.set(`${prefix}Size`, String(state.pageSize));
	};
	put('r', view.reconnects, RECONNECTS_DEFAULT);
	put('c', view.candidates, CANDIDATES_DEFAULT);
	return params;
}

/** A change of filters starts both tables again at page 1. */
export function withFilters(view: StatisticsView, change: Partial<Pick<StatisticsView, 'from' | 'to' | 'examId' | 'disciplineId' | 'groupId'>>): StatisticsView {
	return { ...view, ...change, reconnects: { ...view.reconnects, page: 1 }, candidates: { ...view.candidates, page: 1 } };
}

export function activeFilterCount(view: StatisticsView): number {
	return [view.examId.length > 0, view.disciplineId.length > 0, view.groupId.length > 0].filter(Boolean).length;
}

/** `2026-03-10` → `10.03.2026` (the product's date format). */
export function formatDay(day: string): string {
	const [y, m, d] = day.split('-');
	return `${d}.${m}.${y}`;
}

/** Milliseconds → `H:MM:SS`. */
export function formatDuration(ms: number): string {
	const s = Math.round(ms / 1000);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** Numbers as the rest of the UI prints them (thin-space thousands, comma decimals). */
export function formatNumber(n: number): string {
	return n.toLocaleString('ru-RU');
}
