/**
 * Reading the files of a candidate import, without trusting them: a CSV or XLSX sheet, and
 * zips (an XLSX is one, the photo archive another). Zips are checked from their central
 * directory (entry count, declared sizes) and then inflated entry by entry under the same
 * caps, with yauzl checking that no entry inflates beyond what it declares ("lying sizes");
 * only then does exceljs see the workbook. Runs inside the import's worker thread
 * (sheet-worker.ts), so even a file that slips through costs that thread, not the node.
 */
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { ADMIN_UPLOAD_LIMITS, type ImportColumn, type ImportIssue, type ImportIssueCode } from '../contract/api/admin.ts';

export interface UploadedFile {
  /** As the browser sent it: only shown and logged, never used as a path. */
  filename: string;
  data: Buffer;
}

export type Limits = typeof ADMIN_UPLOAD_LIMITS;

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

export function issue(
  code: ImportIssueCode,
  at: { line?: number | null; column?: ImportColumn | null; cell?: string | null } = {},
  params: Record<string, string | number> = {},
): ImportIssue {
  return { line: at.line ?? null, column: at.column ?? null, cell: at.cell ?? null, code, params, message: MESSAGES[code](params) };
}

export class FileProblem extends Error {
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

export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
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

/**
 * Inflates every entry (discarding the bytes): yauzl fails an entry that inflates beyond its
 * declared size, and the total stays under `maxBytes`, so a zip whose central directory lies
 * is caught here at a bounded cost, before a parser that believes it.
 */
async function inflateWithinCaps(zip: yauzl.ZipFile, entries: ZipEntryInfo[], maxBytes: number): Promise<void> {
  let total = 0;
  for (const { entry, directory } of entries) {
    if (directory) continue;
    await new Promise<void>((resolve, reject) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no stream'));
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) stream.destroy(new Error('inflates beyond the cap'));
        });
        stream.on('end', resolve);
        stream.on('error', reject);
      });
    });
  }
}

async function parseXlsx(data: Buffer, limits: Limits): Promise<ParsedSheet> {
  // An .xlsx is a zip: refuse bombs (declared or lying sizes) before exceljs inflates it.
  const caps = { entries: limits.sheetEntries, bytes: limits.sheetUnzippedBytes };
  const { zip, entries } = await scanZip(data, caps, 'sheet_unreadable', 'sheet_too_large');
  try {
    await inflateWithinCaps(zip, entries, caps.bytes);
  } catch {
    throw new FileProblem(issue('sheet_too_large', { column: 'file' }, { max: caps.bytes }));
  } finally {
    zip.close();
  }
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
// Reading the photo zip

export interface ZipEntryInfo {
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

/** How much a zip may hold: entries, and bytes once inflated. */
export interface ZipCaps {
  entries: number;
  bytes: number;
}

/** Lists the central directory, refusing too many entries or too many inflated bytes. */
export async function scanZip(
  data: Buffer,
  caps: ZipCaps,
  unreadable: ImportIssueCode,
  tooLarge: ImportIssueCode,
): Promise<{ zip: yauzl.ZipFile; entries: ZipEntryInfo[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(data);
  } catch {
    throw new FileProblem(issue(unreadable, { column: 'file' }));
  }
  if (zip.entryCount > caps.entries) {
    zip.close();
    throw new FileProblem(issue('zip_too_many_entries', { column: 'file' }, { max: caps.entries }));
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
  if (total > caps.bytes) {
    zip.close();
    throw new FileProblem(issue(tooLarge, { column: 'file' }, { max: caps.bytes }));
  }
  return { zip, entries };
}

export function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer> {
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

