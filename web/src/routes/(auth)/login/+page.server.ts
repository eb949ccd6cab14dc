import { redirect } from '@sveltejs/kit';
import { safeNextPath } from '$lib/api';
import type { Actions, PageServerLoad } from './$types';

/** Already signed in: straight on to where the user was going. */
export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNextPath(url.searchParams.get('next')) ?? '/results');
};

/**
 * A form posted before the page hydrated (the script signs in through the API, not here):
 * the credentials arrive in the body, never in the URL; back to the form, keeping `next`.
 */
export const actions: Actions = {
	default: ({ url }) => {
		const next = safeNextPath(url.searchParams.get('next'));
		redirect(303, next ? `/login?next=${encodeURIComponent(next)}` : '/login');
	},
};
