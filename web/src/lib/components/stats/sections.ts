/** Helpers of the statistics sections (peaks, hour labels, table sorting). */
import type { TableState } from '$lib/statistics/query';

/** The busiest bucket (the first of equals), or undefined for none. */
export function peak<T extends { sessions: number }>(items: T[]): T | undefined {
	return items.reduce<T | undefined>((best, x) => (!best || x.sessions > best.sessions ? x : best), undefined);
}

/** 09:00–09:59 */
export function hourLabel(hour: number): string {
	const hh = String(hour).padStart(2, '0');
	return `${hh}:00–${hh}:59`;
}

/** Columns whose first click sorts the largest first. */
const NUMERIC_FIRST = new Set(['reconnects', 'offline', 'sessions', 'violations', 'startedAt', 'honesty']);

/** A table sorted by `key`: the other direction on the same column, else the column's first one. */
export function sortedBy<K extends string>(state: TableState<K>, key: string): TableState<K> {
	const dir = state.sort === key ? (state.dir === 'asc' ? 'desc' : 'asc') : NUMERIC_FIRST.has(key) ? 'desc' : 'asc';
	return { ...state, sort: key as K, dir, page: 1 };
}
