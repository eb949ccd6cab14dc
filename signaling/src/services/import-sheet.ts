/**
 * The sheet reader of a candidate import, without trusting the file: CSV (encoding and
 * delimiter guessed) or XLSX, whose zip is checked first (import-zip.ts) before exceljs sees
 * the workbook. Runs inside the import's worker thread (sheet-worker.ts), so even a file
 * that slips through costs that thread, not the node.
 */
import ExcelJS from 'exceljs';
import { ADMIN_UPLOAD_LIMITS } from '../contract/api/admin.ts';
import { FileProblem, issue, type Limits, type UploadedFile } from './import-issues.ts';
import { inflateWithinCaps, scanZip } from './import-zip.ts';

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
