import { adminApi, signOnApi, webhooksApi, type AdminExamListItem, type AdminIntegration, type AdminPage, type AdminWebhook } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { handleLoadError, type LoadFailure } from '$lib/admin/load';
import type { PageLoad } from './$types';

export interface WebhooksData {
	endpoints: AdminWebhook[];
	/** Choices of the form (the newest 100 of each, as on the API keys page). */
	exams: AdminExamListItem[];
	integrations: AdminIntegration[];
	failure: LoadFailure | null;
}

export const load: PageLoad = async ({ url, fetch }): Promise<WebhooksData> => {
	try {
		const [endpoints, exams, integrations] = await Promise.all([
			adminCall<{ items: AdminWebhook[] }>(webhooksApi.list, { fetch }),
			adminCall<AdminPage<AdminExamListItem>>(adminApi.listExams, { fetch, query: { pageSize: 100 } }),
			adminCall<AdminPage<AdminIntegration>>(signOnApi.listIntegrations, { fetch, query: { pageSize: 100 } }),
		]);
		return { endpoints: endpoints.items, exams: exams.items, integrations: integrations.items, failure: null };
	} catch (err) {
		return { endpoints: [], exams: [], integrations: [], failure: handleLoadError(err, url) };
	}
};
