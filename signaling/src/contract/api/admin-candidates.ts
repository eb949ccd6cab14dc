/** Administration contract: candidates and their bulk import (sheet + photo zip). */
import { z } from 'zod';
import { adminFieldRules, type AdminPage } from './admin-fields.ts';

const { name, iin, optionalEmail } = adminFieldRules;

export const candidateInput = z
  .object({ fullName: name, iin, groupId: z.uuid().nullable(), email: optionalEmail })
  .strict();
export type CandidateInput = z.input<typeof candidateInput>;

export interface AdminCandidate {
  id: string;
  /** A pseudonym once erased. */
  fullName: string;
  /** null once erased. */
  iin: string | null;
  groupId: string | null;
  groupName: string | null;
  email: string | null;
  /** GET this to show the photo (admins only); null without a photo. Changes when it changes. */
  photoUrl: string | null;
  archivedAt: string | null;
  createdAt: string;
  /** When the candidate's personal data was erased (see privacy routes); null otherwise. */
  erasedAt: string | null;
}
export type AdminCandidatePage = AdminPage<AdminCandidate>;
export interface AdminCandidateResponse {
  candidate: AdminCandidate;
}

// ---------------------------------------------------------------------------------------
// Bulk import of candidates

/** Columns of the sheet, in their default order (a file without a header row uses it). */
export const IMPORT_COLUMNS = ['fullName', 'iin', 'group', 'email'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number] | 'photo' | 'file';

export type ImportIssueCode =
  // the files themselves
  | 'sheet_missing'
  | 'sheet_too_large'
  | 'sheet_type'
  | 'sheet_unreadable'
  | 'sheet_empty'
  | 'header_missing'
  | 'too_many_rows'
  | 'zip_too_large'
  | 'zip_unreadable'
  | 'zip_too_many_entries'
  // one cell
  | 'required'
  | 'too_long'
  | 'control_chars'
  | 'iin_format'
  | 'iin_date'
  | 'iin_checksum'
  | 'iin_duplicate'
  | 'email_invalid'
  | 'group_archived'
  // photos in the zip
  | 'photo_type'
  | 'photo_too_large'
  | 'photo_duplicate'
  | 'photo_unmatched'
  | 'photo_ignored';

export interface ImportIssue {
  /** Line of the sheet (1 = first line, the header if there is one); null for file-level problems. */
  line: number | null;
  /** Which column (or 'photo' / 'file'); null when the whole line is concerned. */
  column: ImportColumn | null;
  /** Column letter in a spreadsheet (A, B, …) when known. */
  cell: string | null;
  code: ImportIssueCode;
  /** Values for the message, e.g. `{ value, otherLine, file, max }`. */
  params: Record<string, string | number>;
  /** English explanation (the UI translates `code` instead). */
  message: string;
}

export interface ImportPreviewRow {
  line: number;
  fullName: string;
  iin: string;
  group: string;
  email: string | null;
  /** 'invalid' when the line has errors. */
  action: 'create' | 'update' | 'invalid';
  groupIsNew: boolean;
  /** A photo for this IIN is in the zip. */
  photo: boolean;
}

export interface ImportPreview {
  format: 'csv' | 'xlsx';
  /** The worksheet read from an XLSX (the first one). */
  sheetName: string | null;
  /** True when there are no errors (warnings do not block). */
  valid: boolean;
  rows: ImportPreviewRow[];
  /** The first MAX listed errors (see errorsTotal), ordered by line. */
  errors: ImportIssue[];
  errorsTotal: number;
  warnings: ImportIssue[];
  summary: { rows: number; create: number; update: number; newGroups: string[]; photos: number };
}

export interface ImportResult {
  created: number;
  updated: number;
  groupsCreated: number;
  photos: number;
}

/** Body of a refused import (400): nothing was imported. */
export interface ImportRejected {
  error: { code: 'bad_request'; message: string };
  issues: ImportIssue[];
  errorsTotal: number;
}
