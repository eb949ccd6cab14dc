import { webhooksApi, type AdminWebhook } from '@proctor/signaling/contract';
import { loadScopedList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) => loadScopedList<AdminWebhook>(webhooksApi.list, url, fetch);
