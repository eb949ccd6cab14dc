import type { Handle, HandleFetch } from '@sveltejs/kit';
import { isLocale, LOCALE_CHOSEN_COOKIE, LOCALE_COOKIE, negotiateLocale } from '$lib/i18n/locales';
import { backendOrigin, fetchCurrentUser, forwardedHeaders, storeUserLocale } from '$lib/server/backend';
import { withRouteCsp } from '$lib/server/csp';

/**
 * Every request: the signed-in user (only when the session cookie is present), then the
 * locale for SSR and `<html lang>` — a choice the signed-in user has just made, else their
 * stored choice, else the `lang` cookie, else the browser's Accept-Language, else the
 * default. Pages carry tokens in their first URL, so no Referer may leak it.
 */
export const handle: Handle = async ({ event, resolve }) => {
	let user = await fetchCurrentUser(event);
	// A language the user just chose beats the one stored for them (the save may not have
	// landed yet: a reload or a link right after the switch); store it now if it has not.
	const chosen = event.cookies.get(LOCALE_CHOSEN_COOKIE);
	if (user && isLocale(chosen)) {
		if (chosen === user.locale || (await storeUserLocale(event, chosen))) event.cookies.delete(LOCALE_CHOSEN_COOKIE, { path: '/' });
		user = { ...user, locale: chosen };
	}
	event.locals.user = user;
	const locale = user?.locale ?? negotiateLocale(event.cookies.get(LOCALE_COOKIE), event.request.headers.get('accept-language'));
	event.locals.locale = locale;
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', locale),
	});
	if (!response.headers.has('referrer-policy')) response.headers.set('referrer-policy', 'no-referrer');
	if (!response.headers.has('x-content-type-options')) response.headers.set('x-content-type-options', 'nosniff');
	// No other site may frame any of our pages (CSP frame-ancestors; X-Frame-Options for old browsers).
	response.headers.set('x-frame-options', 'SAMEORIGIN');
	if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
		withRouteCsp(response, event.url.pathname, event.locals.csp);
		response.headers.set('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self)');
		response.headers.set('vary', 'Cookie, Accept-Language');
		response.headers.set('cache-control', 'no-store');
	}
	return response;
};

/**
 * `fetch('/api/…')` in a load function during SSR goes to the media node's API (see
 * lib/server/backend.ts), with the browser's cookies; in the browser it is a plain request.
 */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
	const url = new URL(request.url);
	if (url.origin !== event.url.origin || !url.pathname.startsWith('/api/')) return fetch(request);
	const target = `${backendOrigin(event)}${url.pathname}${url.search}`;
	const init: RequestInit & { duplex?: 'half' } = {
		method: request.method,
		headers: forwardedHeaders(event, request.headers),
		redirect: 'manual',
		signal: request.signal,
	};
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		init.body = await request.arrayBuffer();
		// The API's CSRF check wants our own origin on state-changing requests.
		(init.headers as Headers).set('origin', event.url.origin);
	}
	return globalThis.fetch(target, init);
};
