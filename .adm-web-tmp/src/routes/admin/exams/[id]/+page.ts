import { adminApi, type AdminExamResponse, type AdminOptions } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { loadOne } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url, fetch }) => {
	const [answer, options] = await Promise.all([
		loadOne<AdminExamResponse>(adminApi.getExam, params.id, url, fetch),
		adminCall<AdminOptions>(adminApi.options, { fetch }),
	]);
	return { exam: answer.exam, options };
};
