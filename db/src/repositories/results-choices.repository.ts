// Choices of the Results page's exam, group and discipline filters (manual §2.1), searched as
// the user types over all of them — older and archived ones included — in the viewer's scope:
// an admin sees every one; a proctor the exams assigned to them, those exams' disciplines and
// the groups that sat them. Names go through the trigram indexes (migration 0001).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.ts';
import { containsPattern } from './admin-list.ts';
import type { ResultsViewer } from './results-types.ts';

export const RESULTS_CHOICE_KINDS = ['exam', 'group', 'discipline'] as const;
export type ResultsChoiceKind = (typeof RESULTS_CHOICE_KINDS)[number];

export interface ResultsChoice {
  id: string;
  name: string;
  /** Exams: when it starts and the zone to show that in (tells same-named exams apart). */
  startsAt: Date | null;
  timeZone: string | null;
  archived: boolean;
}

export interface ResultsChoicesRequest {
  kind: ResultsChoiceKind;
  /** Case-insensitive substring of the name; empty = the first ones. */
  search?: string;
  /** Only these (e.g. the names of the values already chosen), still within the scope. */
  ids?: string[];
  limit: number;
}

export async function searchResultsChoices(
  db: Kysely<DB>,
  viewer: ResultsViewer,
  request: ResultsChoicesRequest,
): Promise<{ items: ResultsChoice[]; more: boolean }> {
  const search = request.search?.trim();
  const assigned = db.selectFrom('examProctors').select('examId').where('userId', '=', viewer.userId);
  const proctor = viewer.role !== 'admin';
  let query;
  if (request.kind === 'exam') {
    query = db
      .selectFrom('exams as x')
      .select(['x.id', 'x.name', 'x.startsAt', 'x.timeZone', sql<boolean>`x.archived_at IS NOT NULL`.as('archived')])
      .$if(proctor, (q) => q.where('x.id', 'in', assigned))
      .orderBy('x.startsAt', 'desc');
  } else if (request.kind === 'discipline') {
    query = db
      .selectFrom('disciplines as x')
      .select(['x.id', 'x.name', sql<Date | null>`NULL::timestamptz`.as('startsAt'), sql<string | null>`NULL::text`.as('timeZone'), sql<boolean>`x.archived_at IS NOT NULL`.as('archived')])
      .$if(proctor, (q) => q.where('x.id', 'in', db.selectFrom('exams as e').select('e.disciplineId').where('e.id', 'in', assigned)))
      .orderBy('x.name');
  } else {
    query = db
      .selectFrom('groups as x')
      .select(['x.id', 'x.name', sql<Date | null>`NULL::timestamptz`.as('startsAt'), sql<string | null>`NULL::text`.as('timeZone'), sql<boolean>`x.archived_at IS NOT NULL`.as('archived')])
      .$if(proctor, (q) =>
        q.where(({ exists, selectFrom }) =>
          exists(selectFrom('examSessions as s').select(sql.lit(1).as('one')).whereRef('s.groupId', '=', 'x.id').where('s.examId', 'in', assigned)),
        ),
      )
      .orderBy('x.name');
  }
  if (request.ids) query = query.where('x.id', 'in', request.ids.length ? request.ids : [sql<string>`NULL::uuid`]);
  if (search) query = query.where('x.name', 'ilike', containsPattern(search));
  const rows = await query.orderBy('x.id').limit(request.limit + 1).execute();
  return { items: rows.slice(0, request.limit), more: rows.length > request.limit };
}
