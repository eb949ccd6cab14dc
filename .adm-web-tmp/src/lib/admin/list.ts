/**
 * The admin lists keep their state (search, archive filter, page, filters) in the URL query,
 * with the API's own keys: the page URL is shareable and is also the API request.
 */
import type { ArchivedFilter } from '@proctor/signaling/contract';

export interface ListState {
	search: string;
	archived: ArchivedFilter;
	page: number;
	pageSize: number;
	/** Extra filters (groupId, disciplineId, role). */
	extra: Record<string, string>;
}

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;

export function readList(url: URL, extraKeys: readonly string[] = []): ListState {
	const p = url.searchParams;
	const archived = p.get('archived');
	const page = Number(p.get('page'));
	const pageSize = Number(p.get('pageSize'));
	const extra: Record<string, string> = {};
	for (const key of extraKeys) {
		const value = p.get(key);
		if (value) extra[key] = value;
	}
	return {
		search: (p.get('search') ?? '').slice(0, 200),
		archived: archived === 'archived' || archived === 'all' ? archived : 'active',
		page: Number.isInteger(page) && page >= 1 ? page : 1,
		pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
		extra,
	};
}

/** The API query of a list state (defaults left out). */
export function listQuery(state: ListState): Record<string, string | number> {
	const q: Record<string, string | number> = { ...state.extra };
	if (state.search.trim()) q.search = state.search.trim();
	if (state.archived !== 'active') q.archived = state.archived;
	if (state.page > 1) q.page = state.page;
	if (state.pageSize !== DEFAULT_PAGE_SIZE) q.pageSize = state.pageSize;
	return q;
}

/** `path?query` of a list state. */
export function listHref(path: string, state: ListState): string {
	const params = new URLSearchParams(Object.entries(listQuery(state)).map(([k, v]) => [k, String(v)]));
	const s = params.toString();
	return s ? `${path}?${s}` : path;
}
