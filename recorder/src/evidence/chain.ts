/**
 * A session's evidence chain: entries appended in order, each naming its predecessor's hash,
 * each hash signed. Changing, removing or reordering an entry breaks every later link or a
 * signature; changing an item breaks its digest. Legitimate changes (retention, erasure, a
 * re-analysis replacing the server's findings) are entries too (`removed`), written by the
 * code that makes them, so verification tells them apart from tampering.
 */
import { createHash } from 'node:crypto';
import { inTransaction, insertEvidenceEntries, lastEvidenceEntry, lockEvidenceChain, type EvidenceAction, type EvidenceItem, type EvidenceKind } from '@proctor/db';
import type { Db } from '../db.ts';
import type { EvidenceSigner } from './signer.ts';

export interface EvidenceChange {
  kind: EvidenceKind;
  itemId: string;
  action: EvidenceAction;
  /** SHA-256 hex of the item's content; required for `sealed`, absent for `removed`. */
  digest?: string | null;
  /** Why an item was removed ('retention', 'erasure', 'resampled'). */
  reason?: string | null;
}

type EntryFields = Pick<EvidenceItem, 'sessionId' | 'seq' | 'kind' | 'itemId' | 'action' | 'digest' | 'reason' | 'recordedAt' | 'prevHash'>;

/** The hash an entry is identified and signed by: every field of it, in a fixed order. */
export function entryHash(e: EntryFields): string {
  const canonical = JSON.stringify([
    'evidence/v1',
    e.sessionId,
    e.seq,
    e.kind,
    e.itemId,
    e.action,
    e.digest,
    e.reason,
    e.recordedAt.toISOString(),
    e.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends changes to a session's chain, signed by `signer` (whose key must be registered),
 * atomically with whatever else `db` (a transaction, possibly) does. Returns the entries.
 */
export function appendEvidence(db: Db, signer: EvidenceSigner, sessionId: string, changes: EvidenceChange[], at: Date = new Date()): Promise<EvidenceItem[]> {
  if (changes.length === 0) return Promise.resolve([]);
  return inTransaction(db, async (trx) => {
    await lockEvidenceChain(trx, sessionId);
    const last = await lastEvidenceEntry(trx, sessionId);
    let seq = last?.seq ?? 0;
    let prevHash = last?.entryHash ?? null;
    // Millisecond precision: what timestamptz keeps of a JS Date, so the hash reads back equal.
    const recordedAt = new Date(Math.floor(at.getTime()));
    const entries = changes.map((c): EvidenceItem => {
      if ((c.action === 'sealed') !== Boolean(c.digest)) throw new Error(`evidence ${c.action} of ${c.kind} ${c.itemId}: digest ${c.digest ? 'not allowed' : 'required'}`);
      seq += 1;
      const fields: EntryFields = {
        sessionId,
        seq,
        kind: c.kind,
        itemId: c.itemId,
        action: c.action,
        digest: c.digest ?? null,
        reason: c.reason ?? null,
        recordedAt,
        prevHash,
      };
      const hash = entryHash(fields);
      prevHash = hash;
      return { ...fields, entryHash: hash, signature: signer.sign(hash), keyId: signer.keyId };
    });
    await insertEvidenceEntries(trx, entries);
    return entries;
  });
}
