import type { Kysely } from 'kysely';
import type { ProctoringMode } from '../enums.ts';
import type { AssessmentMode, DB, Exam } from '../schema.ts';
import type { ViolationWeights } from '../violation-types.ts';
import type { RetainedKind } from '../data-protection.ts';
import type { MediaProfileId } from '@proctor/values';
import { archivedOperator, containsPattern, type AdminListOptions, type AdminListPage } from './admin-list.ts';

export function getExam(db: Kysely<DB>, id: string): Promise<Exam | undefined> {
  return db.selectFrom('exams').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function isProctorAssigned(db: Kysely<DB>, userId: string, examId: string): Promise<boolean> {
  const row = await db
    .selectFrom('examProctors')
    .select('examId')
    .where('userId', '=', userId)
    .where('examId', '=', examId)
    .executeTakeFirst();
  return row !== undefined;
}

export interface ProctorExamListItem {
  id: string;
  name: string;
  disciplineId: string;
  disciplineName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  proctoringMode: ProctoringMode;
}

/** Exams the proctor is assigned to, newest window first. */
export function listExamsForProctor(
  db: Kysely<DB>,
  userId: string,
  opts: { includeArchived?: boolean } = {},
): Promise<ProctorExamListItem[]> {
  let query = db
    .selectFrom('examProctors as ep')
    .innerJoin('exams as e', 'e.id', 'ep.examId')
    .innerJoin('disciplines as d', 'd.id', 'e.disciplineId')
    .select([
      'e.id',
      'e.name',
      'e.disciplineId',
      'd.name as disciplineName',
      'e.startsAt',
      'e.endsAt',
      'e.timeZone',
      'e.proctoringMode',
    ])
    .where('ep.userId', '=', userId);
  if (!opts.includeArchived) query = query.where('e.archivedAt', 'is', null);
  return query.orderBy('e.startsAt', 'desc').orderBy('e.id').execute();
}

export interface CreateExamInput {
  name: string;
  disciplineId: string;
  startsAt: Date;
  endsAt: Date;
  timeZone?: string;
  proctoringMode?: ProctoringMode;
  violationWeights?: ViolationWeights;
  honestyThreshold?: number;
  countTechnical?: boolean;
  /** The test the exam opens (#10); null = none. */
  assessmentUrl?: string | null;
  assessmentMode?: AssessmentMode;
  /** What candidates' pages send (#11); omitted: the column default ('grid'). */
  mediaProfile?: MediaProfileId;
  /** Days each kind is kept after the exam's end (null = until erased); omitted kinds keep the default. */
  retention?: Partial<ExamRetention>;
}

/** An exam's retention per kind (migration 0016): days after its end, null = until erased. */
export type ExamRetention = Record<RetainedKind, number | null>;

function retentionColumns(r: Partial<ExamRetention> | undefined) {
  if (!r) return {};
  return {
    ...(r.recordings !== undefined ? { retentionRecordingsDays: r.recordings } : {}),
    ...(r.snapshots !== undefined ? { retentionSnapshotsDays: r.snapshots } : {}),
    ...(r.photos !== undefined ? { retentionPhotosDays: r.photos } : {}),
    ...(r.violations !== undefined ? { retentionViolationsDays: r.violations } : {}),
  };
}

export function examRetention(exam: Pick<Exam, 'retentionRecordingsDays' | 'retentionSnapshotsDays' | 'retentionPhotosDays' | 'retentionViolationsDays'>): ExamRetention {
  return {
    recordings: exam.retentionRecordingsDays,
    snapshots: exam.retentionSnapshotsDays,
    photos: exam.retentionPhotosDays,
    violations: exam.retentionViolationsDays,
  };
}

export async function createExam(db: Kysely<DB>, input: CreateExamInput): Promise<string> {
  const { violationWeights, retention, ...rest } = input;
  const row = await db
    .insertInto('exams')
    .values({ ...rest, ...retentionColumns(retention), violationWeights: violationWeights && JSON.stringify(violationWeights) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Id of the live (not archived) exam with this exact name in the discipline, if any. */
export async function findActiveExamId(db: Kysely<DB>, disciplineId: string, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('exams')
    .select('id')
    .where('disciplineId', '=', disciplineId)
    .where('name', '=', name)
    .where('archivedAt', 'is', null)
    .orderBy('createdAt', 'desc')
    .executeTakeFirst();
  return row?.id;
}

export async function setExamWindow(db: Kysely<DB>, id: string, window: { startsAt: Date; endsAt: Date }): Promise<void> {
  await db.updateTable('exams').set(window).where('id', '=', id).execute();
}

/** Idempotent. */
export async function assignProctor(db: Kysely<DB>, examId: string, userId: string): Promise<void> {
  await db
    .insertInto('examProctors')
    .values({ examId, userId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface AdminExamListItem {
  id: string;
  name: string;
  disciplineId: string;
  disciplineName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  proctoringMode: ProctoringMode;
  archivedAt: Date | null;
  proctorCount: number;
  sessionCount: number;
}

/** Administration list: newest window first, searchable by exam or discipline name. */
export async function listExamsForAdmin(
  db: Kysely<DB>,
  opts: AdminListOptions & { disciplineId?: string },
): Promise<AdminListPage<AdminExamListItem>> {
  let base = db.selectFrom('exams as e').innerJoin('disciplines as d', 'd.id', 'e.disciplineId');
  const op = archivedOperator(opts.archived);
  if (op) base = base.where('e.archivedAt', op, null);
  if (opts.disciplineId) base = base.where('e.disciplineId', '=', opts.disciplineId);
  if (opts.search) {
    const pattern = containsPattern(opts.search);
    base = base.where((eb) => eb.or([eb('e.name', 'ilike', pattern), eb('d.name', 'ilike', pattern)]));
  }
  const [rows, count] = await Promise.all([
    base
      .select((eb) => [
        'e.id',
        'e.name',
        'e.disciplineId',
        'd.name as disciplineName',
        'e.startsAt',
        'e.endsAt',
        'e.timeZone',
        'e.proctoringMode',
        'e.archivedAt',
        eb.selectFrom('examProctors as ep').whereRef('ep.examId', '=', 'e.id').select(eb.fn.countAll<number>().as('n')).as('proctorCount'),
        eb.selectFrom('examSessions as s').whereRef('s.examId', '=', 'e.id').select(eb.fn.countAll<number>().as('n')).as('sessionCount'),
      ])
      .orderBy('e.startsAt', 'desc')
      .orderBy('e.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, proctorCount: Number(r.proctorCount ?? 0), sessionCount: Number(r.sessionCount ?? 0) })),
    total: count.total,
  };
}

/** Changes the given fields; false when there is no such exam. */
export async function updateExam(db: Kysely<DB>, id: string, input: Partial<CreateExamInput>): Promise<boolean> {
  const { violationWeights, retention, ...rest } = input;
  const result = await db
    .updateTable('exams')
    .set({ ...rest, ...retentionColumns(retention), ...(violationWeights ? { violationWeights: JSON.stringify(violationWeights) } : {}) })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Archives (a date) or restores (null); false when there is no such exam. */
export async function setExamArchived(db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> {
  const result = await db.updateTable('exams').set({ archivedAt }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface ExamProctor {
  id: string;
  fullName: string;
  email: string;
  archivedAt: Date | null;
}

/** The users assigned to the exam, by name. */
export function listExamProctors(db: Kysely<DB>, examId: string): Promise<ExamProctor[]> {
  return db
    .selectFrom('examProctors as ep')
    .innerJoin('users as u', 'u.id', 'ep.userId')
    .select(['u.id', 'u.fullName', 'u.email', 'u.archivedAt'])
    .where('ep.examId', '=', examId)
    .orderBy('u.fullName')
    .orderBy('u.id')
    .execute();
}

/** Makes exactly `userIds` the exam's proctors; returns who was added and who removed. */
export async function setExamProctors(
  db: Kysely<DB>,
  examId: string,
  userIds: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const wanted = [...new Set(userIds)];
  let removeQuery = db.deleteFrom('examProctors').where('examId', '=', examId);
  if (wanted.length) removeQuery = removeQuery.where('userId', 'not in', wanted);
  const removed = await removeQuery.returning('userId').execute();
  const added = wanted.length
    ? await db
        .insertInto('examProctors')
        .values(wanted.map((userId) => ({ examId, userId })))
        .onConflict((oc) => oc.doNothing())
        .returning('userId')
        .execute()
    : [];
  return { added: added.map((r) => r.userId), removed: removed.map((r) => r.userId) };
}
