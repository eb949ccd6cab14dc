import { redirect } from '@sveltejs/kit';
import { liveApi, type LiveExamsResponse } from '@proctor/signaling/contract';
import { ApiError, call, loginHref } from '$lib/api';
import type { PageLoad } from './$types';

export interface LivePanelData {
	result: LiveExamsResponse | null;
	error: { code: string; message: string } | null;
}

/** Manual §3.1: live proctoring is entered from the panel; this lists the exams to watch. */
export const load: PageLoad = async ({ fetch, url }): Promise<LivePanelData> => {
	try {
		return { result: await call(liveApi.exams, { fetch }), error: null };
	} catch (error) {
		if (error instanceof ApiError && error.code === 'unauthenticated') redirect(303, loginHref(url));
		if (error instanceof ApiError) return { result: null, error: { code: error.code, message: error.message } };
		throw error;
	}
};
