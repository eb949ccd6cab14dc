import { ltiApi, type AdminLtiOverview } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { handleLoadError, type LoadFailure } from '$lib/admin/load';
import type { PageLoad } from './$types';

export interface LtiPageData {
	overview: AdminLtiOverview | null;
	failure: LoadFailure | null;
}

export const load: PageLoad = async ({ url, fetch }): Promise<LtiPageData> => {
	try {
		return { overview: await adminCall<AdminLtiOverview>(ltiApi.overview, { fetch }), failure: null };
	} catch (err) {
		return { overview: null, failure: handleLoadError(err, url) };
	}
};
