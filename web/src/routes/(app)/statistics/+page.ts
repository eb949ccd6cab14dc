import { redirect } from '@sveltejs/kit';
import { browser } from '$app/environment';
import {
	statisticsApi,
	statisticsRangeError,
	statisticsSearchParams,
	type CandidateStatsResponse,
	type ReconnectsResponse,
	type StatisticsOptions,
	type StatisticsOverview,
	type StatisticsRangeError,
} from '@proctor/signaling/contract';
import { ApiError, call, loginHref } from '$lib/api';
import { candidatesQueryOf, filtersOf, parseView, reconnectsQueryOf, type StatisticsView } from '$lib/statistics/query';
import type { PageLoad } from './$types';

export interface LoadError {
	code: string;
	message: string;
}

/** Each part succeeds or fails on its own, so one failing query does not blank the page. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: LoadError };

export interface StatisticsPageData {
	view: StatisticsView;
	/** Set when the period itself is wrong: nothing is asked of the server then. */
	rangeError: StatisticsRangeError | null;
	overview: Part<StatisticsOverview> | null;
	reconnects: Part<ReconnectsResponse> | null;
	candidates: Part<CandidateStatsResponse> | null;
	options: StatisticsOptions;
}

const NO_OPTIONS: StatisticsOptions = { exams: [], disciplines: [], groups: [] };

/**
 * The filter choices change rarely; in the browser they are fetched once per user and page
 * visit, not on every filter change. (Never cached on the server, where one module serves
 * every user.)
 */
let cachedOptions: { userId: string; options: StatisticsOptions } | null = null;

/**
 * The URL query is the page's state: every filter, sort or page change is a navigation that
 * runs this again. The four requests run in parallel.
 */
export const load: PageLoad = async ({ fetch, url, depends, parent }): Promise<StatisticsPageData> => {
	depends('app:statistics');
	const { user } = await parent();
	const view = parseView(url.searchParams);
	const part = async <T>(request: Promise<T>): Promise<Part<T>> => {
		try {
			return { ok: true, value: await request };
		} catch (error) {
			if (error instanceof ApiError && error.code === 'unauthenticated') redirect(303, loginHref(url));
			if (error instanceof ApiError) return { ok: false, error: { code: error.code, message: error.message } };
			throw error;
		}
	};
	const known = browser && cachedOptions?.userId === user.id ? cachedOptions.options : null;
	const options: Promise<Part<StatisticsOptions>> = known
		? Promise.resolve({ ok: true, value: known })
		: part(call(statisticsApi.options, { fetch })).then((o) => {
				if (browser && o.ok) cachedOptions = { userId: user.id, options: o.value };
				return o;
			});
	const rangeError = statisticsRangeError(view);
	if (rangeError) {
		const o = await options;
		return { view, rangeError, overview: null, reconnects: null, candidates: null, options: o.ok ? o.value : NO_OPTIONS };
	}
	const [overview, reconnects, candidates, o] = await Promise.all([
		part(call(statisticsApi.overview, { query: statisticsSearchParams(filtersOf(view)), fetch })),
		part(call(statisticsApi.reconnects, { query: statisticsSearchParams(reconnectsQueryOf(view)), fetch })),
		part(call(statisticsApi.candidates, { query: statisticsSearchParams(candidatesQueryOf(view)), fetch })),
		options,
	]);
	return { view, rangeError: null, overview, reconnects, candidates, options: o.ok ? o.value : NO_OPTIONS };
};
