import { loadOptions } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url, fetch }) => loadOptions(url, fetch);
