/** A failed call of the sign-in pages as `{ code, text }`: the API's code and its text in the UI language. */
import { ApiError } from '$lib/api';
import { apiErrorText } from '$lib/i18n';

export interface AuthFailure {
	code: string;
	text: string;
}

export function authFailure(err: unknown): AuthFailure {
	return err instanceof ApiError ? { code: err.code, text: apiErrorText(err.code, err.message) } : { code: 'network', text: apiErrorText('network') };
}
