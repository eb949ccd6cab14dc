import { apiKeysApi, type AdminApiKey } from '@proctor/signaling/contract';
import { loadScopedList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) => loadScopedList<AdminApiKey>(apiKeysApi.list, url, fetch);
