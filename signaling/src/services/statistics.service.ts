/**
 * The Statistics page (manual §4.1–4.5): checks the date range and the exam filter, then
 * asks the statistics repository. HTTP-free (routes/statistics.routes.ts maps requests onto
 * it).
 *
 * The range rule lives in the contract (`statisticsRangeError`), so the page refuses the same
 * ranges before asking; here it guards the database: at most a year of days, never inverted.
 * Passing contract values into the repository and its rows out as contract types makes the
 * compiler check that the two agree (sort keys, decisions).
 */
import type { Kysely } from 'kysely';
import {
  activityStatistics,
  appendAction,
  candidateStatistics,
  connectionStatistics,
  reconnectStatistics,
  statisticsOptions,
  unassignedExamIds,
  type DB,
  type StatisticsFilters as DbFilters,
  type StatisticsViewer,
} from '@proctor/db';
import {
  STATISTICS_MAX_DAYS,
  statisticsPercent,
  statisticsRangeError,
  type CandidateStatsQuery,
  type CandidateStatsResponse,
  type ReconnectsQuery,
  type ReconnectsResponse,
  type StatisticsFilters,
  type StatisticsOptions,
  type StatisticsOverview,
} from '../contract/api/statistics.ts';
import { DomainError } from '../domain/errors.ts';
import type { StaffUser } from './results.service.ts';

export interface StatisticsServiceDeps {
  db: Kysely<DB>;
}

const viewerOf = (user: StaffUser): StatisticsViewer => ({ userId: user.id, role: user.role });

function toFilters(q: StatisticsFilters): DbFilters {
  return { from: q.from, to: q.to, examIds: q.examId, disciplineIds: q.disciplineId, groupIds: q.groupId };
}

export class StatisticsService {
  constructor(private readonly deps: StatisticsServiceDeps) {}

  /** §4.1–4.3 for the charts; each view of the page is audit-logged with its filters. */
  async overview(user: StaffUser, q: StatisticsFilters): Promise<StatisticsOverview> {
    await this.check(user, q);
    const viewer = viewerOf(user);
    const filters = toFilters(q);
    const [activity, c] = await Promise.all([
      activityStatistics(this.deps.db, viewer, filters),
      connectionStatistics(this.deps.db, viewer, filters),
    ]);
    await appendAction(this.deps.db, {
      actorUserId: user.id,
      actorName: user.fullName,
      actorIin: user.iin,
      action: 'statistics.viewed',
      details: { ...q },
    });
    return {
      from: q.from,
      to: q.to,
      ...activity,
      connections: {
        ...c,
        successPercent: statisticsPercent(c.successful, c.attempts),
        failedPercent: statisticsPercent(c.failed, c.attempts),
        resolvedPercent: statisticsPercent(c.sessionsResolved, c.sessionsWithErrors),
      },
    };
  }

  /** §4.4, one page of sessions; sorted and paged in the database. */
  async reconnects(user: StaffUser, q: ReconnectsQuery): Promise<ReconnectsResponse> {
    await this.check(user, q);
    const result = await reconnectStatistics(this.deps.db, viewerOf(user), toFilters(q), {
      sort: q.sort,
      direction: q.dir,
      page: q.page,
      pageSize: q.pageSize,
    });
    return {
      rows: result.rows.map((r) => ({ ...r, startedAt: r.startedAt.toISOString() })),
      total: result.total,
      page: q.page,
      pageSize: q.pageSize,
      summary: result.summary,
    };
  }

  /** §4.5, one page of candidates. */
  async candidates(user: StaffUser, q: CandidateStatsQuery): Promise<CandidateStatsResponse> {
    await this.check(user, q);
    const result = await candidateStatistics(this.deps.db, viewerOf(user), toFilters(q), {
      sort: q.sort,
      direction: q.dir,
      page: q.page,
      pageSize: q.pageSize,
    });
    return { rows: result.rows, total: result.total, page: q.page, pageSize: q.pageSize };
  }

  /** Choices of the page's exam, discipline and group filters (the user's own scope). */
  options(user: StaffUser): Promise<StatisticsOptions> {
    return statisticsOptions(this.deps.db, viewerOf(user));
  }

  /**
   * 400 for a range the page must not ask for; 403 when a proctor names an exam not assigned
   * to them (scoping would hide it anyway; the error says why the numbers are empty).
   */
  private async check(user: StaffUser, q: StatisticsFilters): Promise<void> {
    const error = statisticsRangeError(q);
    if (error === 'date_range_inverted') {
      throw new DomainError(error, `The start of the range (${q.from}) is after its end (${q.to}).`);
    }
    if (error === 'date_range_too_long') {
      throw new DomainError(error, `A range may cover at most ${STATISTICS_MAX_DAYS} days; ${q.from} to ${q.to} is longer.`);
    }
    if (user.role === 'admin' || !q.examId?.length) return;
    const refused = await unassignedExamIds(this.deps.db, user.id, q.examId);
    if (refused.length) {
      throw new DomainError('forbidden', `You are not assigned to exam${refused.length > 1 ? 's' : ''} ${refused.join(', ')}.`);
    }
  }
}
