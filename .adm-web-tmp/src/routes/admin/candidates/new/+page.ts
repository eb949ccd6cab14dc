import { adminApi, type AdminOptions } from '@proctor/signaling/contract';
import { error } from '@sveltejs/kit';
import { adminCall } from '$lib/admin/api';
import { handleLoadError } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url, fetch }) => {
	try {
		return { options: await adminCall<AdminOptions>(adminApi.options, { fetch }) };
	} catch (err) {
		error(500, handleLoadError(err, url).message);
	}
};
