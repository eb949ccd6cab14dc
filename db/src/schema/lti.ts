/** The LTI 1.3 tool (migration 0026, #13): platforms, launches, keys, links, users, grade targets, deep links. */
import type { ColumnType, Generated } from 'kysely';
import type { Locale } from '../enums.ts';
import type { Timestamp, DefaultTimestamp, WithDefault, Jsonb } from './columns.ts';

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

// LTI Proctoring Services (migration 0031, #13)
export type LtiProctoringStatus = 'started' | 'assessment' | 'ended';

export interface LtiProctoringAttemptsTable {
  id: Generated<string>;
  platformId: string;
  sub: string;
  resourceLinkId: string;
  attemptNumber: number;
  sessionId: string;
  deploymentId: string;
  /** The platform's opaque session_data (a string, or a number), returned unchanged in LtiStartAssessment; null: none sent. */
  sessionData: ColumnType<string | number | null, string | null, string | null>;
  startAssessmentUrl: string;
  /** The StartProctoring message's resource_link claim, echoed back. */
  resourceLink: Jsonb<Record<string, unknown>>;
  endAssessmentReturn: WithDefault<boolean>;
  status: WithDefault<LtiProctoringStatus>;
  assessmentStartedAt: Timestamp | null;
  endedAt: Timestamp | null;
  endedBy: 'platform' | 'session' | null;
  createdAt: DefaultTimestamp;
}
