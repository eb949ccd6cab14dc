/**
 * The administration contract's shared rules: upload and page limits, the value sets it
 * names, field checks (names, IIN, e-mail, time zone; the UI's forms use the same), the
 * zod field wrappers every admin input is built from, and the list query. admin.ts
 * re-exports all of it.
 */
import { z } from 'zod';
import { DEFAULT_VIOLATION_WEIGHTS, LOCALES, TECHNICAL_VIOLATION_TYPES, VIOLATION_TYPES, type ViolationType } from '@proctor/values';

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

/** The zod field wrappers above, for the entity contracts (admin-*.ts) and other contracts that take the same fields (v1.ts). */
export const adminFieldRules = { name, iin, optionalIin, requiredEmail, optionalEmail, timeZone, instant, weight, percent, password, isoDate } as const;

