/**
 * The current UI locale as Svelte 5 rune state, plus `t()`.
 *
 * `t()` reads the rune, so any template or `$derived` that calls it re-renders when the
 * locale changes. On the server the root layout sets the locale (from the `lang` cookie or
 * `Accept-Language`, see hooks.server.ts) synchronously before its children render, so the
 * module-level value is always the current request's during a (synchronous) SSR pass.
 */
import { en, type MessageKey, type Messages } from './en.ts';
import { kk } from './kk.ts';
import { ru } from './ru.ts';
import {
	defaultLocale,
	isLocale,
	LOCALE_COOKIE,
	LOCALE_STORAGE_KEY,
	matchLocale,
	type Locale,
} from './locales.ts';

export const dictionaries: Record<Locale, Messages> = { kk, ru, en };

let current = $state<Locale>(defaultLocale);

export type MessageParams = Record<string, string | number>;

/** Reactive read-only view of the locale: `i18n.locale`. */
export const i18n = {
	get locale(): Locale {
		return current;
	},
};

/** Translate `key` in the current locale, replacing `{name}` placeholders from `params`. */
export function t(key: MessageKey, params?: MessageParams): string {
	const template = dictionaries[current][key] ?? en[key] ?? key;
	if (!params) return template;
	return template.replace(/\{(\w+)\}/g, (match, name: string) =>
		Object.hasOwn(params, name) ? String(params[name]) : match,
	);
}

export function hasMessage(key: string): key is MessageKey {
	return Object.hasOwn(en, key);
}

/**
 * Switch the locale. With `persist` (the user chose it) the choice is saved in
 * localStorage and in the `lang` cookie (so the server renders the next page in it).
 */
export function setLocale(locale: Locale, { persist = false } = {}): void {
	current = locale;
	if (typeof document === 'undefined') return;
	document.documentElement.lang = locale;
	if (persist) {
		try {
			localStorage.setItem(LOCALE_STORAGE_KEY, locale);
		} catch {
			// storage disabled (private mode): the cookie still carries the choice
		}
		document.cookie = `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax`;
	}
}

function readCookie(name: string): string | undefined {
	for (const part of document.cookie.split(';')) {
		const [key, ...rest] = part.trim().split('=');
		if (key === name) return decodeURIComponent(rest.join('='));
	}
	return undefined;
}

/**
 * Browser only, once after hydration: a choice saved in localStorage wins (and re-syncs the
 * cookie if it was lost); without any saved choice or cookie, follow navigator.languages.
 */
export function restoreLocale(): void {
	let stored: string | null = null;
	try {
		stored = localStorage.getItem(LOCALE_STORAGE_KEY);
	} catch {
		stored = null;
	}
	const cookie = readCookie(LOCALE_COOKIE);
	if (isLocale(stored)) {
		if (stored !== current || cookie !== stored) setLocale(stored, { persist: true });
		return;
	}
	if (isLocale(cookie)) return;
	const fromNavigator = matchLocale(navigator.languages ?? [navigator.language]);
	if (fromNavigator && fromNavigator !== current) setLocale(fromNavigator);
}
