import type { Handle } from '@sveltejs/kit';
import { LOCALE_COOKIE, negotiateLocale } from '$lib/i18n/locales';

/**
 * Locale for SSR and `<html lang>`: the `lang` cookie (the user's choice), else the
 * browser's Accept-Language, else the default. Pages carry tokens in their first URL, so
 * no Referer may leak it.
 */
export const handle: Handle = async ({ event, resolve }) => {
	const locale = negotiateLocale(event.cookies.get(LOCALE_COOKIE), event.request.headers.get('accept-language'));
	event.locals.locale = locale;
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', locale),
	});
	if (!response.headers.has('referrer-policy')) response.headers.set('referrer-policy', 'no-referrer');
	if (!response.headers.has('x-content-type-options')) response.headers.set('x-content-type-options', 'nosniff');
	if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
		response.headers.set('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self)');
		response.headers.set('vary', 'Cookie, Accept-Language');
	}
	return response;
};
