/**
 * Administration: exams, groups, disciplines, candidates (with reference photos) and staff
 * accounts. HTTP-free (routes/admin*.routes.ts map requests onto it); the bulk import is in
 * admin-import.service.ts.
 *
 * Every change runs in one transaction with its `action_log` entry (`admin.<thing>.<verb>`,
 * with what changed), so there is no change without its audit record and vice versa.
 * Records are archived, never deleted: past exam sessions keep referring to them.
 */
import type { Kysely } from 'kysely';
import {
  appendAction,
  clearLoginFailures,
  createCandidate,
  createDiscipline,
  createExam,
  createGroup,
  createUser,
  deleteUserSessionsOfUser,
  getCandidateWithGroup,
  getDiscipline,
  getExam,
  examRetention,
  getGroup,
  getUserById,
  getUserListItem,
  getUsersByIds,
  inTransaction,
  listActiveDisciplineNames,
  listActiveGroupNames,
  listActiveProctors,
  listCandidates,
  listDisciplines,
  listExamProctors,
  listExamsForAdmin,
  listGroups,
  listUsers,
  renameDiscipline,
  renameGroup,
  setCandidateArchived,
  setCandidatePhotoPath,
  setDisciplineArchived,
  setExamArchived,
  setAssessmentCheck,
  setExamProctors,
  setGroupArchived,
  setUserArchived,
  setUserPasswordHash,
  updateCandidate,
  updateExam,
  updateUser,
  DEFAULT_VIOLATION_WEIGHTS,
  type AdminExamListItem as DbExamListItem,
  type CandidateListItem,
  type AssessmentCheck,
  type DB,
  type Exam,
  type UserListItem,
} from '@proctor/db';
import {
  ADMIN_VIOLATION_TYPES,
  ADMIN_UPLOAD_LIMITS,
  adminApi,
  adminPath,
  type AdminCandidate,
  type AdminCandidatePage,
  type AdminDiscipline,
  type AdminDisciplinePage,
  type AdminExam,
  type AdminExamListItem,
  type AdminExamPage,
  type AdminFieldReason,
  type AdminGroup,
  type AdminGroupPage,
  type AdminOptions,
  type AdminUser,
  type AdminUserPage,
  type AdminUserResponse,
  type AdminViolationWeights,
  type candidateInput,
  type examInput,
  type newUserInput,
  type PasswordChoice,
  type userInput,
  type adminCandidateListQuery,
  type adminExamListQuery,
  type adminListQuery,
  type adminUserListQuery,
} from '../contract/api/admin.ts';
import type { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { ApiErrorCode } from '../contract/api/error.ts';
import { hashPassword, type AuthService, type ClientInfo, type SessionUser } from './auth.service.ts';
import type { HonestyService } from './honesty.service.ts';
import { photoVersion, sniffImage, type PhotoStore } from './admin-photo.service.ts';
import type { FramingChecker } from './framing-check.service.ts';

/** A 4xx naming the field at fault, so the UI can put the message next to it. */
export class AdminFieldError extends HttpError {
  constructor(
    statusCode: number,
    code: ApiErrorCode,
    message: string,
    readonly field: string,
    readonly reason: AdminFieldReason,
  ) {
    super(statusCode, code, message);
  }
}

const notFound = (what: string) => new HttpError(404, 'not_found', `There is no such ${what}.`);
const taken = (field: string, message: string) => new AdminFieldError(409, 'conflict', message, field, 'taken');

/** PostgreSQL unique violation (23505) on the given table's constraint. */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === constraint;
}

type ListQuery = z.output<typeof adminListQuery>;
type ExamListQuery = z.output<typeof adminExamListQuery>;
type CandidateListQuery = z.output<typeof adminCandidateListQuery>;
type UserListQuery = z.output<typeof adminUserListQuery>;
type ExamInput = z.output<typeof examInput>;
type CandidateInput = z.output<typeof candidateInput>;
type UserInput = z.output<typeof userInput>;
type NewUserInput = z.output<typeof newUserInput>;

const paging = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `{ field: { from, to } }` for the fields that differ (for the audit log). */
function changes(before: object, after: object): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(after)) {
    const from = (before as Record<string, unknown>)[key];
    const same = from instanceof Date && to instanceof Date ? from.getTime() === to.getTime() : JSON.stringify(from) === JSON.stringify(to);
    if (!same) out[key] = { from, to };
  }
  return out;
}

function toWeights(stored: Exam['violationWeights']): AdminViolationWeights {
  const out = {} as AdminViolationWeights;
  for (const type of ADMIN_VIOLATION_TYPES) out[type] = stored?.[type] ?? DEFAULT_VIOLATION_WEIGHTS[type];
  return out;
}

function toExamListItem(r: DbExamListItem): AdminExamListItem {
  return {
    id: r.id,
    name: r.name,
    disciplineId: r.disciplineId,
    disciplineName: r.disciplineName,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    timeZone: r.timeZone,
    proctoringMode: r.proctoringMode,
    archivedAt: iso(r.archivedAt),
    proctorCount: r.proctorCount,
    sessionCount: r.sessionCount,
  };
}

/** An erased record stays a pseudonym: it is never given personal data again (add the person anew). */
const erased = () => new HttpError(409, 'conflict', "This candidate's personal data was erased; the record cannot be edited. Add the person as a new candidate.");

function toCandidate(r: CandidateListItem): AdminCandidate {
  return {
    id: r.id,
    fullName: r.fullName,
    iin: r.iin,
    groupId: r.groupId,
    groupName: r.groupName,
    email: r.email,
    photoUrl: r.referencePhotoPath ? `${adminPath(adminApi.getCandidatePhoto.path, r.id)}?v=${photoVersion(r.referencePhotoPath)}` : null,
    archivedAt: iso(r.archivedAt),
    createdAt: r.createdAt.toISOString(),
    erasedAt: iso(r.erasedAt),
  };
}

function toUser(r: UserListItem): AdminUser {
  return {
    id: r.id,
    email: r.email,
    fullName: r.fullName,
    iin: r.iin,
    role: r.role,
    locale: r.locale,
    hasPassword: r.hasPassword,
    examCount: r.examCount,
    archivedAt: iso(r.archivedAt),
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * Who an audit entry names: a signed-in user, or an API key's integration (id null, the
 * key's name as the actor's name; contract/api/v1.ts).
 */
export interface AuditActor {
  id: string | null;
  fullName: string;
  iin: string | null;
}

export interface AdminServiceDeps {
  db: Kysely<DB>;
  auth: AuthService;
  photos: PhotoStore;
  /** Where notable events go (the app's logger). */
  log: { info(obj: object, msg: string): void };
  now?: () => Date;
  /** Told when an exam's scoring (weights, countTechnical) changed, to recompute its sessions' honesty. */
  honesty?: Pick<HonestyService, 'scoringChanged'>;
  /** Reads a newly saved assessment URL's headers (may we frame it?); without it nothing is checked. */
  framing?: Pick<FramingChecker, 'check'>;
}

export class AdminService {
  readonly #deps: AdminServiceDeps;

  constructor(deps: AdminServiceDeps) {
    this.#deps = deps;
  }

  get photos(): PhotoStore {
    return this.#deps.photos;
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  async #log(db: Kysely<DB>, actor: AuditActor, action: string, details: Record<string, unknown>): Promise<void> {
    await appendAction(db, { actorUserId: actor.id, actorName: actor.fullName, actorIin: actor.iin, action, details, at: this.#now() });
  }

  async options(): Promise<AdminOptions> {
    const { db } = this.#deps;
    const [disciplines, groups, proctors] = await Promise.all([listActiveDisciplineNames(db), listActiveGroupNames(db), listActiveProctors(db)]);
    return { disciplines, groups, proctors };
  }

  // -------------------------------------------------------------------------------------
  // Disciplines

  async listDisciplines(q: ListQuery): Promise<AdminDisciplinePage> {
    const page = await listDisciplines(this.#deps.db, { search: q.search, archived: q.archived, ...paging(q) });
    return { items: page.rows.map((r): AdminDiscipline => ({ ...r, archivedAt: iso(r.archivedAt) })), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async createDiscipline(actor: SessionUser, name: string): Promise<AdminDiscipline> {
    try {
      return await inTransaction(this.#deps.db, async (trx) => {
        const id = await createDiscipline(trx, name);
        await this.#log(trx, actor, 'admin.discipline.created', { disciplineId: id, name });
        return { id, name, archivedAt: null, examCount: 0 };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'disciplines_name_key')) throw taken('name', 'A discipline with this name already exists.');
      throw err;
    }
  }

  async renameDiscipline(actor: SessionUser, id: string, name: string): Promise<void> {
    try {
      await inTransaction(this.#deps.db, async (trx) => {
        const before = await getDiscipline(trx, id);
        if (!before) throw notFound('discipline');
        if (before.name === name) return;
        await renameDiscipline(trx, id, name);
        await this.#log(trx, actor, 'admin.discipline.renamed', { disciplineId: id, from: before.name, to: name });
      });
    } catch (err) {
      if (isUniqueViolation(err, 'disciplines_name_key')) throw taken('name', 'A discipline with this name already exists.');
      throw err;
    }
  }

  async setDisciplineArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.#deps.db, async (trx) => {
      const before = await getDiscipline(trx, id);
      if (!before) throw notFound('discipline');
      if (Boolean(before.archivedAt) === archived) return;
      await setDisciplineArchived(trx, id, archived ? this.#now() : null);
      await this.#log(trx, actor, archived ? 'admin.discipline.archived' : 'admin.discipline.unarchived', { disciplineId: id, name: before.name });
    });
  }

  // -------------------------------------------------------------------------------------
  // Groups

  async listGroups(q: ListQuery): Promise<AdminGroupPage> {
    const page = await listGroups(this.#deps.db, { search: q.search, archived: q.archived, ...paging(q) });
    return { items: page.rows.map((r): AdminGroup => ({ ...r, archivedAt: iso(r.archivedAt) })), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async createGroup(actor: SessionUser, name: string): Promise<AdminGroup> {
    try {
      return await inTransaction(this.#deps.db, async (trx) => {
        const id = await createGroup(trx, name);
        await this.#log(trx, actor, 'admin.group.created', { groupId: id, name });
        return { id, name, archivedAt: null, candidateCount: 0 };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'groups_name_key')) throw taken('name', 'A group with this name already exists.');
      throw err;
    }
  }

  async renameGroup(actor: SessionUser, id: string, name: string): Promise<void> {
    try {
      await inTransaction(this.#deps.db, async (trx) => {
        const before = await getGroup(trx, id);
        if (!before) throw notFound('group');
        if (before.name === name) return;
        await renameGroup(trx, id, name);
        await this.#log(trx, actor, 'admin.group.renamed', { groupId: id, from: before.name, to: name });
      });
    } catch (err) {
      if (isUniqueViolation(err, 'groups_name_key')) throw taken('name', 'A group with this name already exists.');
      throw err;
    }
  }

  async setGroupArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.#deps.db, async (trx) => {
      const before = await getGroup(trx, id);
      if (!before) throw notFound('group');
      if (Boolean(before.archivedAt) === archived) return;
      await setGroupArchived(trx, id, archived ? this.#now() : null);
      await this.#log(trx, actor, archived ? 'admin.group.archived' : 'admin.group.unarchived', { groupId: id, name: before.name });
    });
  }

  // -------------------------------------------------------------------------------------
  // Exams

  async listExams(q: ExamListQuery): Promise<AdminExamPage> {
    const page = await listExamsForAdmin(this.#deps.db, { search: q.search, archived: q.archived, disciplineId: q.disciplineId, ...paging(q) });
    return { items: page.rows.map(toExamListItem), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async getExam(id: string, db: Kysely<DB> = this.#deps.db): Promise<AdminExam> {
    const exam = await getExam(db, id);
    if (!exam) throw notFound('exam');
    const [discipline, proctors, sessionCount] = await Promise.all([
      getDiscipline(db, exam.disciplineId),
      listExamProctors(db, id),
      this.#sessionCount(db, id),
    ]);
    return {
      id: exam.id,
      name: exam.name,
      disciplineId: exam.disciplineId,
      disciplineName: discipline?.name ?? '',
      startsAt: exam.startsAt.toISOString(),
      endsAt: exam.endsAt.toISOString(),
      timeZone: exam.timeZone,
      proctoringMode: exam.proctoringMode,
      archivedAt: iso(exam.archivedAt),
      proctorCount: proctors.length,
      sessionCount,
      violationWeights: toWeights(exam.violationWeights),
      honestyThreshold: exam.honestyThreshold,
      countTechnical: exam.countTechnical,
      retention: examRetention(exam),
      proctors: proctors.map((p) => ({ id: p.id, fullName: p.fullName, email: p.email, archived: p.archivedAt !== null })),
      assessmentUrl: exam.assessmentUrl,
      assessmentMode: exam.assessmentMode,
      assessmentCheck: exam.assessmentCheck,
    };
  }

  async #sessionCount(db: Kysely<DB>, examId: string): Promise<number> {
    const row = await db
      .selectFrom('examSessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('examId', '=', examId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async #checkDiscipline(db: Kysely<DB>, disciplineId: string, previous?: string): Promise<void> {
    const discipline = await getDiscipline(db, disciplineId);
    if (!discipline) throw new AdminFieldError(400, 'bad_request', 'There is no such discipline.', 'disciplineId', 'not_found');
    if (discipline.archivedAt && discipline.id !== previous) {
      throw new AdminFieldError(400, 'bad_request', 'This discipline is archived; restore it first.', 'disciplineId', 'archived');
    }
  }

  async createExam(actor: AuditActor, input: ExamInput): Promise<AdminExam> {
    // Before the transaction: reading the site's headers may take seconds.
    const check = await this.#framingCheck(input.assessmentUrl);
    return inTransaction(this.#deps.db, async (trx) => {
      await this.#checkDiscipline(trx, input.disciplineId);
      const id = await createExam(trx, input);
      if (check) await setAssessmentCheck(trx, id, check);
      await this.#log(trx, actor, 'admin.exam.created', { examId: id, ...input });
      return this.getExam(id, trx);
    });
  }

  /** The framing check of an assessment URL being saved (null: no URL or no checker). */
  async #framingCheck(url: string | null): Promise<AssessmentCheck | null> {
    if (!url || !this.#deps.framing) return null;
    return this.#deps.framing.check(url);
  }

  /** "Check again": reads the exam's assessment URL once more and stores what it found. */
  async recheckAssessment(actor: SessionUser, id: string): Promise<AssessmentCheck | null> {
    const exam = await getExam(this.#deps.db, id);
    if (!exam) throw notFound('exam');
    const check = await this.#framingCheck(exam.assessmentUrl);
    await inTransaction(this.#deps.db, async (trx) => {
      await setAssessmentCheck(trx, id, check);
      await this.#log(trx, actor, 'admin.exam.assessment_checked', { examId: id, url: exam.assessmentUrl, framing: check?.framing ?? null });
    });
    return check;
  }

  async updateExam(actor: AuditActor, id: string, input: ExamInput): Promise<AdminExam> {
    let rescored = false;
    // A changed URL is read once, before the transaction (it may take seconds).
    const stored = await getExam(this.#deps.db, id);
    const urlChanged = stored !== undefined && stored.assessmentUrl !== input.assessmentUrl;
    const check = urlChanged ? await this.#framingCheck(input.assessmentUrl) : undefined;
    const exam = await inTransaction(this.#deps.db, async (trx) => {
      const before = await getExam(trx, id);
      if (!before) throw notFound('exam');
      if (check !== undefined) await setAssessmentCheck(trx, id, check);
      await this.#checkDiscipline(trx, input.disciplineId, before.disciplineId);
      const diff = changes({ ...before, violationWeights: toWeights(before.violationWeights), retention: examRetention(before) }, input);
      if (Object.keys(diff).length > 0) {
        await updateExam(trx, id, input);
        await this.#log(trx, actor, 'admin.exam.updated', { examId: id, name: input.name, changes: diff });
      }
      rescored = 'violationWeights' in diff || 'countTechnical' in diff;
      return this.getExam(id, trx);
    });
    // After commit, so the recompute reads the new weights.
    if (rescored) await this.#deps.honesty?.scoringChanged(id, actor);
    return exam;
  }

  async setExamArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.#deps.db, async (trx) => {
      const before = await getExam(trx, id);
      if (!before) throw notFound('exam');
      if (Boolean(before.archivedAt) === archived) return;
      await setExamArchived(trx, id, archived ? this.#now() : null);
      await this.#log(trx, actor, archived ? 'admin.exam.archived' : 'admin.exam.unarchived', { examId: id, name: before.name });
    });
  }

  /**
   * Makes exactly these users the exam's proctors. Newly added ones must be live proctor
   * accounts; ones already assigned may stay even if archived since.
   */
  async setExamProctors(actor: SessionUser, id: string, userIds: string[]): Promise<AdminExam> {
    return inTransaction(this.#deps.db, async (trx) => {
      const exam = await getExam(trx, id);
      if (!exam) throw notFound('exam');
      const current = new Set((await listExamProctors(trx, id)).map((p) => p.id));
      const wanted = [...new Set(userIds)];
      const users = new Map((await getUsersByIds(trx, wanted)).map((u) => [u.id, u]));
      for (const userId of wanted) {
        if (current.has(userId)) continue;
        const user = users.get(userId);
        if (!user) throw new AdminFieldError(400, 'bad_request', `There is no user ${userId}.`, 'userIds', 'not_found');
        if (user.role !== 'proctor') throw new AdminFieldError(400, 'bad_request', `${user.email} is not a proctor.`, 'userIds', 'not_proctor');
        if (user.archivedAt) throw new AdminFieldError(400, 'bad_request', `${user.email} is archived.`, 'userIds', 'archived');
      }
      const { added, removed } = await setExamProctors(trx, id, wanted);
      if (added.length || removed.length) {
        await this.#log(trx, actor, 'admin.exam.proctors_changed', { examId: id, name: exam.name, added, removed });
      }
      return this.getExam(id, trx);
    });
  }

  // -------------------------------------------------------------------------------------
  // Candidates

  async listCandidates(q: CandidateListQuery): Promise<AdminCandidatePage> {
    const page = await listCandidates(this.#deps.db, { search: q.search, archived: q.archived, groupId: q.groupId, ...paging(q) });
    return { items: page.rows.map(toCandidate), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async getCandidate(id: string, db: Kysely<DB> = this.#deps.db): Promise<AdminCandidate> {
    const row = await getCandidateWithGroup(db, id);
    if (!row) throw notFound('candidate');
    return toCandidate(row);
  }

  async #checkGroup(db: Kysely<DB>, groupId: string | null, previous?: string | null): Promise<void> {
    if (groupId === null) return;
    const group = await getGroup(db, groupId);
    if (!group) throw new AdminFieldError(400, 'bad_request', 'There is no such group.', 'groupId', 'not_found');
    if (group.archivedAt && group.id !== previous) {
      throw new AdminFieldError(400, 'bad_request', 'This group is archived; restore it first.', 'groupId', 'archived');
    }
  }

  async createCandidate(actor: SessionUser, input: CandidateInput): Promise<AdminCandidate> {
    try {
      return await inTransaction(this.#deps.db, async (trx) => {
        await this.#checkGroup(trx, input.groupId);
        const id = await createCandidate(trx, input);
        await this.#log(trx, actor, 'admin.candidate.created', { candidateId: id, ...input });
        return this.getCandidate(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'candidates_iin_key')) throw taken('iin', 'A candidate with this IIN already exists.');
      throw err;
    }
  }

  async updateCandidate(actor: SessionUser, id: string, input: CandidateInput): Promise<AdminCandidate> {
    try {
      return await inTransaction(this.#deps.db, async (trx) => {
        const before = await getCandidateWithGroup(trx, id);
        if (!before) throw notFound('candidate');
        if (before.erasedAt) throw erased();
        await this.#checkGroup(trx, input.groupId, before.groupId);
        const diff = changes(before, input);
        if (Object.keys(diff).length > 0) {
          await updateCandidate(trx, id, input);
          await this.#log(trx, actor, 'admin.candidate.updated', { candidateId: id, iin: input.iin, changes: diff });
        }
        return this.getCandidate(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'candidates_iin_key')) throw taken('iin', 'A candidate with this IIN already exists.');
      throw err;
    }
  }

  async setCandidateArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.#deps.db, async (trx) => {
      const before = await getCandidateWithGroup(trx, id);
      if (!before) throw notFound('candidate');
      if (Boolean(before.archivedAt) === archived) return;
      await setCandidateArchived(trx, id, archived ? this.#now() : null);
      await this.#log(trx, actor, archived ? 'admin.candidate.archived' : 'admin.candidate.unarchived', {
        candidateId: id,
        fullName: before.fullName,
        iin: before.iin,
      });
    });
  }

  /** Stores a new reference photo (JPEG/PNG by its bytes) and removes the one it replaces. */
  async setCandidatePhoto(actor: SessionUser, id: string, data: Buffer): Promise<AdminCandidate> {
    const { db, photos } = this.#deps;
    if (data.length > ADMIN_UPLOAD_LIMITS.photoBytes) throw new HttpError(413, 'payload_too_large', 'The photo is too large.');
    const type = sniffImage(data);
    if (!type) throw new AdminFieldError(415, 'unsupported_media_type', 'The photo must be a JPEG or PNG image.', 'photo', 'invalid');
    const existing = await getCandidateWithGroup(db, id);
    if (!existing) throw notFound('candidate');
    if (existing.erasedAt) throw erased();
    const path = await photos.save(id, data, type);
    try {
      const { previous, candidate } = await inTransaction(db, async (trx) => {
        const previous = await setCandidatePhotoPath(trx, id, path);
        if (previous === undefined) throw notFound('candidate');
        await this.#log(trx, actor, 'admin.candidate.photo_set', { candidateId: id, type, bytes: data.length });
        return { previous, candidate: await this.getCandidate(id, trx) };
      });
      await photos.remove(previous);
      return candidate;
    } catch (err) {
      await photos.remove(path);
      throw err;
    }
  }

  async deleteCandidatePhoto(actor: SessionUser, id: string): Promise<AdminCandidate> {
    const { db, photos } = this.#deps;
    const { previous, candidate } = await inTransaction(db, async (trx) => {
      const previous = await setCandidatePhotoPath(trx, id, null);
      if (previous === undefined) throw notFound('candidate');
      if (previous) await this.#log(trx, actor, 'admin.candidate.photo_removed', { candidateId: id });
      return { previous, candidate: await this.getCandidate(id, trx) };
    });
    await photos.remove(previous);
    return candidate;
  }

  /** The stored photo's file and type, or 404. */
  async candidatePhotoFile(id: string): Promise<{ file: string; mime: string }> {
    const row = await getCandidateWithGroup(this.#deps.db, id);
    const file = this.#deps.photos.resolve(row?.referencePhotoPath);
    if (!row?.referencePhotoPath || !file) throw notFound('photo');
    return { file, mime: this.#deps.photos.mimeOf(row.referencePhotoPath) };
  }

  // -------------------------------------------------------------------------------------
  // Staff accounts

  async listUsers(q: UserListQuery): Promise<AdminUserPage> {
    const page = await listUsers(this.#deps.db, { search: q.search, archived: q.archived, role: q.role, ...paging(q) });
    return { items: page.rows.map(toUser), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async getUser(id: string, db: Kysely<DB> = this.#deps.db): Promise<AdminUser> {
    const row = await getUserListItem(db, id);
    if (!row) throw notFound('user');
    return toUser(row);
  }

  async createUser(actor: SessionUser, input: NewUserInput, client: ClientInfo): Promise<AdminUserResponse> {
    const { password, ...fields } = input;
    const passwordHash = password.kind === 'set' ? await hashPassword(password.password) : null;
    let user: AdminUser;
    try {
      user = await inTransaction(this.#deps.db, async (trx) => {
        const id = await createUser(trx, { ...fields, passwordHash });
        await this.#log(trx, actor, 'admin.user.created', { userId: id, ...fields, password: password.kind });
        return this.getUser(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) throw taken('email', 'An account with this e-mail already exists.');
      throw err;
    }
    if (password.kind === 'email') {
      await this.#deps.auth.requestPasswordReset(user.email, client);
      return { user, passwordMailQueued: true };
    }
    return { user };
  }

  async updateUser(actor: SessionUser, id: string, input: UserInput): Promise<AdminUser> {
    if (id === actor.id && input.role !== 'admin') {
      throw new AdminFieldError(400, 'bad_request', 'You cannot take the admin role from yourself.', 'role', 'self');
    }
    try {
      return await inTransaction(this.#deps.db, async (trx) => {
        const before = await getUserById(trx, id);
        if (!before) throw notFound('user');
        const diff = changes(before, input);
        if (Object.keys(diff).length > 0) {
          await updateUser(trx, id, input);
          // A demoted admin must not keep an admin session (the role is read per request, but
          // cutting sessions on role or e-mail changes is the expected outcome).
          if (diff.role || diff.email) await deleteUserSessionsOfUser(trx, id);
          await this.#log(trx, actor, 'admin.user.updated', { userId: id, email: input.email, changes: diff });
        }
        return this.getUser(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) throw taken('email', 'An account with this e-mail already exists.');
      throw err;
    }
  }

  /** Sets the password (the user is signed out everywhere) or e-mails a set-password link. */
  async setUserPassword(actor: SessionUser, id: string, choice: PasswordChoice, client: ClientInfo): Promise<AdminUserResponse> {
    const { db, auth } = this.#deps;
    const user = await getUserById(db, id);
    if (!user) throw notFound('user');
    if (user.archivedAt) throw new HttpError(400, 'bad_request', 'This account is archived; restore it first.');
    if (choice.kind === 'email') {
      await this.#log(db, actor, 'admin.user.password_link_sent', { userId: id, email: user.email });
      await auth.requestPasswordReset(user.email, client);
      return { user: await this.getUser(id), passwordMailQueued: true };
    }
    const passwordHash = await hashPassword(choice.password);
    await inTransaction(db, async (trx) => {
      await setUserPasswordHash(trx, id, passwordHash);
      if (id !== actor.id) await deleteUserSessionsOfUser(trx, id);
      await clearLoginFailures(trx, user.email);
      await this.#log(trx, actor, 'admin.user.password_set', { userId: id, email: user.email });
    });
    return { user: await this.getUser(id) };
  }

  async setUserArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    if (archived && id === actor.id) throw new AdminFieldError(400, 'bad_request', 'You cannot archive your own account.', 'id', 'self');
    await inTransaction(this.#deps.db, async (trx) => {
      const before = await getUserById(trx, id);
      if (!before) throw notFound('user');
      if (Boolean(before.archivedAt) === archived) return;
      await setUserArchived(trx, id, archived ? this.#now() : null);
      if (archived) await deleteUserSessionsOfUser(trx, id);
      await this.#log(trx, actor, archived ? 'admin.user.archived' : 'admin.user.unarchived', { userId: id, email: before.email });
    });
  }
}
