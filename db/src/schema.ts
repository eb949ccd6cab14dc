// Kysely's view of the tables. Keys are camelCase; CamelCasePlugin maps them to the
// snake_case tables and columns created in migrations/. The tables are declared one file
// per domain under schema/; here they are joined into `DB`, with the row types.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { LoginFailuresTable, PasswordResetsTable, UserSessionsTable, UsersTable } from './schema/accounts.ts';
import type { CandidatesTable, DisciplinesTable, ExamProctorsTable, ExamsTable, GroupsTable } from './schema/catalog.ts';
import type { AttemptsTable, ConnectionEventsTable, DeviceSegmentsTable, ExamSessionsTable, RecordingGapsTable, RecordingsTable, VerificationsTable, ViolationReportsTable, ViolationsTable } from './schema/sessions.ts';
import type { ActionLogTable, CandidateResultsTable, ReportExportsTable, SessionStatisticsTable } from './schema/reports.ts';
import type { EvidenceItemsTable, EvidenceKeysTable, SessionDataRemovalsTable, ViolationTalliesTable } from './schema/data-protection.ts';
import type { DomainEventOutboxTable, RateLimitHitsTable, RoomLeasesTable } from './schema/nodes.ts';
import type { ApiKeysTable, ExternalRefsTable, IntegrationsTable, SignOnUsesTable, WebhookDeliveriesTable, WebhookEndpointsTable } from './schema/integrations.ts';
import type { LtiDeepLinksTable, LtiGradeTargetsTable, LtiKeysTable, LtiLinksTable, LtiNoncesTable, LtiPlatformsTable, LtiProctoringAttemptsTable, LtiUsersTable } from './schema/lti.ts';

export type * from './schema/columns.ts';
export type * from './schema/accounts.ts';
export type * from './schema/catalog.ts';
export type * from './schema/sessions.ts';
export type * from './schema/reports.ts';
export type * from './schema/data-protection.ts';
export type * from './schema/nodes.ts';
export type * from './schema/integrations.ts';
export type * from './schema/lti.ts';

export interface DB {
  // schema/accounts.ts
  users: UsersTable;
  passwordResets: PasswordResetsTable;
  userSessions: UserSessionsTable;
  loginFailures: LoginFailuresTable;
  // schema/catalog.ts
  groups: GroupsTable;
  disciplines: DisciplinesTable;
  exams: ExamsTable;
  examProctors: ExamProctorsTable;
  candidates: CandidatesTable;
  // schema/sessions.ts
  examSessions: ExamSessionsTable;
  attempts: AttemptsTable;
  recordings: RecordingsTable;
  recordingGaps: RecordingGapsTable;
  deviceSegments: DeviceSegmentsTable;
  violations: ViolationsTable;
  violationReports: ViolationReportsTable;
  connectionEvents: ConnectionEventsTable;
  verifications: VerificationsTable;
  // schema/reports.ts
  candidateResults: CandidateResultsTable;
  sessionStatistics: SessionStatisticsTable;
  reportExports: ReportExportsTable;
  actionLog: ActionLogTable;
  // schema/data-protection.ts
  sessionDataRemovals: SessionDataRemovalsTable;
  violationTallies: ViolationTalliesTable;
  evidenceKeys: EvidenceKeysTable;
  evidenceItems: EvidenceItemsTable;
  // schema/nodes.ts
  roomLeases: RoomLeasesTable;
  rateLimitHits: RateLimitHitsTable;
  domainEventOutbox: DomainEventOutboxTable;
  // schema/integrations.ts
  integrations: IntegrationsTable;
  externalRefs: ExternalRefsTable;
  signOnUses: SignOnUsesTable;
  apiKeys: ApiKeysTable;
  webhookEndpoints: WebhookEndpointsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  // schema/lti.ts
  ltiPlatforms: LtiPlatformsTable;
  ltiNonces: LtiNoncesTable;
  ltiKeys: LtiKeysTable;
  ltiLinks: LtiLinksTable;
  ltiUsers: LtiUsersTable;
  ltiGradeTargets: LtiGradeTargetsTable;
  ltiDeepLinks: LtiDeepLinksTable;
  ltiProctoringAttempts: LtiProctoringAttemptsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type PasswordReset = Selectable<PasswordResetsTable>;
export type Group = Selectable<GroupsTable>;
export type Discipline = Selectable<DisciplinesTable>;
export type Exam = Selectable<ExamsTable>;
export type NewExam = Insertable<ExamsTable>;
export type Candidate = Selectable<CandidatesTable>;
export type NewCandidate = Insertable<CandidatesTable>;
export type ExamSession = Selectable<ExamSessionsTable>;
export type Attempt = Selectable<AttemptsTable>;
export type Recording = Selectable<RecordingsTable>;
export type DeviceSegment = Selectable<DeviceSegmentsTable>;
export type Violation = Selectable<ViolationsTable>;
export type NewViolation = Insertable<ViolationsTable>;
export type ConnectionEvent = Selectable<ConnectionEventsTable>;
export type Verification = Selectable<VerificationsTable>;
export type ReportExport = Selectable<ReportExportsTable>;
export type ActionLogEntry = Selectable<ActionLogTable>;
export type EvidenceItem = Selectable<EvidenceItemsTable>;
export type SessionDataRemoval = Selectable<SessionDataRemovalsTable>;
export type Integration = Selectable<IntegrationsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type LtiPlatform = Selectable<LtiPlatformsTable>;
export type LtiKey = Selectable<LtiKeysTable>;
export type LtiGradeTarget = Selectable<LtiGradeTargetsTable>;
export type LtiProctoringAttempt = Selectable<LtiProctoringAttemptsTable>;
