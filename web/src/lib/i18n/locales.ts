/** Supported UI languages. Pure module: safe on the server and in the browser. */
import { LOCALES } from '@proctor/values';

export const locales = LOCALES;
export type Locale = (typeof locales)[number];

/** Used when neither the cookie nor the browser's languages name a supported locale. */
export const defaultLocale: Locale = 'ru';

/** Cookie (read by the server hook for `<html lang>` and SSR) and localStorage key. */
export const LOCALE_COOKIE = 'lang';
/**
 * Set by a signed-in user's switch until the server has stored the choice: while present it
 * wins over the stored language, so a page loaded before the save lands is not in the old one.
 */
export const LOCALE_CHOSEN_COOKIE = 'lang_chosen';
export const LOCALE_STORAGE_KEY = 'lang';

/** Short labels for the switcher, each in its own language. */
export const localeLabels: Record<Locale, { short: string; name: string }> = {
	kk: { short: 'Қаз', name: 'Қазақша' },
	ru: { short: 'Рус', name: 'Русский' },
	en: { short: 'Eng', name: 'English' },
};

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** First supported locale among language tags ("kk-KZ", "ru", "en-US"…), in order. */
export function matchLocale(tags: readonly string[]): Locale | undefined {
	for (const tag of tags) {
		const base = tag.trim().toLowerCase().split(/[-_]/)[0];
		if (isLocale(base)) return base;
	}
	return undefined;
}

/** Parse an `Accept-Language` header into tags ordered by q-value. */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
	if (!header) return [];
	return header
		.split(',')
		.map((part, index) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			const quality = q ? Number.parseFloat(q.slice(2)) : 1;
			return { tag: tag.trim(), quality: Number.isFinite(quality) ? quality : 0, index };
		})
		.filter((entry) => entry.tag && entry.tag !== '*' && entry.quality > 0)
		.sort((a, b) => b.quality - a.quality || a.index - b.index)
		.map((entry) => entry.tag);
}

/** Cookie value → Accept-Language → default. */
export function negotiateLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
	if (isLocale(cookie)) return cookie;
	return matchLocale(parseAcceptLanguage(acceptLanguage)) ?? defaultLocale;
}
