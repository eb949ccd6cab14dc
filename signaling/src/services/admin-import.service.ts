/**
 * Bulk import of candidates from a CSV or XLSX sheet (full name, IIN, group, optional e-mail),
 * optionally with a zip of reference photos named by IIN (`900101300123.jpg`).
 *
 * Every line is validated and every problem reported (line, column, code) before anything
 * is written; an import then runs in one transaction, so a file is imported whole or not at
 * all. The preview and the import run the same analysis: the import re-reads the uploaded
 * files instead of trusting an earlier preview (nothing is kept between the two requests,
 * so it works across media nodes and after restarts).
 *
 * Hostile input: the sheet and zip sizes are capped by the route; the zip's and the XLSX's
 * inflated sizes and entry counts are checked from the central directory before inflating
 * and enforced while inflating (yauzl validates the declared sizes); photos are sniffed by
 * their bytes. Cell text is stored verbatim (no SQL is ever built from it).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  appendAction,
  ensureGroups,
  findGroupsByNames,
  getCandidatesByIins,
  inTransaction,
  upsertCandidatesByIin,
  type DB,
} from '@proctor/db';
import {
  ADMIN_UPLOAD_LIMITS,
  emailProblem,
  iinProblem,
  nameProblem,
  normalizeName,
  type ImportColumn,
  type ImportIssue,
  type ImportIssueCode,
  type ImportPreview,
  type ImportPreviewRow,
  type ImportResult,
} from '../contract/api/admin.ts';
import type { SessionUser } from './auth.service.ts';
import { sniffImage, type PhotoStore, type PhotoType } from './admin-photo.service.ts';
import { columnLetter, FileProblem, issue, readEntry, scanZip, ZIP_MAGIC, type Limits, type ParsedSheet, type SheetLine, type UploadedFile } from './import-files.ts';
import { parseSheetInWorker } from './sheet-thread.ts';

export type { UploadedFile } from './import-files.ts';
export interface ImportFiles {
  sheet: UploadedFile;
  photos?: UploadedFile | undefined;
}

/** At most this many errors are listed (the total is still counted). */
export const MAX_LISTED_ISSUES = 1000;


// ---------------------------------------------------------------------------------------
// Issues
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

// ---------------------------------------------------------------------------------------
// Columns

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

// ---------------------------------------------------------------------------------------
// Reading the photo zip
export interface ZipPhoto {
  file: string;
  data: Buffer;
  type: PhotoType;
}

const PHOTO_NAME = /^([0-9]{12})\.(jpe?g|png)$/i;

/** Photos by IIN, plus the entries that are not photos or not usable. */
async function readPhotoZip(
  data: Buffer,
  limits: Limits,
): Promise<{ photos: Map<string, ZipPhoto>; problems: { iin: string | null; issue: ImportIssue; error: boolean }[] }> {
  const { zip, entries } = await scanZip(data, { entries: limits.zipEntries, bytes: limits.unzippedBytes }, 'zip_unreadable', 'zip_too_large');
  const photos = new Map<string, ZipPhoto>();
  const problems: { iin: string | null; issue: ImportIssue; error: boolean }[] = [];
  try {
    for (const { name, size, directory, entry } of entries) {
      const base = name.split('/').pop() ?? '';
      if (directory || base === '' || base.startsWith('.') || name.startsWith('__MACOSX/') || /^(thumbs\.db|desktop\.ini)$/i.test(base)) continue;
      const match = PHOTO_NAME.exec(base);
      if (!match) {
        problems.push({ iin: null, issue: issue('photo_ignored', { column: 'photo' }, { file: name }), error: false });
        continue;
      }
      const iin = match[1]!;
      const other = photos.get(iin);
      if (other) {
        problems.push({ iin, issue: issue('photo_duplicate', { column: 'photo' }, { value: iin, file: name, otherFile: other.file }), error: true });
        continue;
      }
      if (size > limits.photoBytes) {
        problems.push({ iin, issue: issue('photo_too_large', { column: 'photo' }, { file: name, max: limits.photoBytes }), error: true });
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await readEntry(zip, entry, limits.photoBytes);
      } catch {
        // Encrypted, corrupt, or inflating beyond its declared size.
        problems.push({ iin, issue: issue('photo_type', { column: 'photo' }, { file: name }), error: true });
        continue;
      }
      const type = sniffImage(bytes);
      if (!type) {
        problems.push({ iin, issue: issue('photo_type', { column: 'photo' }, { file: name }), error: true });
        continue;
      }
      photos.set(iin, { file: name, data: bytes, type });
    }
  } finally {
    zip.close();
  }
  return { photos, problems };
}

// ---------------------------------------------------------------------------------------
// Analysis

interface PlannedRow {
  line: number;
  fullName: string;
  iin: string;
  group: string;
  email: string | null;
  existingId: string | undefined;
  previousPhoto: string | null;
}

interface Analysis {
  preview: ImportPreview;
  errorCount: number;
  rows: PlannedRow[];
  /** Group name as written in the sheet → the existing group's id (absent: to be created). */
  groupIds: Map<string, string>;
  photos: Map<string, ZipPhoto>;
}

export interface ImportServiceDeps {
  db: Kysely<DB>;
  photos: PhotoStore;
  /** Where notable events go (the app's logger). */
  log: { info(obj: object, msg: string): void };
  limits?: Limits;
  now?: () => Date;
}

export class ImportRejectedError extends Error {
  constructor(
    readonly issues: ImportIssue[],
    readonly errorCount: number,
  ) {
    super(`The import was refused: ${errorCount} problem(s); nothing was imported.`);
  }
}

export class AdminImportService {
  readonly #deps: ImportServiceDeps;
  readonly #limits: Limits;

  constructor(deps: ImportServiceDeps) {
    this.#deps = deps;
    this.#limits = deps.limits ?? ADMIN_UPLOAD_LIMITS;
  }

  /** What an import of these files would do, with every problem. Writes nothing. */
  async preview(files: ImportFiles): Promise<ImportPreview> {
    return (await this.#analyse(files)).preview;
  }

  /** Imports every line or nothing: throws ImportRejectedError (with every issue) if any line is bad. */
  async import(actor: SessionUser, files: ImportFiles): Promise<ImportResult> {
    const { db, photos: store, log } = this.#deps;
    const analysis = await this.#analyse(files);
    if (!analysis.preview.valid) throw new ImportRejectedError(analysis.preview.errors, analysis.errorCount);

    // New candidates get their id now, so their photo files can be written before the
    // transaction (and removed again if it fails).
    const ids = new Map(analysis.rows.map((r) => [r.iin, r.existingId ?? randomUUID()]));
    const written = new Map<string, string>();
    try {
      for (const [iin, photo] of analysis.photos) {
        const id = ids.get(iin);
        if (id) written.set(iin, await store.save(id, photo.data, photo.type));
      }
      const result = await inTransaction(db, async (trx) => {
        const newGroupNames = [...new Set(analysis.rows.map((r) => r.group).filter((g) => !analysis.groupIds.has(g)))];
        const created = await ensureGroups(trx, newGroupNames);
        const groupId = (name: string) => analysis.groupIds.get(name) ?? created.ids.get(name) ?? null;
        const counts = await upsertCandidatesByIin(
          trx,
          analysis.rows.map((r) => ({
            id: ids.get(r.iin)!,
            fullName: r.fullName,
            iin: r.iin,
            groupId: groupId(r.group),
            email: r.email,
            referencePhotoPath: written.get(r.iin) ?? null,
          })),
        );
        const result: ImportResult = { ...counts, groupsCreated: created.created, photos: written.size };
        await appendAction(trx, {
          actorUserId: actor.id,
          actorName: actor.fullName,
          actorIin: actor.iin,
          action: 'admin.candidates.imported',
          details: {
            sheet: files.sheet.filename,
            format: analysis.preview.format,
            photosArchive: files.photos?.filename ?? null,
            rows: analysis.rows.length,
            ...result,
          },
          at: this.#now(),
        });
        return result;
      });
      // The photos these replaced are no longer referenced.
      await store.remove(...analysis.rows.filter((r) => written.has(r.iin)).map((r) => r.previousPhoto));
      log.info({ actor: actor.id, ...result }, 'candidates imported');
      return result;
    } catch (err) {
      await store.remove(...written.values());
      throw err;
    }
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  async #analyse(files: ImportFiles): Promise<Analysis> {
    const limits = this.#limits;
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
    const { db } = this.#deps;
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
}
