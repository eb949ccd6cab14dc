/** Data protection (migration 0016): what retention or an erasure removed, violation tallies kept for statistics, the evidence chain and its keys. */
import type { ViolationCategory } from '../enums.ts';
import type { EvidenceAction, EvidenceKind, RemovalReason, RetainedKind } from '../data-protection.ts';
import type { Timestamp, DefaultTimestamp, WithDefault } from './columns.ts';

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
