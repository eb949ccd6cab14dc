import { error, redirect } from '@sveltejs/kit';
import { journeyApi } from '@proctor/signaling/contract';
import { ApiError, call, loginHref } from '$lib/api';
import type { PageLoad } from './$types';

/** Proctors of the exam (and admins): its candidates' links, read-only (audited on the server). */
export const load: PageLoad = async ({ params, url, fetch }) => {
	try {
		return { links: await call(journeyApi.candidateLinks, { params: { id: params.examId }, fetch }) };
	} catch (err) {
		if (err instanceof ApiError && err.code === 'unauthenticated') redirect(303, loginHref(url));
		if (err instanceof ApiError) error(err.status || 500, err.message);
		throw err;
	}
};
