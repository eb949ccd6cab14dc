import { adminApi, type AdminExamListItem, type AdminOptions } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { loadList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url, fetch }) => {
	const [list, options] = await Promise.all([
		loadList<AdminExamListItem>(adminApi.listExams, url, fetch, ['disciplineId']),
		adminCall<AdminOptions>(adminApi.options, { fetch }).catch(() => null),
	]);
	return { ...list, options };
};
