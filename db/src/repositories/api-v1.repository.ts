// Reads of the `/api/v1` REST API (#13) that no staff page already does: exams and an
// exam's candidates. Sessions and reports reuse the results and report repositories.
import type { Kysely } from 'kysely';
import type { ProctoringMode } from '../enums.ts';
import type { DB } from '../schema.ts';

export interface ApiExamRow {
  id: string;
  name: string;
  disciplineName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  proctoringMode: ProctoringMode;
  /** #11: a @proctor/values MEDIA_PROFILE_IDS name. */
  mediaProfile: string;
  archivedAt: Date | null;
  sessionCount: number;
}

/** Exams by newest window; `examId` narrows to one (a per-exam key). */
export async function listApiExams(
  db: Kysely<DB>,
  opts: { examId: string | null; limit: number; offset: number },
): Promise<{ rows: ApiExamRow[]; total: number }> {
  let base = db.selectFrom('exams as e').innerJoin('disciplines as d', 'd.id', 'e.disciplineId');
  if (opts.examId) base = base.where('e.id', '=', opts.examId);
  const [rows, count] = await Promise.all([
    base
      .select((eb) => [
        'e.id',
        'e.name',
        'd.name as disciplineName',
        'e.startsAt',
        'e.endsAt',
        'e.timeZone',
        'e.proctoringMode',
        'e.mediaProfile',
        'e.archivedAt',
        eb.selectFrom('examSessions as s').whereRef('s.examId', '=', 'e.id').select(eb.fn.countAll<number>().as('n')).as('sessionCount'),
      ])
      .orderBy('e.startsAt', 'desc')
      .orderBy('e.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, sessionCount: Number(r.sessionCount ?? 0) })), total: Number(count.total) };
}

export interface ApiCandidateRow {
  id: string;
  fullName: string;
  iin: string | null;
  groupName: string | null;
  /** The candidate's id in the key's integration (sign-on), if it has one. */
  externalId: string | null;
  sessionId: string;
}

/** Candidates with a session in the exam, by name. */
export function listApiExamCandidates(db: Kysely<DB>, examId: string, integrationId: string | null): Promise<ApiCandidateRow[]> {
  return db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .leftJoin('groups as g', 'g.id', 'c.groupId')
    .leftJoin('externalRefs as x', (join) =>
      join
        .onRef('x.candidateId', '=', 'c.id')
        .on('x.kind', '=', 'candidate')
        .on('x.integrationId', '=', integrationId ?? '00000000-0000-0000-0000-000000000000'),
    )
    .select(['c.id', 'c.fullName', 'c.iin', 'g.name as groupName', 'x.externalId', 's.id as sessionId'])
    .where('s.examId', '=', examId)
    .orderBy('c.fullName')
    .orderBy('c.id')
    .execute();
}

/**
 * The candidates whose e-mail is this one (case-insensitive; e-mail is not unique among
 * candidates, so the caller decides what several mean). Erased candidates have none.
 */
export function findCandidatesByEmail(db: Kysely<DB>, email: string): Promise<{ id: string }[]> {
  return db
    .selectFrom('candidates')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .limit(2)
    .execute();
}
