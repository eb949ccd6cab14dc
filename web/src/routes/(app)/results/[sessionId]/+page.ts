import { redirect } from '@sveltejs/kit';
import { reportApi, type SessionReport } from '@proctor/signaling/contract';
import { ApiError, call, loginHref } from '$lib/api';
import type { PageLoad } from './$types';

export interface ReportPageData {
	sessionId: string;
	report: SessionReport | null;
	error: { code: string; message: string } | null;
}

/** The detailed report of one session (manual §2.4). Opening it is logged by the page itself (POST …/viewed). */
export const load: PageLoad = async ({ fetch, params, url, depends }): Promise<ReportPageData> => {
	depends('app:report');
	try {
		const report = await call(reportApi.get, { params: { id: params.sessionId }, fetch });
		return { sessionId: params.sessionId, report, error: null };
	} catch (error) {
		if (error instanceof ApiError && error.code === 'unauthenticated') redirect(303, loginHref(url));
		if (error instanceof ApiError) return { sessionId: params.sessionId, report: null, error: { code: error.code, message: error.message } };
		throw error;
	}
};
