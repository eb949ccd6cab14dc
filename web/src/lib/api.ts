/**
 * Typed calls of the HTTP API, from the route definitions of `@proctor/signaling/contract`
 * (`authApi`, `resultsApi`): the definition gives method, path and the request/response
 * types, so nothing is redeclared here. Works in the browser and in universal `load`
 * functions (pass their `fetch`; on the server hooks.server.ts routes it to the API).
 */
import type { z } from 'zod';
import { networkError, toApiError } from './api-error';

export { ApiError, toApiError, type ApiErrorKind } from './api-error';

interface RouteDef {
	method: string;
	path: string;
	body: z.ZodType | null;
	response: z.ZodType | null;
}

type BodyOf<D extends RouteDef> = D['body'] extends z.ZodType ? z.input<D['body']> : undefined;
type ResponseOf<D extends RouteDef> = D['response'] extends z.ZodType ? z.infer<D['response']> : void;

export interface CallOptions<D extends RouteDef> {
	/** `:name` placeholders of the path. */
	params?: Record<string, string>;
	query?: URLSearchParams;
	body?: BodyOf<D>;
	fetch?: typeof fetch;
	signal?: AbortSignal;
}

export function apiUrl(path: string, params?: Record<string, string>, query?: URLSearchParams): string {
	const filled = path.replace(/:(\w+)/g, (_, name: string) => {
		const value = params?.[name];
		if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
		return encodeURIComponent(value);
	});
	const search = query?.toString();
	return search ? `${filled}?${search}` : filled;
}

/** Calls one route; resolves with its typed answer or rejects with an `ApiError`. */
export async function call<D extends RouteDef>(def: D, options: CallOptions<D> = {}): Promise<ResponseOf<D>> {
	const doFetch = options.fetch ?? fetch;
	const hasBody = options.body !== undefined;
	let response: Response;
	try {
		response = await doFetch(apiUrl(def.path, options.params, options.query), {
			method: def.method,
			headers: hasBody ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
			body: hasBody ? JSON.stringify(options.body) : undefined,
			credentials: 'same-origin',
			signal: options.signal,
		});
	} catch (error) {
		if (error instanceof DOMException && error.name === 'AbortError') throw error;
		throw networkError(error);
	}
	if (!response.ok) throw await toApiError(response);
	if (response.status === 204 || def.response === null) return undefined as ResponseOf<D>;
	return (await response.json()) as ResponseOf<D>;
}

/** A same-origin path to return to after signing in, or null for anything else. */
export function safeNextPath(value: string | null | undefined): string | null {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
	try {
		const base = 'http://same.origin';
		const url = new URL(value, base);
		if (url.origin !== base) return null;
		return `${url.pathname}${url.search}${url.hash}`;
	} catch {
		return null;
	}
}

/** `/login?next=<this page>` for a page that needs a signed-in user. */
export function loginHref(url: URL): string {
	const next = `${url.pathname}${url.search}`;
	return next === '/' || next.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
