/** What is read back about sessions: settled results and statistics, report export files, the action archive. */
import type { ColumnType, Generated } from 'kysely';
import type { Locale } from '../enums.ts';
import type { ReportExportKind, ReportExportStatus } from '../report-exports.ts';
import type { Timestamp, DefaultTimestamp, WithDefault, JsonbWithDefault } from './columns.ts';

/**
 * Per candidate and archive flag: aggregates of their sessions for the grouped Results view,
 * maintained by triggers on exam_sessions (migration 0004); read-only here.
 */
export interface CandidateResultsTable {
  candidateId: ColumnType<string, never, never>;
  archived: ColumnType<boolean, never, never>;
  candidateName: ColumnType<string, never, never>;
  sessionCount: ColumnType<number, never, never>;
  firstStartedAt: ColumnType<Date | null, never, never>;
  lastStartedAt: ColumnType<Date | null, never, never>;
  lastEndedAt: ColumnType<Date | null, never, never>;
  minHonesty: ColumnType<number | null, never, never>;
  avgHonesty: ColumnType<number | null, never, never>;
  notViewedCount: ColumnType<number, never, never>;
  undecidedCount: ColumnType<number, never, never>;
}

/**
 * Per session: attempts, time offline between them, violations (migration 0009), kept exact
 * by triggers on attempts and violations for the Statistics page; read-only here.
 */
export interface SessionStatisticsTable {
  sessionId: ColumnType<string, never, never>;
  connections: ColumnType<number, never, never>;
  /** bigint, parsed to number by createDb. */
  offlineMs: ColumnType<number, never, never>;
  violations: ColumnType<number, never, never>;
}

/** Background report files (migration 0007); see report-export.repository.ts. */
export interface ReportExportsTable {
  id: Generated<string>;
  kind: ReportExportKind;
  requestedBy: string;
  filters: JsonbWithDefault<Record<string, unknown>>;
  locale: Locale;
  status: WithDefault<ReportExportStatus>;
  progressRows: WithDefault<number>;
  totalRows: number | null;
  /** bigint, parsed to number by createDb. */
  bytes: number | null;
  /** Relative to the reports directory; written by the job, never taken from a request. */
  filePath: string | null;
  error: string | null;
  createdAt: DefaultTimestamp;
  finishedAt: Timestamp | null;
}

export interface ActionLogTable {
  /** bigserial, parsed to number by createDb. */
  id: Generated<number>;
  actorUserId: string | null;
  actorName: string;
  actorIin: string | null;
  sessionId: string | null;
  action: string;
  details: JsonbWithDefault<Record<string, unknown>>;
  at: DefaultTimestamp;
}
