/** Loading admin data in `+page.ts` files (server-side at first, then in the browser). */
import { error, redirect } from '@sveltejs/kit';
import { adminApi, signOnApi, type AdminExamListItem, type AdminIntegration, type AdminOptions, type AdminPage } from '@proctor/signaling/contract';
import { ApiError, loginHref } from '$lib/api';
import { adminCall } from './api';
import { listQuery, readList, type ListState } from './list';

export interface LoadFailure {
	code: string;
	message: string;
}

export interface ListData<T> {
	state: ListState;
	page: AdminPage<T> | null;
	failure: LoadFailure | null;
}

/** Sends a signed-out user to the sign-in page; any other API failure becomes `failure`. */
export function handleLoadError(err: unknown, url: URL): LoadFailure {
	if (err instanceof ApiError) {
		if (err.code === 'unauthenticated') redirect(303, loginHref(url));
		return { code: err.code, message: err.message };
	}
	throw err;
}

export async function loadList<T>(
	def: { method: string; path: string },
	url: URL,
	fetch: typeof globalThis.fetch,
	extraKeys: readonly string[] = [],
): Promise<ListData<T>> {
	const state = readList(url, extraKeys);
	try {
		const page = await adminCall<AdminPage<T>>(def, { query: listQuery(state), fetch });
		return { state, page, failure: null };
	} catch (err) {
		return { state, page: null, failure: handleLoadError(err, url) };
	}
}

/** One record for an edit page: 404 page when it does not exist. */
export async function loadOne<T>(def: { method: string; path: string }, id: string, url: URL, fetch: typeof globalThis.fetch): Promise<T> {
	try {
		return await adminCall<T>(def, { id, fetch });
	} catch (err) {
		if (err instanceof ApiError && err.code === 'not_found') error(404, err.message);
		const failure = handleLoadError(err, url);
		error(err instanceof ApiError && err.status >= 400 ? err.status : 500, failure.message);
	}
}

/** A page's data, or (empty data and) the failure that stopped it; signed-out users go to sign in. */
export async function loadOrFail<T>(url: URL, empty: T, read: () => Promise<T>): Promise<T & { failure: LoadFailure | null }> {
	try {
		return { ...(await read()), failure: null };
	} catch (err) {
		return { ...empty, failure: handleLoadError(err, url) };
	}
}

export interface ScopedListData<T> {
	items: T[];
	/** Choices of the form (the newest 100 of each: keys and endpoints are made rarely, by hand). */
	exams: AdminExamListItem[];
	integrations: AdminIntegration[];
	failure: LoadFailure | null;
}

/** A list of what belongs to an integration and/or an exam (API keys, webhook endpoints), with those to choose from. */
export function loadScopedList<T>(def: { method: string; path: string }, url: URL, fetch: typeof globalThis.fetch): Promise<ScopedListData<T>> {
	return loadOrFail(url, { items: [], exams: [], integrations: [] }, async () => {
		const [list, exams, integrations] = await Promise.all([
			adminCall<{ items: T[] }>(def, { fetch }),
			adminCall<AdminPage<AdminExamListItem>>(adminApi.listExams, { fetch, query: { pageSize: 100 } }),
			adminCall<AdminPage<AdminIntegration>>(signOnApi.listIntegrations, { fetch, query: { pageSize: 100 } }),
		]);
		return { items: list.items, exams: exams.items, integrations: integrations.items };
	});
}

/** The groups and disciplines a new record's form chooses from; a failure is the error page. */
export async function loadOptions(url: URL, fetch: typeof globalThis.fetch): Promise<{ options: AdminOptions }> {
	try {
		return { options: await adminCall<AdminOptions>(adminApi.options, { fetch }) };
	} catch (err) {
		error(500, handleLoadError(err, url).message);
	}
}
