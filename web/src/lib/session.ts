/** Browser-side actions of the signed-in user: sign out, remember the UI language. */
import { goto } from '$app/navigation';
import { authApi } from '@proctor/signaling/contract';
import { ApiError, call } from '$lib/api';
import { apiErrorText, setLocale, t, type Locale } from '$lib/i18n';
import { LOCALE_CHOSEN_COOKIE } from '$lib/i18n/locales';
import { toast } from '$lib/toast.svelte';

export async function signOut(): Promise<void> {
	try {
		await call(authApi.logout);
	} catch (error) {
		// Already signed out or the server is unreachable: leave the page either way.
		console.warn('sign-out failed', error);
	}
	await goto('/login?signedOut=1', { invalidateAll: true });
}

let chosenBeforeSignIn = false;

/**
 * Whether the language was picked on a sign-in page in this tab: signing in then stores
 * that choice for the user instead of switching to the one they had saved before.
 */
export function localeChosenBeforeSignIn(): boolean {
	return chosenBeforeSignIn;
}

/**
 * Switches the UI language and remembers it for the signed-in user (`PUT /api/auth/me/locale`),
 * besides the `lang` cookie that `setLocale` writes. Resolves when the server has it.
 */
export async function chooseLocale(locale: Locale, { signedIn }: { signedIn: boolean }): Promise<void> {
	chosenBeforeSignIn = !signedIn;
	setLocale(locale, { persist: true });
	if (!signedIn) return;
	// Until the save below lands, the next page's server render goes by this (hooks.server.ts).
	document.cookie = `${LOCALE_CHOSEN_COOKIE}=${locale}; Path=/; Max-Age=3600; SameSite=Lax`;
	try {
		await call(authApi.setLocale, { body: { locale } });
		if (document.cookie.includes(`${LOCALE_CHOSEN_COOKIE}=${locale}`)) document.cookie = `${LOCALE_CHOSEN_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`;
	} catch (error) {
		if (error instanceof ApiError && error.code === 'unauthenticated') return;
		const text = error instanceof ApiError ? apiErrorText(error.code, error.message) : String(error);
		toast(`${t('lang.label')}: ${text}`, 'error');
	}
}
