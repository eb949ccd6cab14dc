/** Loading admin data in `+page.ts` files (server-side at first, then in the browser). */
import { error, redirect } from '@sveltejs/kit';
import type { AdminPage } from '@proctor/signaling/contract';
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
