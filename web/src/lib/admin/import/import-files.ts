/**
 * The import wizard's pure parts: which file may be chosen as the list or the photo archive,
 * the texts of the server's issues, and the downloadable template.
 */
import { ADMIN_UPLOAD_LIMITS, type ImportIssue } from '@proctor/signaling/contract';
import { i18n, t, type MessageKey } from '$lib/i18n';
import { formatBytes, isZipFile } from '../files';

export type ImportFileKind = 'sheet' | 'photos';
export type ImportStep = 'upload' | 'preview' | 'result';

const SHEET_EXT = /\.(csv|txt|xlsx)$/i;

/** Why this file cannot be the list (`sheet`) or the photo archive (`photos`), or null when it can. */
export async function importFileProblem(kind: ImportFileKind, file: File): Promise<string | null> {
	const max = kind === 'sheet' ? ADMIN_UPLOAD_LIMITS.sheetBytes : ADMIN_UPLOAD_LIMITS.zipBytes;
	if (file.size > max) return t('admin.file.tooLarge', { file: file.name, max: formatBytes(max) });
	if (kind === 'sheet' && !SHEET_EXT.test(file.name)) return t('admin.import.sheetType');
	if (kind === 'photos' && !(await isZipFile(file))) return t('admin.import.zipType');
	return null;
}

const SIZE_CODES = new Set(['photo_too_large', 'zip_too_large', 'sheet_too_large']);

/** A problem the server found, in the UI language (its own message when there is no text for the code). */
export function issueText(issue: ImportIssue): string {
	const params: Record<string, string | number> = { ...issue.params };
	if (SIZE_CODES.has(issue.code) && typeof params.max === 'number') params.max = formatBytes(params.max);
	if (issue.code === 'header_missing') params.missing = String(params.missing ?? '').split(', ').filter(Boolean).map((c) => t(`admin.import.column.${c}` as MessageKey)).join(', ');
	const key = `admin.issue.${issue.code}` as MessageKey;
	const text = t(key, params);
	return text === key ? issue.message : text;
}

/** Where a problem is: the column's name and the cell, or "—" for the whole file. */
export function issueWhere(issue: ImportIssue): string {
	if (!issue.column || issue.column === 'file') return '—';
	const name = t(`admin.import.column.${issue.column}` as MessageKey);
	return issue.cell ? `${name} (${issue.cell})` : name;
}

const TEMPLATES: Record<string, string> = {
	kk: 'Аты-жөні;ЖСН;Топ;Эл. пошта\nҚаналбекова Ұлдана Жеңісқызы;040312600111;ИС-21;uldana@example.kz\n',
	ru: 'ФИО;ИИН;Группа;E-mail\nИванова Мария Петровна;040312600111;ИС-21;maria@example.kz\n',
	en: 'Full name;IIN;Group;E-mail\nMaria Ivanova;040312600111;IS-21;maria@example.kz\n',
};

/** Downloads a CSV with the headers (and one example line) in the UI language. */
export function downloadTemplate(): void {
	const blob = new Blob(['\uFEFF' + TEMPLATES[i18n.locale]], { type: 'text/csv;charset=utf-8' });
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = 'candidates-template.csv';
	a.click();
	setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
