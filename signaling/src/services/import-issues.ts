/**
 * The issues a candidate import reports (line, column, code, English message; the UI
 * translates the code), and what the file readers share: the uploaded file and the caps.
 */
import { ADMIN_UPLOAD_LIMITS, type ImportColumn, type ImportIssue, type ImportIssueCode } from '../contract/api/admin.ts';

export interface UploadedFile {
  /** As the browser sent it: only shown and logged, never used as a path. */
  filename: string;
  data: Buffer;
}

export type Limits = typeof ADMIN_UPLOAD_LIMITS;

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

/** A file-level failure: the analysis stops with this one issue. */
export class FileProblem extends Error {
  constructor(readonly issue: ImportIssue) {
    super(issue.message);
  }
}
