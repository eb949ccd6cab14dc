import { adminApi, type AdminDiscipline } from '@proctor/signaling/contract';
import { loadList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) => loadList<AdminDiscipline>(adminApi.listDisciplines, url, fetch);
