/**
 * The analysis of a candidate import, shared by the preview and the import: every line is
 * validated and every problem reported (line, column, code) against the database's groups
 * and candidates, and the photos matched to the lines, before anything is written.
 */
import type { Kysely } from 'kysely';
import { findGroupsByNames, getCandidatesByIins, type DB } from '@proctor/db';
import {
  emailProblem,
  iinProblem,
  nameProblem,
  normalizeName,
  type ImportColumn,
  type ImportIssue,
  type ImportIssueCode,
  type ImportPreview,
  type ImportPreviewRow,
} from '../contract/api/admin.ts';
import { FileProblem, issue, type Limits, type UploadedFile } from './import-issues.ts';
import { columnLetter, ZIP_MAGIC, type ParsedSheet, type SheetLine } from './import-sheet.ts';
import { readPhotoZip, type ZipPhoto } from './import-photo-zip.ts';
import { parseSheetInWorker } from './sheet-thread.ts';

export interface ImportFiles {
  sheet: UploadedFile;
  photos?: UploadedFile | undefined;
}

/** At most this many errors are listed (the total is still counted). */
export const MAX_LISTED_ISSUES = 1000;

class IssueList {
  readonly errors: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];
  errorCount = 0;

  error(i: ImportIssue): void {
    this.errorCount++;
    if (this.errors.length < MAX_LISTED_ISSUES) this.errors.push(i);
  }

  warn(i: ImportIssue): void {
    if (this.warnings.length < MAX_LISTED_ISSUES) this.warnings.push(i);
  }
}

/** A file-level failure: the analysis stops with this one issue. */

/** Header words per column, lower-case, letters and digits only (kk, ru, en spellings). */
const HEADER_WORDS: Record<(typeof COLUMN_ORDER)[number], string[]> = {
  fullName: [
    'fullname', 'name', 'candidate', 'student', 'fio',
    'фио', 'фамилияимяотчество', 'фамилияимя', 'полноеимя', 'имя', 'кандидат', 'студент', 'обучающийся', 'слушатель',
    'толықатыжөні', 'атыжөні', 'аты', 'тегіатыәкесініңаты', 'білімалушы',
  ],
  iin: ['iin', 'иин', 'жсн', 'иинжсн', 'жсниин', 'individualidentificationnumber', 'индивидуальныйидентификационныйномер', 'жекесәйкестендірунөмірі'],
  group: ['group', 'groupname', 'группа', 'номергруппы', 'топ', 'топатауы', 'класс', 'сынып'],
  email: ['email', 'mail', 'emailaddress', 'почта', 'электроннаяпочта', 'эпочта', 'электрондықпошта', 'эпошта', 'пошта'],
};
const COLUMN_ORDER = ['fullName', 'iin', 'group', 'email'] as const;
type Column = (typeof COLUMN_ORDER)[number];

const headerKey = (cell: string) => cell.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Parts of longer headers ("Электронная почта студента", "Номер группы"), checked in this order. */
const HEADER_PARTS: [Column, RegExp][] = [
  ['iin', /iin|иин|жсн/],
  ['email', /mail|почт|пошт/],
  ['group', /group|групп|топ/],
  ['fullName', /fio|фио|name|атыжөн|тегі|фамил/],
];

function columnOfHeader(cell: string): Column | undefined {
  const key = headerKey(cell);
  if (!key) return undefined;
  return COLUMN_ORDER.find((column) => HEADER_WORDS[column].includes(key)) ?? HEADER_PARTS.find(([, re]) => re.test(key))?.[0];
}

interface ColumnMap {
  /** Index of each column's cell, or undefined when the sheet lacks it. */
  index: Partial<Record<Column, number>>;
  /** Data starts after this line (the header), or 0 without a header. */
  headerLine: number;
}

function findColumns(first: SheetLine): ColumnMap {
  const index: Partial<Record<Column, number>> = {};
  first.cells.forEach((cell, i) => {
    const column = columnOfHeader(cell);
    if (column && index[column] === undefined) index[column] = i;
  });
  if (index.fullName !== undefined && index.iin !== undefined) return { index, headerLine: first.line };
  // No header: the documented order, if the first line looks like a candidate.
  const second = (first.cells[1] ?? '').replace(/\s+/g, '').replace(/^'/, '');
  if (/^[0-9]{11,12}$/.test(second)) return { index: { fullName: 0, iin: 1, group: 2, email: 3 }, headerLine: 0 };
  const missing = COLUMN_ORDER.filter((c) => c !== 'email' && index[c] === undefined);
  throw new FileProblem(issue('header_missing', { line: first.line, column: null }, { missing: missing.join(', ') }));
}

export interface PlannedRow {
  line: number;
  fullName: string;
  iin: string;
  group: string;
  email: string | null;
  existingId: string | undefined;
  previousPhoto: string | null;
}

export interface Analysis {
  preview: ImportPreview;
  errorCount: number;
  rows: PlannedRow[];
  /** Group name as written in the sheet → the existing group's id (absent: to be created). */
  groupIds: Map<string, string>;
  photos: Map<string, ZipPhoto>;
}

export async function analyseImport(db: Kysely<DB>, files: ImportFiles, limits: Limits): Promise<Analysis> {
  const issues = new IssueList();
  const empty = (format: 'csv' | 'xlsx', sheetName: string | null): Analysis => ({
    preview: {
      format,
      sheetName,
      valid: false,
      rows: [],
      errors: issues.errors,
      warnings: issues.warnings,
      errorsTotal: issues.errorCount,
      summary: { rows: 0, create: 0, update: 0, newGroups: [], photos: 0 },
    },
    errorCount: issues.errorCount,
    rows: [],
    groupIds: new Map(),
    photos: new Map(),
  });

  let sheet: ParsedSheet;
  try {
    sheet = await parseSheetInWorker(files.sheet, limits);
  } catch (err) {
    if (!(err instanceof FileProblem)) throw err;
    issues.error(err.issue);
    return empty(files.sheet.data.subarray(0, 4).equals(ZIP_MAGIC) ? 'xlsx' : 'csv', null);
  }

  const nonEmpty = sheet.lines.filter((l) => l.cells.some((c) => c.trim() !== ''));
  const first = nonEmpty[0];
  if (!first) {
    issues.error(issue('sheet_empty', { column: 'file' }));
    return empty(sheet.format, sheet.sheetName);
  }
  let columns: ColumnMap;
  try {
    columns = findColumns(first);
  } catch (err) {
    if (!(err instanceof FileProblem)) throw err;
    issues.error(err.issue);
    return empty(sheet.format, sheet.sheetName);
  }
  const dataLines = nonEmpty.filter((l) => l.line > columns.headerLine);
  if (dataLines.length === 0) {
    issues.error(issue('sheet_empty', { column: 'file' }));
    return empty(sheet.format, sheet.sheetName);
  }
  if (dataLines.length > limits.importRows) {
    issues.error(issue('too_many_rows', { column: 'file' }, { rows: dataLines.length, max: limits.importRows }));
    return empty(sheet.format, sheet.sheetName);
  }

  // The photos are read before the lines are judged so both report in one go.
  let zipPhotos = new Map<string, ZipPhoto>();
  const photoProblems: { iin: string | null; issue: ImportIssue; error: boolean }[] = [];
  if (files.photos) {
    try {
      const zip = await readPhotoZip(files.photos.data, limits);
      zipPhotos = zip.photos;
      photoProblems.push(...zip.problems);
    } catch (err) {
      if (!(err instanceof FileProblem)) throw err;
      photoProblems.push({ iin: null, issue: { ...err.issue, column: 'photo' }, error: true });
    }
  }

  interface Candidate {
    line: SheetLine;
    fullName: string;
    iin: string;
    group: string;
    email: string | null;
    ok: boolean;
  }
  const candidates: Candidate[] = [];
  const firstLineOfIin = new Map<string, number>();
  for (const line of dataLines) {
    const at = (column: Column) => {
      const i = columns.index[column];
      return { line: line.line, column, cell: i === undefined ? null : columnLetter(i) };
    };
    const cell = (column: Column) => {
      const i = columns.index[column];
      return i === undefined ? '' : (line.cells[i] ?? '');
    };
    let ok = true;
    const fail = (column: Column, code: ImportIssueCode, params: Record<string, string | number> = {}) => {
      ok = false;
      issues.error(issue(code, at(column), params));
    };

    const fullName = normalizeName(cell('fullName'));
    const nameIssue = nameProblem(fullName);
    if (nameIssue) fail('fullName', nameIssue as ImportIssueCode, { max: 200 });

    let iin = cell('iin').replace(/[\s\u00a0]+/g, '').replace(/^'/, '');
    const iinIndex = columns.index.iin;
    if (iinIndex !== undefined && line.numeric[iinIndex] && /^[0-9]{11}$/.test(iin)) iin = iin.padStart(12, '0');
    if (iin === '') fail('iin', 'required');
    else {
      const problem = iinProblem(iin);
      if (problem) fail('iin', problem, { value: iin.slice(0, 40) });
      else {
        const otherLine = firstLineOfIin.get(iin);
        if (otherLine !== undefined) fail('iin', 'iin_duplicate', { value: iin, otherLine });
        else firstLineOfIin.set(iin, line.line);
      }
    }

    const group = normalizeName(cell('group'));
    const groupIssue = columns.index.group === undefined ? 'required' : nameProblem(group);
    if (groupIssue) fail('group', groupIssue as ImportIssueCode, { max: 200 });

    const rawEmail = cell('email').trim();
    const emailIssue = rawEmail === '' ? undefined : emailProblem(rawEmail);
    if (emailIssue) fail('email', emailIssue === 'too_long' ? 'too_long' : 'email_invalid', { value: rawEmail.slice(0, 80), max: 254 });

    candidates.push({ line, fullName, iin, group, email: rawEmail || null, ok });
  }

  // Groups: an existing one (ignoring case) is reused, unless it is archived.
  const groupNames = [...new Set(candidates.filter((c) => c.group !== '').map((c) => c.group))];
  const existingGroups = await findGroupsByNames(db, groupNames);
  const groupIds = new Map<string, string>();
  const archivedGroups = new Set<string>();
  for (const name of groupNames) {
    const matches = existingGroups.filter((g) => g.name.toLowerCase() === name.toLowerCase());
    const live = matches.find((g) => g.name === name && !g.archivedAt) ?? matches.find((g) => !g.archivedAt);
    if (live) groupIds.set(name, live.id);
    else if (matches.length) archivedGroups.add(name);
  }
  for (const c of candidates) {
    if (archivedGroups.has(c.group)) {
      c.ok = false;
      const i = columns.index.group;
      issues.error(issue('group_archived', { line: c.line.line, column: 'group', cell: i === undefined ? null : columnLetter(i) }, { value: c.group }));
    }
  }

  // Photos: attached to the line with that IIN.
  for (const problem of photoProblems) {
    const line = problem.iin ? firstLineOfIin.get(problem.iin) : undefined;
    const located = { ...problem.issue, line: line ?? null };
    if (problem.error) {
      issues.error(located);
      const c = candidates.find((x) => x.line.line === line);
      if (c) c.ok = false;
    } else issues.warn(located);
  }
  for (const [iin, photo] of zipPhotos) {
    if (!firstLineOfIin.has(iin)) {
      issues.warn(issue('photo_unmatched', { column: 'photo' }, { file: photo.file }));
      zipPhotos.delete(iin);
    }
  }

  const existing = new Map(
    (await getCandidatesByIins(db, [...firstLineOfIin.keys()])).map((c) => [c.iin, c] as const),
  );
  issues.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

  const previewRows: ImportPreviewRow[] = candidates.map((c) => ({
    line: c.line.line,
    fullName: c.fullName,
    iin: c.iin,
    group: c.group,
    email: c.email,
    action: !c.ok ? 'invalid' : existing.has(c.iin) ? 'update' : 'create',
    groupIsNew: c.group !== '' && !groupIds.has(c.group) && !archivedGroups.has(c.group),
    photo: zipPhotos.has(c.iin),
  }));
  const valid = issues.errorCount === 0;
  const rows: PlannedRow[] = valid
    ? candidates.map((c) => ({
        line: c.line.line,
        fullName: c.fullName,
        iin: c.iin,
        group: c.group,
        email: c.email,
        existingId: existing.get(c.iin)?.id,
        previousPhoto: existing.get(c.iin)?.referencePhotoPath ?? null,
      }))
    : [];
  const newGroups = [...new Set(previewRows.filter((r) => r.groupIsNew).map((r) => r.group))];
  return {
    preview: {
      format: sheet.format,
      sheetName: sheet.sheetName,
      valid,
      rows: previewRows,
      errors: issues.errors,
      warnings: issues.warnings,
      errorsTotal: issues.errorCount,
      summary: {
        rows: candidates.length,
        create: previewRows.filter((r) => r.action === 'create').length,
        update: previewRows.filter((r) => r.action === 'update').length,
        newGroups,
        photos: previewRows.filter((r) => r.photo && r.action !== 'invalid').length,
      },
    },
    errorCount: issues.errorCount,
    rows,
    groupIds,
    photos: zipPhotos,
  };
}
