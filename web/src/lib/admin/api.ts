/**
 * Calls of the administration API (`adminApi` in `@proctor/signaling/contract`). JSON in and
 * out, or a FormData for the upload routes. Errors become the one `ApiError`
 * (lib/api-error.ts), which keeps what the admin routes add to the usual error body.
 */
import { adminPath } from '@proctor/signaling/contract';
import { ApiError, networkError, toApiError } from '$lib/api-error';
import { apiErrorText, t, type MessageKey } from '$lib/i18n';

export interface AdminCallOptions {
	/** The `:id` of the path. */
	id?: string;
	query?: URLSearchParams | Record<string, string | number | undefined | null>;
	body?: unknown;
	form?: FormData;
	fetch?: typeof fetch;
	signal?: AbortSignal;
}

function queryString(query: AdminCallOptions['query']): string {
	if (!query) return '';
	const params = query instanceof URLSearchParams ? query : new URLSearchParams();
	if (!(query instanceof URLSearchParams)) {
		for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
	}
	const s = params.toString();
	return s ? `?${s}` : '';
}

/** One admin route (`def` from `adminApi`); resolves with its JSON answer (undefined for 204). */
export async function adminCall<T = unknown>(def: { method: string; path: string }, options: AdminCallOptions = {}): Promise<T> {
	const doFetch = options.fetch ?? fetch;
	const url = (options.id ? adminPath(def.path, options.id) : def.path) + queryString(options.query);
	const headers: Record<string, string> = { accept: 'application/json' };
	let body: BodyInit | undefined;
	if (options.form) body = options.form;
	else if (options.body !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(options.body);
	}
	let response: Response;
	try {
		response = await doFetch(url, { method: def.method, headers, body, credentials: 'same-origin', signal: options.signal });
	} catch (error) {
		if (error instanceof DOMException && error.name === 'AbortError') throw error;
		throw networkError(error);
	}
	if (response.status === 204) return undefined as T;
	if (!response.ok) throw await toApiError(response);
	return (await response.json()) as T;
}

/** Text for a field's problem in the UI language. */
export function reasonText(reason: string | undefined, params: Record<string, string | number> = {}): string {
	const key = `admin.reason.${reason ?? 'invalid'}` as MessageKey;
	return t(key, params) === key ? t('admin.reason.invalid') : t(key, params);
}

/** Text for any failure of an admin call, in the UI language. */
export function adminErrorText(error: unknown): string {
	if (error instanceof ApiError) {
		if (error.reason && error.reason !== 'invalid') return reasonText(error.reason);
		return apiErrorText(error.code, error.message);
	}
	return error instanceof Error ? error.message : String(error);
}

/**
 * Field errors of a form: a server answer naming a field goes next to that field (under
 * `fieldOf`'s name for it), anything else to the form's general error.
 */
export function fieldErrorsFrom(error: unknown, known: readonly string[]): { fields: Record<string, string>; general: string | null } {
	if (error instanceof ApiError && error.field) {
		const top = error.field.split('.')[0]!;
		if (known.includes(error.field)) return { fields: { [error.field]: reasonText(error.reason) }, general: null };
		if (known.includes(top)) return { fields: { [top]: reasonText(error.reason) }, general: null };
	}
	return { fields: {}, general: adminErrorText(error) };
}
