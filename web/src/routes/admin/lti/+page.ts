import { ltiApi, type AdminLtiOverview } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { loadOrFail } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) =>
	loadOrFail<{ overview: AdminLtiOverview | null }>(url, { overview: null }, async () => ({ overview: await adminCall<AdminLtiOverview>(ltiApi.overview, { fetch }) }));
