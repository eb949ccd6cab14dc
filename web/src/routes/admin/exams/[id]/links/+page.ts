import { journeyApi, type CandidateLinksResponse } from '@proctor/signaling/contract';
import { loadOne } from '$lib/admin/load';
import type { PageLoad } from './$types';

/** Minting the links is audited on the server (exam.candidate_links_viewed). */
export const load: PageLoad = async ({ params, url, fetch }) => ({
	links: await loadOne<CandidateLinksResponse>(journeyApi.candidateLinks, params.id, url, fetch),
});
