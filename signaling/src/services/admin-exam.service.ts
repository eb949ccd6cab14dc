/** Administration of exams: window, scoring, assessment (with its framing check), proctors, archive. */
import {
  createExam,
  getDiscipline,
  getExam,
  examRetention,
  getUsersByIds,
  inTransaction,
  listExamProctors,
  listExamsForAdmin,
  setExamArchived,
  setAssessmentCheck,
  setExamProctors,
  updateExam,
  type AssessmentCheck,
  type DB,
} from '@proctor/db';
import { type AdminExam, type AdminExamPage } from '../contract/api/admin.ts';
import { AdminFieldError } from '../domain/errors.ts';
import { type SessionUser } from './auth.service.ts';
import { AdminEntityService, notFound, paging, iso, changes, toExamListItem, toWeights, type ExamListQuery, type ExamInput, type AuditActor } from './admin-context.ts';
import type { Kysely } from 'kysely';

export class AdminExamService extends AdminEntityService {
  async listExams(q: ExamListQuery): Promise<AdminExamPage> {
    const page = await listExamsForAdmin(this.deps.db, { search: q.search, archived: q.archived, disciplineId: q.disciplineId, ...paging(q) });
    return { items: page.rows.map(toExamListItem), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async getExam(id: string, db: Kysely<DB> = this.deps.db): Promise<AdminExam> {
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
      mediaProfile: exam.mediaProfile,
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
    if (!discipline) throw new AdminFieldError('bad_request', 'There is no such discipline.', 'disciplineId', 'not_found');
    if (discipline.archivedAt && discipline.id !== previous) {
      throw new AdminFieldError('bad_request', 'This discipline is archived; restore it first.', 'disciplineId', 'archived');
    }
  }

  async createExam(actor: AuditActor, input: ExamInput): Promise<AdminExam> {
    // Before the transaction: reading the site's headers may take seconds.
    const check = await this.#framingCheck(input.assessmentUrl);
    return inTransaction(this.deps.db, async (trx) => {
      await this.#checkDiscipline(trx, input.disciplineId);
      const id = await createExam(trx, input);
      if (check) await setAssessmentCheck(trx, id, check);
      await this.log(trx, actor, 'admin.exam.created', { examId: id, ...input });
      return this.getExam(id, trx);
    });
  }

  /** The framing check of an assessment URL being saved (null: no URL or no checker). */
  async #framingCheck(url: string | null): Promise<AssessmentCheck | null> {
    if (!url || !this.deps.framing) return null;
    return this.deps.framing.check(url);
  }

  /** "Check again": reads the exam's assessment URL once more and stores what it found. */
  async recheckAssessment(actor: SessionUser, id: string): Promise<AssessmentCheck | null> {
    const exam = await getExam(this.deps.db, id);
    if (!exam) throw notFound('exam');
    const check = await this.#framingCheck(exam.assessmentUrl);
    await inTransaction(this.deps.db, async (trx) => {
      await setAssessmentCheck(trx, id, check);
      await this.log(trx, actor, 'admin.exam.assessment_checked', { examId: id, url: exam.assessmentUrl, framing: check?.framing ?? null });
    });
    return check;
  }

  async updateExam(actor: AuditActor, id: string, input: ExamInput): Promise<AdminExam> {
    let rescored = false;
    // A changed URL is read once, before the transaction (it may take seconds).
    const stored = await getExam(this.deps.db, id);
    const urlChanged = stored !== undefined && stored.assessmentUrl !== input.assessmentUrl;
    const check = urlChanged ? await this.#framingCheck(input.assessmentUrl) : undefined;
    const exam = await inTransaction(this.deps.db, async (trx) => {
      const before = await getExam(trx, id);
      if (!before) throw notFound('exam');
      if (check !== undefined) await setAssessmentCheck(trx, id, check);
      await this.#checkDiscipline(trx, input.disciplineId, before.disciplineId);
      const diff = changes({ ...before, violationWeights: toWeights(before.violationWeights), retention: examRetention(before) }, input);
      if (Object.keys(diff).length > 0) {
        await updateExam(trx, id, input);
        await this.log(trx, actor, 'admin.exam.updated', { examId: id, name: input.name, changes: diff });
      }
      rescored = 'violationWeights' in diff || 'countTechnical' in diff;
      return this.getExam(id, trx);
    });
    // After commit, so the recompute reads the new weights.
    if (rescored) await this.deps.honesty?.scoringChanged(id, actor);
    return exam;
  }

  async setExamArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getExam(trx, id);
      if (!before) throw notFound('exam');
      if (Boolean(before.archivedAt) === archived) return;
      await setExamArchived(trx, id, archived ? this.now() : null);
      await this.log(trx, actor, archived ? 'admin.exam.archived' : 'admin.exam.unarchived', { examId: id, name: before.name });
    });
  }

  /**
   * Makes exactly these users the exam's proctors. Newly added ones must be live proctor
   * accounts; ones already assigned may stay even if archived since.
   */
  async setExamProctors(actor: SessionUser, id: string, userIds: string[]): Promise<AdminExam> {
    return inTransaction(this.deps.db, async (trx) => {
      const exam = await getExam(trx, id);
      if (!exam) throw notFound('exam');
      const current = new Set((await listExamProctors(trx, id)).map((p) => p.id));
      const wanted = [...new Set(userIds)];
      const users = new Map((await getUsersByIds(trx, wanted)).map((u) => [u.id, u]));
      for (const userId of wanted) {
        if (current.has(userId)) continue;
        const user = users.get(userId);
        if (!user) throw new AdminFieldError('bad_request', `There is no user ${userId}.`, 'userIds', 'not_found');
        if (user.role !== 'proctor') throw new AdminFieldError('bad_request', `${user.email} is not a proctor.`, 'userIds', 'not_proctor');
        if (user.archivedAt) throw new AdminFieldError('bad_request', `${user.email} is archived.`, 'userIds', 'archived');
      }
      const { added, removed } = await setExamProctors(trx, id, wanted);
      if (added.length || removed.length) {
        await this.log(trx, actor, 'admin.exam.proctors_changed', { examId: id, name: exam.name, added, removed });
      }
      return this.getExam(id, trx);
    });
  }
}
