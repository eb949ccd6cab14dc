/**
 * The Results page's state lives in its URL query (shareable, back button works). The query
 * keys are exactly the API's (`resultsQuery` in the contract), so the page URL is also the
 * API request; invalid values typed into the address bar are dropped key by key instead of
 * failing the whole page.
 */
import {
	RESULTS_DEFAULT_PAGE_SIZE,
	resultsQuery,
	type Decision,
	type ResultsGroupedSortKey,
	type ResultsQueryInput,
	type ResultsSortKey,
	type SessionStatus,
	type SortDirection,
} from '@proctor/signaling/contract';

export type GroupBy = 'none' | 'candidate';
export type SortKey = ResultsSortKey | ResultsGroupedSortKey;

export interface ResultsView {
	search: string;
	examId: string[];
	groupId: string[];
	disciplineId: string[];
	status: SessionStatus[];
	decision: Decision[];
	/** ISO 8601 with offset, as in the URL. */
	from: string | null;
	to: string | null;
	honestyMin: number | null;
	honestyMax: number | null;
	archived: boolean;
	groupBy: GroupBy;
	/** Resolved: the API's default when the URL names none. */
	sort: SortKey;
	dir: SortDirection;
	page: number;
	pageSize: number;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;

const LIST_KEYS = ['examId', 'groupId', 'disciplineId', 'status', 'decision'] as const;
const SCALAR_KEYS = ['search', 'from', 'to', 'honestyMin', 'honestyMax', 'archived', 'groupBy', 'sort', 'dir', 'page', 'pageSize'] as const;

/** The API's defaults (resultsQuery): newest start first; grouped, candidate name A→Я. */
export function defaultSort(groupBy: GroupBy): { sort: SortKey; dir: SortDirection } {
	return groupBy === 'candidate' ? { sort: 'candidate', dir: 'asc' } : { sort: 'startedAt', dir: 'desc' };
}

/** Direction a column starts with when first clicked: dates and honesty newest/highest first. */
export function firstDirection(key: SortKey): SortDirection {
	return key === 'startedAt' || key === 'endedAt' || key === 'sessions' ? 'desc' : 'asc';
}

export function parseView(params: URLSearchParams): ResultsView {
	const raw: Record<string, string | string[]> = {};
	for (const key of LIST_KEYS) {
		const values = params.getAll(key).flatMap((v) => v.split(',')).filter(Boolean);
		if (values.length) raw[key] = values;
	}
	for (const key of SCALAR_KEYS) {
		const value = params.get(key);
		if (value !== null && value !== '') raw[key] = value;
	}
	let parsed = resultsQuery.safeParse(raw);
	for (let round = 0; !parsed.success && round < 8; round++) {
		const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')));
		if (bad.has('')) break;
		for (const key of bad) delete raw[key];
		parsed = resultsQuery.safeParse(raw);
	}
	if (!parsed.success) parsed = resultsQuery.safeParse({});
	if (!parsed.success) throw new Error('the contract rejects an empty Results query');
	const q = parsed.data;
	const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : null);
	return {
		search: q.search ?? '',
		examId: q.examId ?? [],
		groupId: q.groupId ?? [],
		disciplineId: q.disciplineId ?? [],
		status: q.status ?? [],
		decision: q.decision ?? [],
		from: q.from ? text('from') : null,
		to: q.to ? text('to') : null,
		honestyMin: q.honestyMin ?? null,
		honestyMax: q.honestyMax ?? null,
		archived: q.archived,
		groupBy: q.groupBy,
		sort: q.sort,
		dir: q.dir,
		page: q.page,
		pageSize: q.pageSize,
	};
}

/** The API request (and page URL) for a view; defaults are left out. */
export function viewQuery(view: ResultsView): ResultsQueryInput {
	const query: ResultsQueryInput = {};
	if (view.search.trim()) query.search = view.search.trim();
	if (view.examId.length) query.examId = view.examId;
	if (view.groupId.length) query.groupId = view.groupId;
	if (view.disciplineId.length) query.disciplineId = view.disciplineId;
	if (view.status.length) query.status = view.status;
	if (view.decision.length) query.decision = view.decision;
	if (view.from) query.from = view.from;
	if (view.to) query.to = view.to;
	if (view.honestyMin !== null) query.honestyMin = view.honestyMin;
	if (view.honestyMax !== null) query.honestyMax = view.honestyMax;
	if (view.archived) query.archived = 'true';
	if (view.groupBy !== 'none') query.groupBy = view.groupBy;
	const fallback = defaultSort(view.groupBy);
	if (view.sort !== fallback.sort || view.dir !== fallback.dir) {
		query.sort = view.sort;
		query.dir = view.dir;
	}
	if (view.page !== 1) query.page = view.page;
	if (view.pageSize !== RESULTS_DEFAULT_PAGE_SIZE) query.pageSize = view.pageSize;
	return query;
}

/** The filters alone (for "Expand", which takes the same filters without paging or sorting). */
export function filterQuery(view: ResultsView) {
	const { groupBy: _g, sort: _s, dir: _d, page: _p, pageSize: _ps, ...filters } = viewQuery(view);
	return filters;
}

/** How many filters differ from the defaults (for the "Reset" button and the empty state). */
export function activeFilterCount(view: ResultsView): number {
	return [
		view.search.trim() !== '',
		view.examId.length > 0,
		view.groupId.length > 0,
		view.disciplineId.length > 0,
		view.status.length > 0,
		view.decision.length > 0,
		view.from !== null || view.to !== null,
		view.honestyMin !== null || view.honestyMax !== null,
		view.archived,
	].filter(Boolean).length;
}

/** How many of the filters in the (collapsible) panel are on: discipline, decision, dates, honesty, archive. */
export function panelFilterCount(view: ResultsView): number {
	return [
		view.disciplineId.length > 0,
		view.decision.length > 0,
		view.from !== null || view.to !== null,
		view.honestyMin !== null || view.honestyMax !== null,
		view.archived,
	].filter(Boolean).length;
}

/** A change of filters starts again at page 1; sorting and grouping are kept. */
export function withFilters(view: ResultsView, change: Partial<ResultsView>): ResultsView {
	return { ...view, ...change, page: 1 };
}

export function clearedFilters(view: ResultsView): ResultsView {
	return {
		...view,
		search: '',
		examId: [],
		groupId: [],
		disciplineId: [],
		status: [],
		decision: [],
		from: null,
		to: null,
		honestyMin: null,
		honestyMax: null,
		archived: false,
		page: 1,
	};
}
