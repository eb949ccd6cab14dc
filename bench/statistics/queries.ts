// The fixed mix of Statistics requests the benchmark times: each page section (§4.1–4.5)
// for an admin and a proctor, over 30 days and a whole year, with the exam, discipline and
// group filters, every sort of the two tables and a deep page. Each request is what one
// `GET /api/statistics/…` runs: the repository functions the service calls (the overview's
// two in parallel, as the service does).
import {
  activityStatistics,
  candidateStatistics,
  connectionStatistics,
  reconnectStatistics,
  statisticsOptions,
  type CandidateStatsSortKey,
  type ReconnectSortKey,
  type StatisticsFilters,
  type StatisticsViewer,
} from '@proctor/db';
import type { ScaleDataSample, TestDatabase } from '@proctor/db/testing';

export interface BenchQuery {
  name: string;
  run(): Promise<unknown>;
}

const DAY = 86_400_000;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

export function queryMix(db: TestDatabase['db'], sample: ScaleDataSample, now: Date): BenchQuery[] {
  const admin: StatisticsViewer = { userId: sample.adminUserId, role: 'admin' };
  const proctor: StatisticsViewer = { userId: sample.proctorUserIds[3]!, role: 'proctor' };
  const today = day(now.getTime());
  const month: StatisticsFilters = { from: day(now.getTime() - 29 * DAY), to: today };
  const year: StatisticsFilters = { from: day(now.getTime() - 365 * DAY), to: today };
  const who = (v: StatisticsViewer) => (v === admin ? 'admin' : 'proctor');

  const overview = (name: string, viewer: StatisticsViewer, f: StatisticsFilters): BenchQuery => ({
    name: `overview ${who(viewer)} ${name}`,
    run: () => Promise.all([activityStatistics(db, viewer, f), connectionStatistics(db, viewer, f)]),
  });
  const reconnects = (name: string, viewer: StatisticsViewer, f: StatisticsFilters, sort: ReconnectSortKey = 'reconnects', page = 1): BenchQuery => ({
    name: `reconnects ${who(viewer)} ${name}`,
    run: () => reconnectStatistics(db, viewer, f, { sort, direction: sort === 'candidate' ? 'asc' : 'desc', page, pageSize: 25 }),
  });
  const candidates = (name: string, viewer: StatisticsViewer, f: StatisticsFilters, sort: CandidateStatsSortKey = 'candidate', page = 1): BenchQuery => ({
    name: `candidates ${who(viewer)} ${name}`,
    run: () => candidateStatistics(db, viewer, f, { sort, direction: sort === 'candidate' || sort === 'group' ? 'asc' : 'desc', page, pageSize: 25 }),
  });

  return [
    { name: 'options admin', run: () => statisticsOptions(db, admin) },
    { name: 'options proctor', run: () => statisticsOptions(db, proctor) },
    overview('30 days', admin, month),
    overview('1 year', admin, year),
    overview('30 days', proctor, month),
    overview('1 year', proctor, year),
    overview('1 year, discipline', admin, { ...year, disciplineIds: [sample.disciplineIds[0]!] }),
    overview('1 year, group', admin, { ...year, groupIds: [sample.groupIds[5]!] }),
    overview('1 year, exam', admin, { ...year, examIds: [sample.examIds[20]!] }),
    reconnects('30 days', admin, month),
    reconnects('1 year', admin, year),
    reconnects('1 year by offline', admin, year, 'offline'),
    reconnects('1 year by candidate', admin, year, 'candidate'),
    reconnects('1 year page 100', admin, year, 'reconnects', 100),
    reconnects('1 year', proctor, year),
    reconnects('1 year, discipline', admin, { ...year, disciplineIds: [sample.disciplineIds[0]!] }),
    candidates('30 days', admin, month),
    candidates('1 year', admin, year),
    candidates('1 year by violations', admin, year, 'violations'),
    candidates('1 year by honesty', admin, year, 'honesty'),
    candidates('1 year', proctor, year),
    candidates('1 year by violations', proctor, year, 'violations'),
    candidates('1 year, group', admin, { ...year, groupIds: [sample.groupIds[5]!] }),
  ];
}
