import { signOnApi, type AdminIntegration } from '@proctor/signaling/contract';
import { loadOne } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url, fetch }) => {
	const answer = await loadOne<{ integration: AdminIntegration }>(signOnApi.getIntegration, params.id, url, fetch);
	return { integration: answer.integration };
};
