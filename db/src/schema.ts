// Kysely's view of the tables. Keys are camelCase; CamelCasePlugin maps them to the
// snake_case tables and columns created in migrations/.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AttemptEndReason,
  ConnectionEventKind,
  Decision,
  Locale,
  MediaKind,
  ProctoringMode,
  RecordingSource,
  RecordingStatus,
  ReviewStatus,
  SessionStatus,
  UserRole,
  ViolationCategory,
  ViolationSource,
} from './enums.ts';
import type { ViolationType, ViolationWeights } from './violation-types.ts';
import type { MediaProfileId } from '@proctor/values';
import type { ReportExportKind, ReportExportStatus } from './report-exports.ts';
import type { VerificationResult } from './verification-results.ts';
import type { EvidenceAction, EvidenceKind, RemovalReason, RetainedKind } from './data-protection.ts';

/** timestamptz: pg returns Date; a Date or ISO string may be written. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** timestamptz with a database default (now()). */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A column with a database default that may still be set explicitly. */
export type WithDefault<T> = ColumnType<T, T | undefined, T>;
/**
 * jsonb: written as a JSON string because pg would turn a JS array into a Postgres array
 * literal; read back parsed. Keys inside are kept as written (CamelCasePlugin is told not
 * to touch nested objects).
 */
export type Jsonb<T> = ColumnType<T, string, string>;
export type JsonbWithDefault<T> = ColumnType<T, string | undefined, string>;

export interface UsersTable {
  id: Generated<string>;
  /** citext: comparisons are case-insensitive. */
  email: string;
  passwordHash: string | null;
  fullName: string;
  /** 12 digits; optional because an admin may have none. */
  iin: string | null;
  locale: WithDefault<Locale>;
  role: UserRole;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
}

export interface PasswordResetsTable {
  id: Generated<string>;
  userId: string;
  tokenHash: string;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
}

export interface UserSessionsTable {
  id: Generated<string>;
  userId: string;
  tokenHash: string;
  createdAt: DefaultTimestamp;
  expiresAt: Timestamp;
  lastSeenAt: DefaultTimestamp;
  /** inet, returned as text. */
  ip: string | null;
  userAgent: string | null;
}

/** Failed sign-ins, counted per e-mail for the account lock-out (see auth.service). */
export interface LoginFailuresTable {
  /** bigserial, parsed to number by createDb. */
  id: Generated<number>;
  /** citext; not a foreign key, unknown addresses are counted too. */
  email: string;
  /** inet, returned as text. */
  ip: string | null;
  at: DefaultTimestamp;
}

export interface GroupsTable {
  id: Generated<string>;
  name: string;
  archivedAt: Timestamp | null;
}

export interface DisciplinesTable {
  id: Generated<string>;
  name: string;
  archivedAt: Timestamp | null;
}

export interface ExamsTable {
  id: Generated<string>;
  name: string;
  disciplineId: string;
  startsAt: Timestamp;
  endsAt: Timestamp;
  /** IANA zone used to display this exam's times. */
  timeZone: WithDefault<string>;
  proctoringMode: WithDefault<ProctoringMode>;
  violationWeights: JsonbWithDefault<ViolationWeights>;
  honestyThreshold: WithDefault<number>;
  countTechnical: WithDefault<boolean>;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
  // Data protection (migration 0016): days after the exam's end each kind is kept; null = until erased.
  retentionRecordingsDays: WithDefault<number | null>;
  retentionSnapshotsDays: WithDefault<number | null>;
  retentionPhotosDays: WithDefault<number | null>;
  retentionViolationsDays: WithDefault<number | null>;
}

export interface ExamProctorsTable {
  examId: string;
  userId: string;
}

export interface CandidatesTable {
  id: Generated<string>;
  fullName: string;
  /** null only once the candidate is erased (migration 0016). */
  iin: string | null;
  groupId: string | null;
  referencePhotoPath: string | null;
  email: string | null;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
  /** Set by an erasure (migration 0016): the name is a pseudonym, IIN, e-mail and photo are gone. */
  erasedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ExamSessionsTable {
  id: Generated<string>;
  examId: string;
  candidateId: string;
  status: WithDefault<SessionStatus>;
  startedAt: Timestamp | null;
  endedAt: Timestamp | null;
  /** 0–100, null until computed. */
  honesty: number | null;
  decision: WithDefault<Decision>;
  reviewStatus: WithDefault<ReviewStatus>;
  archived: WithDefault<boolean>;
  createdAt: DefaultTimestamp;
  // Copies of the candidate's and exam's names for the Results page's sorting and
  // grouping; triggers (migration 0003) keep them exact, so they are never written here.
  candidateName: ColumnType<string, never, never>;
  groupId: ColumnType<string | null, never, never>;
  groupName: ColumnType<string | null, never, never>;
  examName: ColumnType<string, never, never>;
  disciplineId: ColumnType<string, never, never>;
}

export interface AttemptsTable {
  id: Generated<string>;
  sessionId: string;
  /** 1, 2, … per session. */
  number: number;
  /** The media node that served this attempt (for crash recovery). */
  nodeId: string;
  startedAt: Timestamp;
  endedAt: Timestamp | null;
  endReason: AttemptEndReason | null;
}

export interface RecordingsTable {
  id: Generated<string>;
  attemptId: string;
  /** Copy of the attempt's session (enforced by a composite foreign key) for listing. */
  sessionId: string;
  source: RecordingSource;
  kind: MediaKind;
  codec: string;
  /** Relative to the recordings root directory; never absolute (CHECK). */
  path: string;
  startedAt: Timestamp;
  endedAt: Timestamp | null;
  /** bigint, parsed to number by createDb. */
  bytes: WithDefault<number>;
  durationMs: number | null;
  status: WithDefault<RecordingStatus>;
  error: string | null;
}

export interface ViolationsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  type: ViolationType;
  category: ViolationCategory;
  startsAt: Timestamp;
  /** null while the violation is still going on. */
  endsAt: Timestamp | null;
  confidence: number | null;
  snapshotPath: string | null;
  source: ViolationSource;
  createdAt: DefaultTimestamp;
}

export interface ConnectionEventsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  kind: ConnectionEventKind;
  error: string | null;
  /** For failures: whether the candidate got past it; null when not applicable. */
  resolved: boolean | null;
  at: DefaultTimestamp;
}

/** Identity checks before an exam (migration 0005); see verification.repository.ts. */
export interface VerificationsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  startedAt: Timestamp;
  endedAt: Timestamp;
  result: VerificationResult;
  /** Cosine-like face similarity 0..1; null when there was no reference to compare with. */
  similarity: number | null;
  /** Relative to the recordings root; never absolute (CHECK). */
  facePhotoPath: string;
  documentPhotoPath: string | null;
  createdAt: DefaultTimestamp;
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

// ---------------------------------------------------------------------------------------
// Data protection (migration 0016): retention, erasure, evidence chain, shared rate limits.

/** What retention or an erasure removed from a session; read by reports and jobs. */
export interface SessionDataRemovalsTable {
  sessionId: string;
  kind: RetainedKind;
  reason: RemovalReason;
  items: WithDefault<number>;
  removedAt: DefaultTimestamp;
}

/** Counts of a session's removed violations per type, so statistics keep adding them up. */
export interface ViolationTalliesTable {
  sessionId: string;
  type: string;
  category: ViolationCategory;
  n: number;
}

/** Public keys (Ed25519, SPKI PEM) of the processes that sign evidence; id = SHA-256 of the DER. */
export interface EvidenceKeysTable {
  id: string;
  publicKey: string;
  nodeId: string;
  createdAt: DefaultTimestamp;
}

/** One entry of a session's evidence chain (append-only; see recorder/src/evidence/). */
export interface EvidenceItemsTable {
  sessionId: string;
  seq: number;
  kind: EvidenceKind;
  itemId: string;
  action: EvidenceAction;
  /** SHA-256 (hex) of the item's content when sealed; null for a removal. */
  digest: string | null;
  reason: string | null;
  recordedAt: Timestamp;
  prevHash: string | null;
  entryHash: string;
  /** Ed25519 signature of entry_hash, base64. */
  signature: string;
  keyId: string;
}

/** Fixed-window request counters per key (route + client address), shared by all nodes. */
export interface RateLimitHitsTable {
  key: string;
  hits: number;
  resetsAt: Timestamp;
}

// ── Room leases (#15: several media nodes) ───────────────────────────────────
/** Which media node holds an exam's live room, until when (migration 0015). */
export interface RoomLeasesTable {
  examId: string;
  nodeId: string;
  /** The node's own public address (NODE_URL): where links and sockets for this exam go. */
  nodeUrl: string;
  acquiredAt: DefaultTimestamp;
  expiresAt: Timestamp;
}
// ── end room leases ──────────────────────────────────────────────────────────

// ── Violation report keys (#12: each page report stored once) ────────────────
/** A candidate page's report key, claimed with the violation it stored (migration 0021). */
export interface ViolationReportsTable {
  sessionId: string;
  idempotencyKey: string;
  /** Null only inside the transaction that claims the key and stores the violation. */
  violationId: string | null;
  createdAt: DefaultTimestamp;
}
// ── end violation report keys ────────────────────────────────────────────────

export interface DB {
  users: UsersTable;
  passwordResets: PasswordResetsTable;
  userSessions: UserSessionsTable;
  loginFailures: LoginFailuresTable;
  groups: GroupsTable;
  disciplines: DisciplinesTable;
  exams: ExamsTable;
  examProctors: ExamProctorsTable;
  candidates: CandidatesTable;
  examSessions: ExamSessionsTable;
  candidateResults: CandidateResultsTable;
  attempts: AttemptsTable;
  recordings: RecordingsTable;
  violations: ViolationsTable;
  connectionEvents: ConnectionEventsTable;
  verifications: VerificationsTable;
  reportExports: ReportExportsTable;
  sessionStatistics: SessionStatisticsTable;
  actionLog: ActionLogTable;
  // Data protection (migration 0016)
  sessionDataRemovals: SessionDataRemovalsTable;
  violationTallies: ViolationTalliesTable;
  evidenceKeys: EvidenceKeysTable;
  evidenceItems: EvidenceItemsTable;
  rateLimitHits: RateLimitHitsTable;
  // Room leases (migration 0015)
  roomLeases: RoomLeasesTable;
  // Violation report keys (migration 0021)
  violationReports: ViolationReportsTable;
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
export type Violation = Selectable<ViolationsTable>;
export type NewViolation = Insertable<ViolationsTable>;
export type ConnectionEvent = Selectable<ConnectionEventsTable>;
export type Verification = Selectable<VerificationsTable>;
export type ReportExport = Selectable<ReportExportsTable>;
export type ActionLogEntry = Selectable<ActionLogTable>;
export type EvidenceItem = Selectable<EvidenceItemsTable>;
export type SessionDataRemoval = Selectable<SessionDataRemovalsTable>;

// ---------------------------------------------------------------------------------------
// #10: the assessment an exam opens, and sign-on links from external systems
// (migration 0010). Interface merging keeps these columns in one block of their own.

export type AssessmentMode = 'frame' | 'window';

/** What the server read from the assessment URL's headers when it was saved. */
export interface AssessmentCheck {
  checkedAt: string;
  /** allowed: may be framed by us; refused: X-Frame-Options / frame-ancestors forbid it; unreachable: no answer. */
  framing: 'allowed' | 'refused' | 'unreachable';
  status: number | null;
  xFrameOptions: string | null;
  frameAncestors: string | null;
  /** Why it was unreachable (network error, timeout), in English. */
  error: string | null;
}

export interface ExamsTable {
  /** http(s) address of the test (LMS quiz, form, …); null = the exam has none. */
  assessmentUrl: string | null;
  assessmentMode: WithDefault<AssessmentMode>;
  assessmentCheck: Jsonb<AssessmentCheck> | null;
}

export interface ExamSessionsTable {
  /** The candidate opened the assessment in a separate window at some point (weaker focus tracking). */
  assessmentWindowUsed: WithDefault<boolean>;
  /** Where "Finish" sends the candidate: the return URL of the latest sign-on link. */
  returnUrl: string | null;
}

/** Open set (no CHECK): later kinds attach to the same row. */
export type IntegrationKind = 'sign_on';

export interface IntegrationsTable {
  id: Generated<string>;
  name: string;
  kind: WithDefault<IntegrationKind>;
  /** HS256 key of sign-on links (exactly one of sharedSecret / jwksUrl for sign_on). */
  sharedSecret: string | null;
  /** Where the RS256 public keys of sign-on links are published. */
  jwksUrl: string | null;
  /** Accepted `iss` values. */
  issuers: ColumnType<string[], string[] | undefined, string[]>;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
}

export type ExternalRefKind = 'candidate' | 'group' | 'exam';

export interface ExternalRefsTable {
  integrationId: string;
  kind: ExternalRefKind;
  externalId: string;
  candidateId: string | null;
  groupId: string | null;
  examId: string | null;
  createdAt: DefaultTimestamp;
}

export interface SignOnUsesTable {
  integrationId: string;
  jti: string;
  sessionId: string | null;
  expiresAt: Timestamp;
  usedAt: DefaultTimestamp;
}

export interface DB {
  integrations: IntegrationsTable;
  externalRefs: ExternalRefsTable;
  signOnUses: SignOnUsesTable;
}

export type Integration = Selectable<IntegrationsTable>;

// --- 0022_api_keys: keys of the `/api/v1` REST API (#13) ---

export type ApiKeyScope = 'read' | 'write';

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  integrationId: string | null;
  /** Public part of the key (12 lowercase letters/digits), shown to admins and used to find the row. */
  prefix: string;
  /** SHA-256 of the whole key; the key itself is never stored. */
  secretHash: Buffer;
  scopes: ColumnType<ApiKeyScope[], ApiKeyScope[], ApiKeyScope[]>;
  /** null = every exam. */
  examId: string | null;
  createdBy: string | null;
  createdAt: DefaultTimestamp;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export interface DB {
  apiKeys: ApiKeysTable;
}

export type ApiKey = Selectable<ApiKeysTable>;

// --- 0024_exam_media_profile: what a candidate's page sends, per exam (#11) ---

export interface ExamsTable {
  /** A name from @proctor/values MEDIA_PROFILE_IDS; the numbers live there, once. */
  mediaProfile: WithDefault<MediaProfileId>;
}

// --- 0025_webhooks: webhook endpoints, their delivery log, the domain-event outbox (#13) ---

export type WebhookDeliveryStatus = 'pending' | 'queued' | 'retrying' | 'delivered' | 'failed';

export interface WebhookEndpointsTable {
  id: Generated<string>;
  name: string;
  integrationId: string | null;
  url: string;
  /** The HMAC key deliveries are signed with; kept as given because signing needs it. */
  secret: string;
  events: ColumnType<string[], string[], string[]>;
  /** null = every exam. */
  examId: string | null;
  enabled: WithDefault<boolean>;
  createdBy: string | null;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  /** Insertion order: the deliveries of one (endpoint, session) go out in this order. */
  seq: Generated<number>;
  endpointId: string;
  eventId: string;
  eventType: string;
  sessionId: string | null;
  /** The exact JSON posted and signed. */
  body: string;
  status: WithDefault<WebhookDeliveryStatus>;
  attempts: WithDefault<number>;
  /** Times it was queued (1 + manual redeliveries); part of its job id. */
  rounds: WithDefault<number>;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  createdAt: DefaultTimestamp;
  lastAttemptAt: Timestamp | null;
  deliveredAt: Timestamp | null;
}

export interface DomainEventOutboxTable {
  id: Generated<number>;
  eventId: Generated<string>;
  type: string;
  payload: ColumnType<unknown, string, string>;
  occurredAt: DefaultTimestamp;
}

export interface DB {
  webhookEndpoints: WebhookEndpointsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  domainEventOutbox: DomainEventOutboxTable;
}

export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;

// --- 0026_lti: LTI 1.3 tool (#13) ---

export interface CandidatesTable {
  /** 'lti': came from an LMS launch without an IIN (the only way a live candidate has none). */
  iinSource: 'lti' | null;
}

export interface LtiPlatformsTable {
  id: Generated<string>;
  name: string;
  /** The platform's `iss`. */
  issuer: string;
  /** The client id the platform gave this tool (the id_token's `aud`). */
  clientId: string;
  /** OIDC authorization endpoint the login initiation redirects to. */
  authLoginUrl: string;
  /** OAuth2 token endpoint (client credentials for AGS). */
  authTokenUrl: string;
  jwksUrl: string;
  deploymentIds: ColumnType<string[], string[], string[]>;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
}

export interface LtiNoncesTable {
  state: string;
  nonce: string;
  platformId: string;
  targetLinkUri: string;
  expiresAt: Timestamp;
  createdAt: DefaultTimestamp;
}

export type LtiKeyStatus = 'active' | 'previous' | 'retired';

export interface LtiKeysTable {
  kid: string;
  publicJwk: Jsonb<Record<string, unknown>>;
  privateJwk: Jsonb<Record<string, unknown>>;
  status: LtiKeyStatus;
  createdAt: DefaultTimestamp;
  rotatedAt: Timestamp | null;
}

export interface LtiLinksTable {
  platformId: string;
  resourceLinkId: string;
  contextId: string | null;
  contextTitle: string | null;
  title: string | null;
  examId: string;
  createdAt: DefaultTimestamp;
}

export interface LtiUsersTable {
  platformId: string;
  kind: 'candidate' | 'user';
  sub: string;
  candidateId: string | null;
  userId: string | null;
  createdAt: DefaultTimestamp;
}

export type LtiGradeStatus = 'waiting' | 'pending' | 'sent' | 'failed';

export interface LtiGradeTargetsTable {
  sessionId: string;
  platformId: string;
  sub: string;
  resourceLinkId: string;
  lineitemsUrl: string | null;
  lineitemUrl: string | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  locale: WithDefault<Locale>;
  status: WithDefault<LtiGradeStatus>;
  lastError: string | null;
  attempts: WithDefault<number>;
  lastAttemptAt: Timestamp | null;
  sentAt: Timestamp | null;
  sentScore: number | null;
  sentDecision: string | null;
  createdAt: DefaultTimestamp;
}

export interface LtiDeepLinksTable {
  id: string;
  platformId: string;
  userId: string;
  deploymentId: string;
  returnUrl: string;
  data: string | null;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
}

export interface DB {
  ltiDeepLinks: LtiDeepLinksTable;
  ltiPlatforms: LtiPlatformsTable;
  ltiNonces: LtiNoncesTable;
  ltiKeys: LtiKeysTable;
  ltiLinks: LtiLinksTable;
  ltiUsers: LtiUsersTable;
  ltiGradeTargets: LtiGradeTargetsTable;
}

export type LtiPlatform = Selectable<LtiPlatformsTable>;
export type LtiKey = Selectable<LtiKeysTable>;
export type LtiGradeTarget = Selectable<LtiGradeTargetsTable>;

// Device-recorded segments (migration 0029, #12)
export type DeviceSegmentSource = 'camera' | 'screen';

export interface DeviceSegmentsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  /** 'camera' holds the camera and the microphone (one WebM), 'screen' the screen. */
  source: DeviceSegmentSource;
  startedAt: Timestamp;
  endedAt: Timestamp;
  /** Lower-case hex SHA-256 of the file, as the page computed it and the server verified. */
  sha256: string;
  /** bigint, parsed to number by createDb. */
  bytes: number;
  /** Relative to the recordings root; never absolute (CHECK). */
  path: string;
  uploadedAt: DefaultTimestamp;
}

export interface DB {
  deviceSegments: DeviceSegmentsTable;
}

export type DeviceSegment = Selectable<DeviceSegmentsTable>;

/** A span a running recording got no media (#12, migration 0033). */
export interface RecordingGapsTable {
  id: Generated<string>;
  recordingId: string;
  startedAt: Timestamp;
  endedAt: Timestamp;
}

export interface DB {
  recordingGaps: RecordingGapsTable;
}
