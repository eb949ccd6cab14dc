import { redirect } from '@sveltejs/kit';
import { safeNextPath } from '$lib/api';
import type { PageServerLoad } from './$types';

/** Already signed in: straight on to where the user was going. */
export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNextPath(url.searchParams.get('next')) ?? '/results');
};
