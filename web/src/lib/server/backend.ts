/**
 * Server-side access to the HTTP API of the media node that serves this UI.
 *
 * In production the UI runs inside the media node's fastify server (build/handler.js), but
 * SvelteKit's own `fetch` answers same-origin URLs by routing them through the UI itself,
 * never reaching fastify's `/api/`. So server code calls the API over the very socket the
 * browser's request arrived on: adapter-node passes the raw request as `platform.req`, whose
 * `socket.localAddress`/`localPort` is where this server listens. That stays right behind
 * reverse proxies and needs no configuration. Outside adapter-node (`vite dev`) it falls
 * back to `PROCTOR_API_ORIGIN` / `PROCTOR_DEV_BACKEND` / http://127.0.0.1:3000.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { authApi, SESSION_COOKIE, type AuthUser, type UserResponse } from '@proctor/signaling/contract';

export function backendOrigin(event: Pick<RequestEvent, 'platform'>): string {
	const configured = process.env.PROCTOR_API_ORIGIN;
	if (configured) return configured.replace(/\/+$/, '');
	const socket = event.platform?.req?.socket;
	if (socket?.localPort && socket.localAddress) {
		const address = socket.localAddress.startsWith('::ffff:') ? socket.localAddress.slice(7) : socket.localAddress;
		const host = address.includes(':') ? `[${address}]` : address;
		// fastify itself speaks plain HTTP here; TLS ends at a proxy in front of it.
		return `http://${host}:${socket.localPort}`;
	}
	return (process.env.PROCTOR_DEV_BACKEND ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

/** Headers that identify the browser to the API: its cookies, language and address. */
export function forwardedHeaders(event: RequestEvent, base?: HeadersInit): Headers {
	const headers = new Headers(base);
	const cookie = event.request.headers.get('cookie');
	if (cookie) headers.set('cookie', cookie);
	const language = event.request.headers.get('accept-language');
	if (language && !headers.has('accept-language')) headers.set('accept-language', language);
	const agent = event.request.headers.get('user-agent');
	if (agent && !headers.has('user-agent')) headers.set('user-agent', agent);
	// fastify trusts the proxy chain; keep the browser's address first in it.
	let address: string | undefined;
	try {
		address = event.getClientAddress();
	} catch {
		address = undefined;
	}
	const chain = event.request.headers.get('x-forwarded-for');
	if (chain || address) headers.set('x-forwarded-for', chain ?? address ?? '');
	headers.set('accept', 'application/json');
	return headers;
}

/**
 * The signed-in user of this request, or null (no session cookie, expired session, or the
 * API unreachable — logged, so a broken deployment is visible rather than a sign-in loop).
 */
export async function fetchCurrentUser(event: RequestEvent): Promise<AuthUser | null> {
	if (!event.cookies.get(SESSION_COOKIE)) return null;
	const url = `${backendOrigin(event)}${authApi.me.path}`;
	try {
		const response = await fetch(url, { headers: forwardedHeaders(event), signal: AbortSignal.timeout(10_000) });
		if (response.status === 401) return null;
		if (!response.ok) {
			console.error(`[web] ${url} answered ${response.status}`);
			return null;
		}
		const body = (await response.json()) as UserResponse;
		return body.user;
	} catch (error) {
		console.error(`[web] cannot reach the API at ${url}:`, error instanceof Error ? error.message : error);
		return null;
	}
}

/**
 * Stores `locale` as the signed-in user's language (`PUT /api/auth/me/locale`, with the
 * browser's cookies and our own origin for the CSRF check); false when the API refused or
 * did not answer.
 */
export async function storeUserLocale(event: RequestEvent, locale: string): Promise<boolean> {
	const headers = forwardedHeaders(event, { 'content-type': 'application/json', origin: event.url.origin });
	try {
		const response = await fetch(`${backendOrigin(event)}${authApi.setLocale.path}`, {
			method: authApi.setLocale.method,
			headers,
			body: JSON.stringify({ locale }),
			signal: AbortSignal.timeout(5_000),
		});
		return response.ok;
	} catch {
		return false;
	}
}
