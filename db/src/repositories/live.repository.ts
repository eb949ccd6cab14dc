/**
 * Synchronous (live) proctoring, manual §3: the exams a proctor can watch now, and the
 * "Add student" dialog's list of an exam's candidates (group filter, name search, pages).
 */
import { sql, type Kysely } from 'kysely';
import type { SessionStatus } from '../enums.ts';
import type { DB } from '../schema.ts';
import type { ResultsViewer } from './results-types.ts';
import { containsPattern } from './admin-list.ts';

export interface LiveExamRow {
  id: string;
  name: string;
  disciplineName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  sessions: number;
  inProgress: number;
  finished: number;
}

/**
 * Exams whose window overlaps [from, to], earliest first: the live panel shows what is
 * running now and what starts or ended within the day around it. Archived exams are left out.
 */
export function listLiveExams(db: Kysely<DB>, viewer: ResultsViewer, window: { from: Date; to: Date }, limit = 100): Promise<LiveExamRow[]> {
  let query = db
    .selectFrom('exams as e')
    .innerJoin('disciplines as d', 'd.id', 'e.disciplineId')
    .select((eb) => [
      'e.id',
      'e.name',
      'd.name as disciplineName',
      'e.startsAt',
      'e.endsAt',
      'e.timeZone',
      eb.selectFrom('examSessions as s').whereRef('s.examId', '=', 'e.id').select(sql<number>`count(*)::int`.as('n')).as('sessions'),
      eb
        .selectFrom('examSessions as s')
        .whereRef('s.examId', '=', 'e.id')
        .where('s.status', '=', 'in_progress')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('inProgress'),
      eb
        .selectFrom('examSessions as s')
        .whereRef('s.examId', '=', 'e.id')
        .where('s.status', '=', 'finished')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('finished'),
    ])
    .where('e.archivedAt', 'is', null)
    .where('e.endsAt', '>=', window.from)
    .where('e.startsAt', '<=', window.to);
  if (viewer.role !== 'admin') {
    query = query.where('e.id', 'in', (eb) => eb.selectFrom('examProctors').select('examId').where('userId', '=', viewer.userId));
  }
  return query
    .orderBy('e.startsAt')
    .orderBy('e.id')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, sessions: r.sessions ?? 0, inProgress: r.inProgress ?? 0, finished: r.finished ?? 0 })));
}

export interface LiveCandidateRow {
  sessionId: string;
  candidateName: string;
  groupId: string | null;
  groupName: string | null;
  status: SessionStatus;
}

export interface LiveCandidateFilter {
  groupId?: string;
  search?: string;
  limit: number;
  offset: number;
}

/** One page of an exam's candidates by name (Kazakh collation), with the total for "Total records". */
export async function listExamCandidates(db: Kysely<DB>, examId: string, f: LiveCandidateFilter): Promise<{ rows: LiveCandidateRow[]; total: number }> {
  let base = db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .leftJoin('groups as g', 'g.id', 'c.groupId')
    .where('s.examId', '=', examId)
    .where('s.archived', '=', false);
  if (f.groupId) base = base.where('c.groupId', '=', f.groupId);
  if (f.search) base = base.where('c.fullName', 'ilike', containsPattern(f.search));
  const [rows, count] = await Promise.all([
    base
      .select(['s.id as sessionId', 'c.fullName as candidateName', 'c.groupId', 'g.name as groupName', 's.status'])
      .orderBy('c.fullName')
      .orderBy('s.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n };
}

/** Groups that have candidates in the exam: the dialog's Group filter. */
export function listExamGroups(db: Kysely<DB>, examId: string): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .innerJoin('groups as g', 'g.id', 'c.groupId')
    .where('s.examId', '=', examId)
    .select(['g.id', 'g.name'])
    .distinct()
    .orderBy('g.name')
    .execute();
}

/** The heading of the live page: the exam's name and window. */
export function getLiveExam(db: Kysely<DB>, examId: string): Promise<Omit<LiveExamRow, 'sessions' | 'inProgress' | 'finished'> | undefined> {
  return db
    .selectFrom('exams as e')
    .innerJoin('disciplines as d', 'd.id', 'e.disciplineId')
    .select(['e.id', 'e.name', 'd.name as disciplineName', 'e.startsAt', 'e.endsAt', 'e.timeZone'])
    .where('e.id', '=', examId)
    .executeTakeFirst();
}
