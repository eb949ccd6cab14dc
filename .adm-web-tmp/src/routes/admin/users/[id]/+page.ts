import { adminApi, type AdminUserResponse } from '@proctor/signaling/contract';
import { loadOne } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url, fetch }) => {
	const answer = await loadOne<AdminUserResponse>(adminApi.getUser, params.id, url, fetch);
	return { account: answer.user };
};
