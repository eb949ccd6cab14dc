// The fixed mix of Results requests the benchmark times: every filter alone, combinations,
// every sort both ways, the grouped view and its expansion, proctor-scoped views and deep
// pages. All go through the repository functions the HTTP routes call.
import {
  listCandidateResults,
  listResults,
  listResultsByCandidate,
  RESULTS_SORT_KEYS,
  type ResultsFilters,
  type ResultsGroupedSortKey,
  type ResultsSortKey,
  type ResultsViewer,
  type SortDirection,
} from '@proctor/db';
import type { ScaleDataSample, TestDatabase } from '@proctor/db/testing';

export interface BenchQuery {
  name: string;
  run(): Promise<unknown>;
}

const DAY = 86_400_000;

export function queryMix(db: TestDatabase['db'], sample: ScaleDataSample, now: Date): BenchQuery[] {
  const admin: ResultsViewer = { userId: sample.adminUserId, role: 'admin' };
  const proctor: ResultsViewer = { userId: sample.proctorUserIds[3]!, role: 'proctor' };
  const current: ResultsFilters = { archived: false };
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  // Sample ids are in generation order: exams newest first; groups and disciplines by id.
  const recentExams = sample.examIds.slice(10, 15);

  const flat = (
    name: string,
    filters: Partial<ResultsFilters>,
    opts: { sort?: ResultsSortKey; direction?: SortDirection; page?: number; pageSize?: number; viewer?: ResultsViewer } = {},
  ): BenchQuery => ({
    name,
    run: () =>
      listResults(db, opts.viewer ?? admin, { ...current, ...filters }, {
        sort: opts.sort ?? 'startedAt',
        direction: opts.direction ?? 'desc',
        page: opts.page ?? 1,
        pageSize: opts.pageSize ?? 50,
      }),
  });
  const grouped = (
    name: string,
    filters: Partial<ResultsFilters>,
    sort: ResultsGroupedSortKey,
    direction: SortDirection,
    opts: { page?: number; viewer?: ResultsViewer } = {},
  ): BenchQuery => ({
    name,
    run: () =>
      listResultsByCandidate(db, opts.viewer ?? admin, { ...current, ...filters }, { sort, direction, page: opts.page ?? 1, pageSize: 50 }),
  });

  return [
    // Filters alone (default sort: newest first).
    flat('default page', {}),
    flat('search common substring "ов"', { search: 'ов' }),
    flat('search first name "нұрсұлтан"', { search: 'нұрсұлтан' }),
    flat('search full name', { search: 'Қаналбекова Аружан Жеңісқызы' }),
    flat('search group "ИС-22"', { search: 'ИС-22' }),
    flat('search SQL-looking text', { search: "'; DROP TABLE exam_sessions; --" }),
    flat('one exam', { examIds: [sample.examIds[12]!] }),
    flat('five exams', { examIds: recentExams }),
    flat('started in the last 7 days', { startedFrom: ago(7), startedTo: now }),
    flat('started in the last 6 months', { startedFrom: ago(182), startedTo: now }),
    flat('one group', { groupIds: [sample.groupIds[5]!] }),
    flat('one discipline', { disciplineIds: [sample.disciplineIds[2]!] }),
    flat('status in progress', { statuses: ['in_progress'] }),
    flat('status not started', { statuses: ['not_started'] }),
    flat('status finished', { statuses: ['finished'] }),
    flat('honesty 0..30', { honestyMin: 0, honestyMax: 30 }),
    flat('honesty 90..100', { honestyMin: 90, honestyMax: 100 }),
    flat('decision not admitted', { decisions: ['not_admitted'] }),
    flat('decision none', { decisions: ['none'] }),
    flat('archive', { archived: true }),

    // Combinations.
    flat('discipline + finished + honesty 0..50', { disciplineIds: [sample.disciplineIds[4]!], statuses: ['finished'], honestyMin: 0, honestyMax: 50 }),
    flat('6 months + undecided + search "ов"', { startedFrom: ago(182), startedTo: now, decisions: ['none'], search: 'ов' }),
    flat('archive + group', { archived: true, groupIds: [sample.groupIds[7]!] }),
    flat('archive + honesty 0..20 + decision admitted', { archived: true, honestyMin: 0, honestyMax: 20, decisions: ['admitted'] }),
    flat('exams + finished + undecided', { examIds: recentExams, statuses: ['finished'], decisions: ['none'] }),
    flat('discipline + search "ерлан"', { disciplineIds: [sample.disciplineIds[1]!], search: 'ерлан' }),
    flat('last 30 days + honesty 0..60 by honesty', { startedFrom: ago(30), startedTo: now, honestyMin: 0, honestyMax: 60 }, { sort: 'honesty' }),
    flat('in progress by exam desc', { statuses: ['in_progress'] }, { sort: 'exam', direction: 'desc' }),
    flat('honesty 0..10 by candidate', { honestyMin: 0, honestyMax: 10 }, { sort: 'candidate' }),
    flat('discipline by group', { disciplineIds: [sample.disciplineIds[3]!] }, { sort: 'group' }),
    flat('not admitted by ended desc', { decisions: ['not_admitted'] }, { sort: 'endedAt', direction: 'desc' }),

    // Every sort both ways, nothing else filtered.
    ...RESULTS_SORT_KEYS.flatMap((sort) =>
      (['asc', 'desc'] as const).map((direction) => flat(`sort ${sort} ${direction}`, {}, { sort, direction })),
    ),
    flat('sort candidate asc, 200 rows', {}, { sort: 'candidate', pageSize: 200 }),

    // A proctor: only the exams assigned to them.
    flat('proctor default', {}, { viewer: proctor }),
    flat('proctor search "ов" by candidate', { search: 'ов' }, { viewer: proctor, sort: 'candidate' }),
    flat('proctor honesty 0..50', { honestyMin: 0, honestyMax: 50 }, { viewer: proctor }),
    flat('proctor archive by exam', { archived: true }, { viewer: proctor, sort: 'exam' }),

    // Grouped by candidate, and "Expand".
    grouped('grouped by candidate', {}, 'candidate', 'asc'),
    grouped('grouped by candidate desc, page 20', {}, 'candidate', 'desc', { page: 20 }),
    grouped('grouped by group', {}, 'group', 'asc'),
    grouped('grouped by session count', {}, 'sessions', 'desc'),
    grouped('grouped by latest start', {}, 'startedAt', 'desc'),
    grouped('grouped by lowest honesty', {}, 'honesty', 'asc'),
    grouped('grouped + discipline', { disciplineIds: [sample.disciplineIds[6]!] }, 'candidate', 'asc'),
    grouped('grouped + search "ов"', { search: 'ов' }, 'candidate', 'asc'),
    grouped('grouped + archive', { archived: true }, 'candidate', 'asc'),
    grouped('grouped proctor by count', {}, 'sessions', 'desc', { viewer: proctor }),
    {
      name: 'expand one candidate',
      run: () => listCandidateResults(db, admin, sample.candidateIds[4]!, current, { sort: 'startedAt', direction: 'desc' }),
    },

    // Deep pages.
    flat('page 100', {}, { page: 100 }),
    flat('page 1000', {}, { page: 1000 }),
    flat('page 6000 (offset 300k)', {}, { page: 6000 }),
    flat('page 2000 by candidate', {}, { sort: 'candidate', page: 2000 }),
    flat('page past the end', { groupIds: [sample.groupIds[9]!] }, { page: 1000 }),
  ];
}
