/** Other systems: sign-on integrations and their external ids (#10), API keys and webhooks (#13). */
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultTimestamp, WithDefault } from './columns.ts';

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
