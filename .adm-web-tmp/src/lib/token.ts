/**
 * Access tokens arrive once in the page URL (`?token=…`). We keep them in sessionStorage
 * (per tab, gone when it closes) and remove them from the address bar, so they don't end
 * up in history, bookmarks, screenshots or logs. Browser only.
 */
import { replaceState } from '$app/navigation';

export type TokenKind = 'candidate' | 'proctor';

const storageKey = (kind: TokenKind) => `proctor.token.${kind}`;

export function takeToken(kind: TokenKind): string | null {
	const url = new URL(window.location.href);
	const fromUrl = url.searchParams.get('token');
	if (fromUrl) {
		try {
			sessionStorage.setItem(storageKey(kind), fromUrl);
		} catch {
			// storage disabled: the token lives only in this page's memory
		}
		url.searchParams.delete('token');
		// SvelteKit's router must be started before replaceState; it is after this tick.
		setTimeout(() => {
			try {
				replaceState(url, {});
			} catch {
				window.history.replaceState(window.history.state, '', url);
			}
		}, 0);
		return fromUrl;
	}
	try {
		return sessionStorage.getItem(storageKey(kind));
	} catch {
		return null;
	}
}
