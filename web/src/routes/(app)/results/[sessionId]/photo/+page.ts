import { redirect } from '@sveltejs/kit';
import { photoReportApi, type PhotoReport } from '@proctor/signaling/contract';
import { ApiError, call, loginHref } from '$lib/api';
import type { PageLoad } from './$types';

export interface PhotoPageData {
	sessionId: string;
	card: PhotoReport | null;
	error: { code: string; message: string } | null;
}

/** The photo report of one session (manual §2.4.3). Opening it asks for missing snapshots. */
export const load: PageLoad = async ({ fetch, params, url }): Promise<PhotoPageData> => {
	try {
		const card = await call(photoReportApi.get, { params: { id: params.sessionId }, fetch });
		return { sessionId: params.sessionId, card, error: null };
	} catch (error) {
		if (error instanceof ApiError && error.code === 'unauthenticated') redirect(303, loginHref(url));
		if (error instanceof ApiError) return { sessionId: params.sessionId, card: null, error: { code: error.code, message: error.message } };
		throw error;
	}
};
