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
import type { AdminFieldReason } from './admin-fields.ts';
import { adminListQuery, adminExamListQuery, adminCandidateListQuery, adminUserListQuery } from './admin-fields.ts';
import { namedInput } from './admin-catalog.ts';
import { examInput, examProctorsInput } from './admin-exams.ts';
import { candidateInput, type ImportIssue } from './admin-candidates.ts';
import { newUserInput, passwordChoice, userInput } from './admin-users.ts';

// One file per entity family; this one names the routes and re-exports them all.
export * from './admin-fields.ts';
export * from './admin-catalog.ts';
export * from './admin-exams.ts';
export * from './admin-candidates.ts';
export * from './admin-users.ts';

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

