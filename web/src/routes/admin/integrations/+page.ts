import { signOnApi, type AdminIntegration } from '@proctor/signaling/contract';
import { loadList } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) => loadList<AdminIntegration>(signOnApi.listIntegrations, url, fetch);
