/**
 * Choices of the exam, group and discipline filters.
 *
 * The API has no endpoint listing them yet, so they are learnt from the rows the user can
 * see: every page loaded, plus one sample of recent sessions (current and archived) when the
 * Results page opens. Disciplines cannot be learnt (rows carry no discipline): admins get
 * them (and every group) from the admin drop-down choices; for proctors the list stays empty
 * until an endpoint exists, though a discipline id in the URL still filters.
 */
import {
	adminApi,
	resultsApi,
	resultsSearchParams,
	type AdminOptions,
	type CandidateResultRow,
	type ResultRow,
	type UserRole,
} from '@proctor/signaling/contract';
import { call } from '$lib/api';

export interface Choice {
	id: string;
	name: string;
}

const exams = $state<Record<string, string>>({});
const groups = $state<Record<string, string>>({});
const disciplines = $state<Record<string, string>>({});

export const filterChoices = {
	get exams(): Choice[] {
		return toChoices(exams);
	},
	get groups(): Choice[] {
		return toChoices(groups);
	},
	get disciplines(): Choice[] {
		return toChoices(disciplines);
	},
};

function toChoices(map: Record<string, string>): Choice[] {
	return Object.entries(map)
		.map(([id, name]) => ({ id, name }))
		.sort((a, b) => a.name.localeCompare(b.name, 'ru', { numeric: true }));
}

export function learnFrom(rows: readonly (ResultRow | CandidateResultRow)[]): void {
	for (const row of rows) {
		if ('examId' in row && exams[row.examId] !== row.examName) exams[row.examId] = row.examName;
		if (row.groupId && row.groupName && groups[row.groupId] !== row.groupName) groups[row.groupId] = row.groupName;
	}
}

let sampled = false;

/**
 * Once per page load: learn exams and groups from the latest sessions, current and archived;
 * admins also get every discipline and group.
 */
export function sampleChoices(role: UserRole): void {
	if (sampled) return;
	sampled = true;
	if (role === 'admin') {
		fetch(adminApi.options.path, { headers: { accept: 'application/json' } })
			.then((response) => (response.ok ? (response.json() as Promise<AdminOptions>) : null))
			.then((options) => {
				for (const d of options?.disciplines ?? []) disciplines[d.id] = d.name;
				for (const g of options?.groups ?? []) groups[g.id] = g.name;
			})
			.catch(() => undefined);
	}
	for (const archived of ['false', 'true'] as const) {
		call(resultsApi.list, { query: resultsSearchParams({ archived, pageSize: 200 }) }).then(
			(result) => learnFrom(result.rows),
			() => {
				sampled = false; // try again next time the page opens
			},
		);
	}
}
