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
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
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

export interface UploadedFile {
  /** As the browser sent it: only shown and logged, never used as a path. */
  filename: string;
  data: Buffer;
}

export interface ImportFiles {
  sheet: UploadedFile;
  photos?: UploadedFile | undefined;
}

/** At most this many errors are listed (the total is still counted). */
export const MAX_LISTED_ISSUES = 1000;

type Limits = typeof ADMIN_UPLOAD_LIMITS;

// ---------------------------------------------------------------------------------------
// Issues

const MESSAGES: Record<ImportIssueCode, (p: Record<string, string | number>) => string> = {
  sheet_missing: () => 'Attach the candidate list (CSV or XLSX) as the form field "sheet".',
  sheet_too_large: (p) => `The candidate list is larger than ${p.max} bytes.`,
  sheet_type: () => 'The candidate list must be a CSV file or an Excel workbook (.xlsx). Save an .xls as .xlsx first.',
  sheet_unreadable: () => 'The candidate list cannot be read: the file is damaged or not what its name says.',
  sheet_empty: () => 'The candidate list has no lines with data.',
  header_missing: () => 'The first line must name the columns (full name, IIN, group, e-mail) or be a first candidate in that column order.',
  too_many_rows: (p) => `The candidate list has ${p.rows} lines with data; at most ${p.max} can be imported at once.`,
  zip_too_large: (p) => `The photo archive unpacks to more than ${p.max} bytes.`,
  zip_unreadable: () => 'The photo archive is not a readable zip file.',
  zip_too_many_entries: (p) => `The photo archive has more than ${p.max} entries.`,
  required: () => 'This cell is empty.',
  too_long: (p) => `Longer than ${p.max} characters.`,
  control_chars: () => 'Contains control characters (line breaks, tabs…).',
  iin_format: (p) => `"${p.value}" is not an IIN: it must be 12 digits.`,
  iin_date: (p) => `"${p.value}" is not a valid IIN: its first 7 digits are not a birth date and century.`,
  iin_checksum: (p) => `"${p.value}" is not a valid IIN: the check digit does not match.`,
  iin_duplicate: (p) => `IIN ${p.value} is also on line ${p.otherLine}.`,
  email_invalid: (p) => `"${p.value}" is not an e-mail address.`,
  group_archived: (p) => `Group "${p.value}" is archived; restore it first.`,
  photo_type: (p) => `Photo "${p.file}" is not a JPEG or PNG image.`,
  photo_too_large: (p) => `Photo "${p.file}" is larger than ${p.max} bytes.`,
  photo_duplicate: (p) => `There are several photos for IIN ${p.value} ("${p.file}", "${p.otherFile}").`,
  photo_unmatched: (p) => `Photo "${p.file}" matches no IIN in the list; it is skipped.`,
  photo_ignored: (p) => `"${p.file}" is not named <IIN>.jpg or <IIN>.png; it is skipped.`,
};

function issue(
  code: ImportIssueCode,
  at: { line?: number | null; column?: ImportColumn | null; cell?: string | null } = {},
  params: Record<string, string | number> = {},
): ImportIssue {
  return { line: at.line ?? null, column: at.column ?? null, cell: at.cell ?? null, code, params, message: MESSAGES[code](params) };
}

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
class FileProblem extends Error {
  constructor(readonly issue: ImportIssue) {
    super(issue.message);
  }
}

// ---------------------------------------------------------------------------------------
// Reading the sheet

export interface SheetLine {
  /** 1-based line (CSV: where the record starts; XLSX: the row number). */
  line: number;
  cells: string[];
  /** XLSX cells that held a number (an IIN typed as a number loses its leading zero). */
  numeric: boolean[];
}

export interface ParsedSheet {
  format: 'csv' | 'xlsx';
  sheetName: string | null;
  lines: SheetLine[];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]); // legacy .xls / .doc

/** Column letter of a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1251 (Excel's "CSV" in Russian Windows). */
function decodeText(data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    return new TextDecoder('windows-1251').decode(data);
  }
}

/** The delimiter that splits the first line into the most fields (`;` in Russian Excel, `,`, tab). */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, 64 * 1024).split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  let best = ',';
  let bestCount = 0;
  for (const delimiter of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === delimiter && !quoted) count++;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** RFC 4180 CSV: quoted fields may hold delimiters, quotes ("") and line breaks. */
export function parseCsv(text: string): SheetLine[] {
  const delimiter = detectDelimiter(text);
  const lines: SheetLine[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    lines.push({ line: recordLine, cells, numeric: cells.map(() => false) });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === delimiter) {
      endCell();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return lines;
}

type XlsxValue = ExcelJS.CellValue | ExcelJS.CellFormulaValue['result'];

function cellText(value: XlsxValue): { text: string; numeric: boolean } {
  if (value === null || value === undefined) return { text: '', numeric: false };
  if (typeof value === 'string') return { text: value, numeric: false };
  if (typeof value === 'number') {
    return { text: Number.isInteger(value) ? value.toFixed(0) : String(value), numeric: true };
  }
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', numeric: false };
  if (value instanceof Date) return { text: value.toISOString(), numeric: false };
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join(''), numeric: false };
  if ('hyperlink' in value) {
    const text = value.text as unknown;
    if (typeof text === 'string') return { text, numeric: false };
    return cellText(text as XlsxValue);
  }
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as ExcelJS.CellFormulaValue).result);
  return { text: '', numeric: false }; // error values (#N/A …) and anything unknown
}

async function parseXlsx(data: Buffer, limits: Limits): Promise<ParsedSheet> {
  // An .xlsx is a zip: refuse bombs before exceljs inflates it.
  (await scanZip(data, limits, 'sheet_unreadable', 'sheet_too_large')).zip.close();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    throw new FileProblem(issue('sheet_unreadable', { column: 'file' }));
  }
  const sheet = workbook.worksheets.find((ws) => ws.state === 'visible') ?? workbook.worksheets[0];
  // A zip without worksheets (a .docx, a renamed archive) is not a workbook.
  if (!sheet) throw new FileProblem(issue('sheet_unreadable', { column: 'file' }));
  const lines: SheetLine[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const numeric: boolean[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const { text, numeric: isNumber } = cellText(cell.value);
      cells[col - 1] = text;
      numeric[col - 1] = isNumber;
    });
    for (let i = 0; i < cells.length; i++) {
      cells[i] ??= '';
      numeric[i] ??= false;
    }
    lines.push({ line: rowNumber, cells, numeric });
  });
  return { format: 'xlsx', sheetName: sheet.name, lines };
}

export async function parseSheet(file: UploadedFile, limits: Limits = ADMIN_UPLOAD_LIMITS): Promise<ParsedSheet> {
  const { data } = file;
  if (data.length === 0) throw new FileProblem(issue('sheet_empty', { column: 'file' }));
  if (data.subarray(0, 4).equals(ZIP_MAGIC)) return parseXlsx(data, limits);
  if (data.subarray(0, 4).equals(OLE_MAGIC) || /\.(xlsx?|xlsm|ods|numbers)$/i.test(file.filename)) {
    throw new FileProblem(issue('sheet_type', { column: 'file' }));
  }
  // A text file has no NUL bytes (UTF-16 is recognised by its BOM).
  const utf16 = (data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff);
  if (!utf16 && data.subarray(0, 8192).includes(0)) throw new FileProblem(issue('sheet_type', { column: 'file' }));
  return { format: 'csv', sheetName: null, lines: parseCsv(decodeText(data).replace(/^\uFEFF/, '')) };
}

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

interface ZipEntryInfo {
  name: string;
  size: number;
  directory: boolean;
  entry: yauzl.Entry;
}

function openZip(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(data, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip),
    ),
  );
}

/** Lists the central directory, refusing too many entries or too many inflated bytes. */
async function scanZip(
  data: Buffer,
  limits: Limits,
  unreadable: ImportIssueCode,
  tooLarge: ImportIssueCode,
): Promise<{ zip: yauzl.ZipFile; entries: ZipEntryInfo[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(data);
  } catch {
    throw new FileProblem(issue(unreadable, { column: 'file' }));
  }
  if (zip.entryCount > limits.zipEntries) {
    zip.close();
    throw new FileProblem(issue('zip_too_many_entries', { column: 'file' }, { max: limits.zipEntries }));
  }
  const entries: ZipEntryInfo[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        total += entry.uncompressedSize;
        entries.push({ name: entry.fileName, size: entry.uncompressedSize, directory: entry.fileName.endsWith('/'), entry });
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  } catch {
    zip.close();
    throw new FileProblem(issue(unreadable, { column: 'file' }));
  }
  if (total > limits.unzippedBytes) {
    zip.close();
    throw new FileProblem(issue(tooLarge, { column: 'file' }, { max: limits.unzippedBytes }));
  }
  return { zip, entries };
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) stream.destroy(new Error('entry larger than declared'));
        else chunks.push(chunk);
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}

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
  const { zip, entries } = await scanZip(data, limits, 'zip_unreadable', 'zip_too_large');
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
      sheet = await parseSheet(files.sheet, limits);
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
