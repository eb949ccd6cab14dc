import { redirect } from '@sveltejs/kit';
import { resultsApi, resultsSearchParams, type ResultsResponse } from '@proctor/signaling/contract';
import { ApiError, call, loginHref } from '$lib/api';
import { parseView, viewQuery, type ResultsView } from '$lib/results/query';
import type { PageLoad } from './$types';

export interface ResultsPageData {
	view: ResultsView;
	result: ResultsResponse | null;
	error: { code: string; message: string } | null;
}

/**
 * The URL query is the page's state: every filter, sort or page change is a navigation that
 * runs this again (in the browser; at first load on the server, through hooks.server.ts).
 */
export const load: PageLoad = async ({ fetch, url, depends }): Promise<ResultsPageData> => {
	depends('app:results');
	const view = parseView(url.searchParams);
	try {
		const result = await call(resultsApi.list, { query: resultsSearchParams(viewQuery(view)), fetch });
		return { view, result, error: null };
	} catch (error) {
		if (error instanceof ApiError && error.code === 'unauthenticated') redirect(303, loginHref(url));
		if (error instanceof ApiError) return { view, result: null, error: { code: error.code, message: error.message } };
		throw error;
	}
};
