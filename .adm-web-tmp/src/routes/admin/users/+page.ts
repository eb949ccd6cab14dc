import { adminApi, type AdminUser } from '@proctor/signaling/contract';
import { loadList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) => loadList<AdminUser>(adminApi.listUsers, url, fetch, ['role']);
