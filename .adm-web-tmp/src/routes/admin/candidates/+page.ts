import { adminApi, type AdminCandidate, type AdminOptions } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { loadList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url, fetch }) => {
	const [list, options] = await Promise.all([
		loadList<AdminCandidate>(adminApi.listCandidates, url, fetch, ['groupId']),
		adminCall<AdminOptions>(adminApi.options, { fetch }).catch(() => null),
	]);
	return { ...list, options };
};
