/** The Results table's columns: flat (one row a session) and grouped by candidate. */
import type { MessageKey } from '$lib/i18n';
import type { SortKey } from './query';

export interface ResultsColumn {
	/** The sort key, or null for a column that does not sort. */
	key: SortKey | null;
	label: MessageKey;
	class: string;
}

export const flatColumns: ResultsColumn[] = [
	{ key: null, label: 'results.col.photo', class: 'c-photo' },
	{ key: 'candidate', label: 'results.col.candidate', class: 'c-name' },
	{ key: 'group', label: 'results.col.group', class: 'c-group' },
	{ key: 'status', label: 'results.col.status', class: 'c-status' },
	{ key: 'startedAt', label: 'results.col.start', class: 'c-time' },
	{ key: 'endedAt', label: 'results.col.end', class: 'c-time' },
	{ key: 'honesty', label: 'results.col.honesty', class: 'c-honesty' },
	{ key: 'exam', label: 'results.col.exam', class: 'c-exam' },
	{ key: null, label: 'results.col.report', class: 'c-report' },
	{ key: 'decision', label: 'results.col.decision', class: 'c-decision' },
	{ key: 'reviewStatus', label: 'results.col.review', class: 'c-review' },
];
export const groupedColumns: ResultsColumn[] = [
	{ key: null, label: 'results.col.photo', class: 'c-photo' },
	{ key: 'candidate', label: 'results.col.candidate', class: 'c-name' },
	{ key: 'group', label: 'results.col.group', class: 'c-group' },
	{ key: 'sessions', label: 'results.col.sessions', class: 'c-count' },
	{ key: 'startedAt', label: 'results.col.lastStart', class: 'c-time' },
	{ key: 'endedAt', label: 'results.col.lastEnd', class: 'c-time' },
	{ key: 'honesty', label: 'results.col.minHonesty', class: 'c-honesty' },
	{ key: null, label: 'results.col.toReview', class: 'c-todo' },
	{ key: null, label: 'grouping.expand', class: 'c-expand' },
];
