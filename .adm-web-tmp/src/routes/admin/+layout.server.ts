import { redirect } from '@sveltejs/kit';
import { loginHref } from '$lib/api';
import type { LayoutServerLoad } from './$types';

/** Administration: signed-in admins only (a proctor sees an explanation, and the API says 403 anyway). */
export const load: LayoutServerLoad = ({ locals, url, untrack }) => {
	if (!locals.user) redirect(303, untrack(() => loginHref(url)));
	return { user: locals.user, forbidden: locals.user.role !== 'admin' };
};
