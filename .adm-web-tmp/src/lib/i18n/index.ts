import type { ApiErrorCode, ErrorCode } from '@proctor/signaling/contract';
import type { MessageKey } from './en.ts';
import { hasMessage, t } from './locale.svelte.ts';

export { i18n, restoreLocale, setLocale, t, type MessageParams } from './locale.svelte.ts';
export { DEFAULT_TIME_ZONE, formatDateTime, zonedInputToIso, isoToZonedInput } from './format.ts';
export type { MessageKey, Messages } from './en.ts';
export { localeLabels, locales, isLocale, negotiateLocale, type Locale } from './locales.ts';

/** Codes the client adds to the contract's: no answer in time, socket not connected. */
export type ClientErrorCode = 'timeout' | 'network';

// Compile-time guarantee: every error code of the socket contract (and the client's own)
// has a translated message in every language.
type ErrorKey = `error.${ErrorCode | ClientErrorCode}`;
const everyErrorCodeTranslated: ErrorKey extends MessageKey ? true : false = true;
void everyErrorCodeTranslated;

/** Translated text for an error code; `fallback` (the server's message) if the code is unknown. */
export function errorText(code: string, fallback?: string): string {
	const key = `error.${code}`;
	if (hasMessage(key)) return t(key);
	return t('media.err.unknown', { message: fallback || code });
}

/** Codes of HTTP API errors plus the client's own "no answer from the server". */
export type ApiClientErrorCode = ApiErrorCode | 'network';

// Every error code of the HTTP API has a translated message in every language.
type ApiErrorKey = `apiError.${ApiClientErrorCode}`;
const everyApiErrorCodeTranslated: ApiErrorKey extends MessageKey ? true : false = true;
void everyApiErrorCodeTranslated;

/** Translated text for an HTTP API error code; `fallback` (the server's message) if unknown. */
export function apiErrorText(code: string, fallback?: string): string {
	const key = `apiError.${code}`;
	if (hasMessage(key)) return t(key);
	return t('media.err.unknown', { message: fallback || code });
}
