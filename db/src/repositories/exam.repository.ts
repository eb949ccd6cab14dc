import type { Kysely } from 'kysely';
import type { ProctoringMode } from '../enums.ts';
import type { DB, Exam } from '../schema.ts';
import type { ViolationWeights } from '../violation-types.ts';

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
}

export async function createExam(db: Kysely<DB>, input: CreateExamInput): Promise<string> {
  const { violationWeights, ...rest } = input;
  const row = await db
    .insertInto('exams')
    .values({ ...rest, violationWeights: violationWeights && JSON.stringify(violationWeights) })
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
