/** Moving an admin list to another state: the URL query changes, the page's load runs again. */
import { goto } from '$app/navigation';
import { page } from '$app/state';
import { listHref, type ListState } from './list';

/** `change` on top of `state`, back to page 1 unless it names a page. */
export function goList(state: ListState, change: Partial<ListState>): void {
	const next = { ...state, page: 1, ...change };
	void goto(listHref(page.url.pathname, next), { keepFocus: true, noScroll: true, replaceState: true });
}
