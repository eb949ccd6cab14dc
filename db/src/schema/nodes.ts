/** State the media nodes share: room leases (#15), rate-limit counters, the domain-event outbox (#13). */
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultTimestamp } from './columns.ts';

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

/** Fixed-window request counters per key (route + client address), shared by all nodes. */
export interface RateLimitHitsTable {
  key: string;
  hits: number;
  resetsAt: Timestamp;
}

export interface DomainEventOutboxTable {
  id: Generated<number>;
  eventId: Generated<string>;
  type: string;
  payload: ColumnType<unknown, string, string>;
  occurredAt: DefaultTimestamp;
}
