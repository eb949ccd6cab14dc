import { adminApi, apiKeysApi, signOnApi, type AdminApiKey, type AdminExamListItem, type AdminIntegration, type AdminPage } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { handleLoadError, type LoadFailure } from '$lib/admin/load';
import type { PageLoad } from './$types';

export interface ApiKeysData {
	keys: AdminApiKey[];
	/** Choices of the form (the newest 100 live ones each: a key is made rarely, by hand). */
	exams: AdminExamListItem[];
	integrations: AdminIntegration[];
	failure: LoadFailure | null;
}

export const load: PageLoad = async ({ url, fetch }): Promise<ApiKeysData> => {
	try {
		const [keys, exams, integrations] = await Promise.all([
			adminCall<{ items: AdminApiKey[] }>(apiKeysApi.list, { fetch }),
			adminCall<AdminPage<AdminExamListItem>>(adminApi.listExams, { fetch, query: { pageSize: 100 } }),
			adminCall<AdminPage<AdminIntegration>>(signOnApi.listIntegrations, { fetch, query: { pageSize: 100 } }),
		]);
		return { keys: keys.items, exams: exams.items, integrations: integrations.items, failure: null };
	} catch (err) {
		return { keys: [], exams: [], integrations: [], failure: handleLoadError(err, url) };
	}
};
