import { adminApi, type AdminGroup } from '@proctor/signaling/contract';
import { loadList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) => loadList<AdminGroup>(adminApi.listGroups, url, fetch);
