/**
 * Choices of the exam, group and discipline filters, searched on the server as the user types
 * (`resultsApi.choices`: every one in the user's scope, older and archived ones included). The
 * names of chosen ids are asked for once and remembered for the page's life, so a filter in
 * the URL is labelled even when it is not among the first results.
 */
import { resultsApi, resultsSearchParams, type ResultsChoice, type ResultsChoiceKind } from '@proctor/signaling/contract';
import { call } from '$lib/api';

export const CHOICES_PAGE = 20;

const known = $state<Record<ResultsChoiceKind, Record<string, ResultsChoice>>>({ exam: {}, group: {}, discipline: {} });

function remember(kind: ResultsChoiceKind, items: ResultsChoice[]): void {
	for (const item of items) known[kind][item.id] = item;
}

/** A chosen id's choice if its name is known yet (reactive). */
export function knownChoice(kind: ResultsChoiceKind, id: string): ResultsChoice | undefined {
	return known[kind][id];
}

/** The first CHOICES_PAGE choices whose name contains `search`; `more` when there are others. */
export async function searchChoices(kind: ResultsChoiceKind, search: string, signal?: AbortSignal): Promise<{ items: ResultsChoice[]; more: boolean }> {
	const query = resultsSearchParams({ kind, limit: CHOICES_PAGE, ...(search.trim() ? { search: search.trim() } : {}) });
	const answer = await call(resultsApi.choices, { query, signal });
	remember(kind, answer.items);
	return answer;
}

/** Asks for the names of chosen ids not known yet (failures leave them unlabelled). */
export function learnNames(kind: ResultsChoiceKind, ids: string[]): void {
	const missing = ids.filter((id) => !known[kind][id]);
	if (missing.length === 0) return;
	call(resultsApi.choices, { query: resultsSearchParams({ kind, id: missing, limit: 50 }) }).then(
		(answer) => remember(kind, answer.items),
		() => undefined,
	);
}
