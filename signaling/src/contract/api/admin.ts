/**
 * Administration HTTP API: exams, groups, disciplines, candidates (with reference photos and
 * bulk import) and staff accounts. Typed once for the server (validation) and the web UI
 * (requests, response types, the same field rules for form validation). Every route needs a
 * signed-in admin (403 for proctors).
 *
 * JSON routes follow the usual CSRF rule (same origin, JSON body). The three upload routes
 * (candidate photo, import preview, import) take `multipart/form-data` instead, still only
 * from our own origin, with the size limits in `ADMIN_UPLOAD_LIMITS`.
 *
 * Errors are the usual `{ error: { code, message } }`; a rejected field adds `field` and
 * `reason` (an `AdminFieldReason`) so the UI can say what is wrong in its own language, and
 * a rejected import adds `issues` (every problem of every line).
 */
import { z } from 'zod';
import { DEFAULT_VIOLATION_WEIGHTS, LOCALES, type Locale, TECHNICAL_VIOLATION_TYPES, VIOLATION_TYPES, type ViolationType } from '@proctor/values';
import { assessmentFields, type AssessmentCheckView, type AssessmentModeName } from './assessment.ts';
import { mediaProfileId } from '../media.ts';
import type { MediaProfileId } from '@proctor/values';

// ---------------------------------------------------------------------------------------
// Limits

const MiB = 1024 * 1024;

export const ADMIN_UPLOAD_LIMITS = {
  /** CSV or XLSX candidate list. */
  sheetBytes: 5 * MiB,
  /** Zip of reference photos. */
  zipBytes: 50 * MiB,
  /** One reference photo (uploaded alone or inside the zip, uncompressed). */
  photoBytes: 5 * MiB,
  /** Data lines of one import. */
  importRows: 10_000,
  /** Entries of the photo zip (files and folders). */
  zipEntries: 20_000,
  /** Everything inside the photo zip (zip bombs are refused before inflating). */
  unzippedBytes: 300 * MiB,
  /** Parts of an XLSX workbook (a real one has a few dozen). */
  sheetEntries: 1000,
  /** Everything inside an XLSX, inflated (far above what 10 000 rows of four columns need). */
  sheetUnzippedBytes: 64 * MiB,
} as const;

export const ADMIN_DEFAULT_PAGE_SIZE = 25;
export const ADMIN_MAX_PAGE_SIZE = 100;
export const NAME_MAX = 200;
export const EMAIL_MAX = 254;

// ---------------------------------------------------------------------------------------
// Shared value rules (also used by the UI's forms)

// The sets themselves live once in @proctor/values (browser-safe; the web bundle must not
// import @proctor/db); these names are the contract's view of them.
export const ADMIN_VIOLATION_TYPES = VIOLATION_TYPES;
export type AdminViolationType = ViolationType;

/** Technical violations count towards honesty only when the exam says so (countTechnical). */
export const ADMIN_TECHNICAL_VIOLATIONS: readonly AdminViolationType[] = TECHNICAL_VIOLATION_TYPES;

/** A new exam's weights (the database default). */
export const ADMIN_DEFAULT_WEIGHTS: Record<AdminViolationType, number> = DEFAULT_VIOLATION_WEIGHTS;

/** Largest weight an exam may set (weights multiply the share of session time). */
export const ADMIN_WEIGHT_MAX = 10;

export const proctoringModes = ['online', 'offline', 'ai'] as const;
export const adminProctoringMode = z.enum(proctoringModes);
export type AdminProctoringMode = z.infer<typeof adminProctoringMode>;

export const adminLocale = z.enum(LOCALES);
export const adminRole = z.enum(['admin', 'proctor']);
export type AdminRole = z.infer<typeof adminRole>;

/** Why a field was refused; the UI has a message for each. */
export type AdminFieldReason =
  | 'required'
  | 'too_long'
  | 'control_chars'
  | 'iin_format'
  | 'iin_date'
  | 'iin_checksum'
  | 'email_invalid'
  | 'time_zone'
  | 'ends_before_starts'
  | 'password_short'
  | 'taken'
  | 'not_found'
  | 'archived'
  | 'not_proctor'
  | 'self'
  | 'too_large'
  | 'invalid'
  // #10: assessment, return and JWKS addresses; sign-on secrets
  | 'url_invalid'
  | 'url_scheme'
  | 'secret_short';

// C0/C1 controls, DEL, and the line/paragraph separators; tabs and newlines included.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Trims and collapses runs of spaces: the form in which names are stored and compared. */
export function normalizeName(value: string): string {
  return value.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Why a (normalized) name is not acceptable, or undefined. Any other text is stored verbatim. */
export function nameProblem(value: string, max = NAME_MAX): AdminFieldReason | undefined {
  if (value === '') return 'required';
  if (CONTROL.test(value)) return 'control_chars';
  if ([...value].length > max) return 'too_long';
  return undefined;
}

/**
 * Kazakhstan IIN: YYMMDD, a century/sex digit (1–6), a 4-digit serial and a check digit
 * (weights 1..11, then 3..11,1,2 if the first sum gives 10; 10 again = never issued).
 */
export function iinProblem(iin: string): 'iin_format' | 'iin_date' | 'iin_checksum' | undefined {
  if (!/^[0-9]{12}$/.test(iin)) return 'iin_format';
  const d = [...iin].map(Number);
  const month = d[2]! * 10 + d[3]!;
  const day = d[4]! * 10 + d[5]!;
  if (month < 1 || month > 12 || day < 1 || day > 31 || d[6]! < 1 || d[6]! > 6) return 'iin_date';
  const century = d[6]! <= 2 ? 1800 : d[6]! <= 4 ? 1900 : 2000;
  const year = century + d[0]! * 10 + d[1]!;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return 'iin_date';
  const sum = (weights: number[]) => weights.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
  let check = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (check === 10) check = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  if (check === 10 || check !== d[11]) return 'iin_checksum';
  return undefined;
}

// Deliberately simple (one @, a dot in the domain, no spaces); the mail server has the last word.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailProblem(value: string): 'email_invalid' | 'too_long' | undefined {
  if (value.length > EMAIL_MAX) return 'too_long';
  return EMAIL.test(value) ? undefined : 'email_invalid';
}

export function isTimeZone(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const PASSWORD_MIN = 8;

// zod wrappers that report an AdminFieldReason as the issue message.
const name = z
  .string()
  .transform(normalizeName)
  .superRefine((v, ctx) => {
    const problem = nameProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const iin = z
  .string()
  .transform((v) => v.replace(/\s+/g, ''))
  .superRefine((v, ctx) => {
    const problem = iinProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const optionalIin = z
  .string()
  .nullish()
  .transform((v) => (v ? v.replace(/\s+/g, '') : null))
  .superRefine((v, ctx) => {
    const problem = v === null ? undefined : iinProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const requiredEmail = z
  .string()
  .transform((v) => v.trim())
  .superRefine((v, ctx) => {
    const problem = v === '' ? 'required' : emailProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const optionalEmail = z
  .string()
  .nullish()
  .transform((v) => (v?.trim() ? v.trim() : null))
  .superRefine((v, ctx) => {
    const problem = v === null ? undefined : emailProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const timeZone = z.string().refine(isTimeZone, { message: 'time_zone' });
const instant = z.iso.datetime({ offset: true, message: 'invalid' }).transform((s) => new Date(s));
// A multiplier of the share of session time (honesty.ts in @proctor/db), in steps of 0.1.
const weight = z.number().min(0).max(ADMIN_WEIGHT_MAX).refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, { message: 'weight' });
const percent = z.number().int().min(0).max(100);
const password = z.string().min(PASSWORD_MIN, { message: 'password_short' }).max(256, { message: 'too_long' });

// ---------------------------------------------------------------------------------------
// Lists

export const archivedFilter = z.enum(['active', 'archived', 'all']);
export type ArchivedFilter = z.infer<typeof archivedFilter>;

const listQueryFields = {
  search: z
    .string()
    .max(200)
    .transform((s) => normalizeName(s.replace(CONTROL, ' ')))
    .optional(),
  archived: archivedFilter.default('active'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(ADMIN_MAX_PAGE_SIZE).default(ADMIN_DEFAULT_PAGE_SIZE),
};

export const adminListQuery = z.object(listQueryFields).strict();
export type AdminListQuery = z.input<typeof adminListQuery>;
export const adminExamListQuery = z.object({ ...listQueryFields, disciplineId: z.uuid().optional() }).strict();
export type AdminExamListQuery = z.input<typeof adminExamListQuery>;
export const adminCandidateListQuery = z.object({ ...listQueryFields, groupId: z.uuid().optional() }).strict();
export type AdminCandidateListQuery = z.input<typeof adminCandidateListQuery>;
export const adminUserListQuery = z.object({ ...listQueryFields, role: adminRole.optional() }).strict();
export type AdminUserListQuery = z.input<typeof adminUserListQuery>;

export interface AdminPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

const isoDate = z.string(); // ISO 8601 instants in responses

// ---------------------------------------------------------------------------------------
// Disciplines and groups

export const namedInput = z.object({ name }).strict();
export type NamedInput = z.input<typeof namedInput>;

export const adminDiscipline = z.object({ id: z.uuid(), name: z.string(), archivedAt: isoDate.nullable(), examCount: z.number() });
export type AdminDiscipline = z.infer<typeof adminDiscipline>;
export type AdminDisciplinePage = AdminPage<AdminDiscipline>;

export const adminGroup = z.object({ id: z.uuid(), name: z.string(), archivedAt: isoDate.nullable(), candidateCount: z.number() });
export type AdminGroup = z.infer<typeof adminGroup>;
export type AdminGroupPage = AdminPage<AdminGroup>;

// ---------------------------------------------------------------------------------------
// Exams

export const weightsInput = z
  .object(Object.fromEntries(ADMIN_VIOLATION_TYPES.map((t) => [t, weight])) as Record<AdminViolationType, typeof weight>)
  .strict();
export type AdminViolationWeights = Record<AdminViolationType, number>;

/** Days after the exam's end; null = kept until erased (see the privacy routes). */
const retentionDays = z.number().int().min(1).max(3650).nullable();
/** What the exam keeps and for how long; the consent page states it, the retention job enforces it. */
export const retentionInput = z
  .object({ recordings: retentionDays, snapshots: retentionDays, photos: retentionDays, violations: retentionDays })
  .strict();
export type ExamRetentionInput = z.infer<typeof retentionInput>;
export const RETENTION_KINDS = ['recordings', 'snapshots', 'photos', 'violations'] as const;
/** What a new exam keeps (the database's column defaults, migration 0016; a test keeps them equal). */
export const ADMIN_DEFAULT_RETENTION: ExamRetentionInput = { recordings: 180, snapshots: 180, photos: 180, violations: 365 };

export const examInput = z
  .object({
    name,
    disciplineId: z.uuid({ message: 'required' }),
    startsAt: instant,
    endsAt: instant,
    timeZone,
    proctoringMode: adminProctoringMode,
    violationWeights: weightsInput,
    honestyThreshold: percent,
    countTechnical: z.boolean(),
    /** Omitted: unchanged (new exams get the defaults). */
    retention: retentionInput.optional(),
    ...assessmentFields,
    /** #11: what candidates' pages send; omitted: unchanged (new exams get DEFAULT_MEDIA_PROFILE). */
    mediaProfile: mediaProfileId.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.endsAt.getTime() <= v.startsAt.getTime()) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'ends_before_starts' });
  });
export type ExamInput = z.input<typeof examInput>;

export interface AdminExamListItem {
  id: string;
  name: string;
  disciplineId: string;
  disciplineName: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  proctoringMode: AdminProctoringMode;
  archivedAt: string | null;
  proctorCount: number;
  sessionCount: number;
}
export type AdminExamPage = AdminPage<AdminExamListItem>;

export interface AdminProctorRef {
  id: string;
  fullName: string;
  email: string;
  archived: boolean;
}

export interface AdminExam extends AdminExamListItem {
  violationWeights: AdminViolationWeights;
  honestyThreshold: number;
  countTechnical: boolean;
  retention: ExamRetentionInput;
  proctors: AdminProctorRef[];
  /** The test the exam opens (#10); null = none. */
  assessmentUrl: string | null;
  assessmentMode: AssessmentModeName;
  /** What the server found at that URL when it was last saved or re-checked. */
  assessmentCheck: AssessmentCheckView | null;
  /** #11: what candidates' pages send (MEDIA_PROFILES in @proctor/values). */
  mediaProfile: MediaProfileId;
}
export interface AdminExamResponse {
  exam: AdminExam;
}

export const examProctorsInput = z.object({ userIds: z.array(z.uuid()).max(500) }).strict();
export type ExamProctorsInput = z.infer<typeof examProctorsInput>;

// ---------------------------------------------------------------------------------------
// Candidates

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
// Staff accounts

/** How a new account gets its password: typed by the admin, or set by the user from an e-mailed link. */
export const passwordChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('set'), password }).strict(),
  z.object({ kind: z.literal('email') }).strict(),
]);
export type PasswordChoice = z.infer<typeof passwordChoice>;

const userFields = { email: requiredEmail, fullName: name, iin: optionalIin, role: adminRole, locale: adminLocale };
export const userInput = z.object(userFields).strict();
export type UserInput = z.input<typeof userInput>;
export const newUserInput = z.object({ ...userFields, password: passwordChoice }).strict();
export type NewUserInput = z.input<typeof newUserInput>;

export interface AdminUser {
  id: string;
  email: string;
  fullName: string;
  iin: string | null;
  role: AdminRole;
  locale: Locale;
  hasPassword: boolean;
  examCount: number;
  archivedAt: string | null;
  createdAt: string;
}
export type AdminUserPage = AdminPage<AdminUser>;
export interface AdminUserResponse {
  user: AdminUser;
  /** Set when a set-password e-mail was requested (it is sent in the background). */
  passwordMailQueued?: boolean;
}

/** Choices for the forms' drop-downs: live records only. */
export interface AdminOptions {
  disciplines: { id: string; name: string }[];
  groups: { id: string; name: string }[];
  proctors: { id: string; fullName: string; email: string }[];
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

/** Error body of the admin routes: the usual one, plus what the UI needs to point at a field. */
export interface AdminErrorBody {
  error: { code: string; message: string; field?: string; reason?: AdminFieldReason };
  issues?: ImportIssue[];
  errorsTotal?: number;
}

// ---------------------------------------------------------------------------------------
// Routes

const A = '/api/admin';

/** Every admin route: method, path (`:id` = uuid), body schema (null = none), query schema. */
export const adminApi = {
  options: { method: 'GET', path: `${A}/options` },

  listDisciplines: { method: 'GET', path: `${A}/disciplines`, query: adminListQuery },
  createDiscipline: { method: 'POST', path: `${A}/disciplines`, body: namedInput },
  updateDiscipline: { method: 'PUT', path: `${A}/disciplines/:id`, body: namedInput },
  archiveDiscipline: { method: 'POST', path: `${A}/disciplines/:id/archive`, body: null },
  unarchiveDiscipline: { method: 'POST', path: `${A}/disciplines/:id/unarchive`, body: null },

  listGroups: { method: 'GET', path: `${A}/groups`, query: adminListQuery },
  createGroup: { method: 'POST', path: `${A}/groups`, body: namedInput },
  updateGroup: { method: 'PUT', path: `${A}/groups/:id`, body: namedInput },
  archiveGroup: { method: 'POST', path: `${A}/groups/:id/archive`, body: null },
  unarchiveGroup: { method: 'POST', path: `${A}/groups/:id/unarchive`, body: null },

  listExams: { method: 'GET', path: `${A}/exams`, query: adminExamListQuery },
  getExam: { method: 'GET', path: `${A}/exams/:id` },
  createExam: { method: 'POST', path: `${A}/exams`, body: examInput },
  updateExam: { method: 'PUT', path: `${A}/exams/:id`, body: examInput },
  archiveExam: { method: 'POST', path: `${A}/exams/:id/archive`, body: null },
  unarchiveExam: { method: 'POST', path: `${A}/exams/:id/unarchive`, body: null },
  /** Replaces the exam's proctors with exactly these users (role proctor, not archived). */
  setExamProctors: { method: 'PUT', path: `${A}/exams/:id/proctors`, body: examProctorsInput },

  listCandidates: { method: 'GET', path: `${A}/candidates`, query: adminCandidateListQuery },
  getCandidate: { method: 'GET', path: `${A}/candidates/:id` },
  createCandidate: { method: 'POST', path: `${A}/candidates`, body: candidateInput },
  updateCandidate: { method: 'PUT', path: `${A}/candidates/:id`, body: candidateInput },
  archiveCandidate: { method: 'POST', path: `${A}/candidates/:id/archive`, body: null },
  unarchiveCandidate: { method: 'POST', path: `${A}/candidates/:id/unarchive`, body: null },
  /** The reference photo (image/jpeg or image/png). */
  getCandidatePhoto: { method: 'GET', path: `${A}/candidates/:id/photo` },
  /** multipart/form-data, one file field `photo` (JPEG or PNG, ≤ photoBytes). */
  setCandidatePhoto: { method: 'PUT', path: `${A}/candidates/:id/photo`, body: 'multipart' },
  deleteCandidatePhoto: { method: 'DELETE', path: `${A}/candidates/:id/photo`, body: null },
  /** multipart/form-data: file `sheet` (CSV/XLSX), optional file `photos` (zip). Imports nothing. */
  previewImport: { method: 'POST', path: `${A}/candidates/import/preview`, body: 'multipart' },
  /** Same form; imports every line in one transaction, or nothing (400 with `issues`). */
  importCandidates: { method: 'POST', path: `${A}/candidates/import`, body: 'multipart' },

  listUsers: { method: 'GET', path: `${A}/users`, query: adminUserListQuery },
  getUser: { method: 'GET', path: `${A}/users/:id` },
  createUser: { method: 'POST', path: `${A}/users`, body: newUserInput },
  updateUser: { method: 'PUT', path: `${A}/users/:id`, body: userInput },
  /** Sets a password, or e-mails a set-password link (the password-reset flow). */
  setUserPassword: { method: 'POST', path: `${A}/users/:id/password`, body: passwordChoice },
  archiveUser: { method: 'POST', path: `${A}/users/:id/archive`, body: null },
  unarchiveUser: { method: 'POST', path: `${A}/users/:id/unarchive`, body: null },
} as const;

/** `/api/admin/exams/:id` → `/api/admin/exams/<id>`. */
export function adminPath(path: string, id: string): string {
  return path.replace(':id', encodeURIComponent(id));
}

/** The field rules above, for other contracts that take the same fields (contract/api/v1.ts). */
export const adminFieldRules = { name, iin, optionalEmail, timeZone, instant, percent, weight } as const;
