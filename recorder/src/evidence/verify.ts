/**
 * Verifying a session's evidence: the chain is intact (every entry hashes to itself, links to
 * its predecessor and carries a valid signature of a registered key), every item whose latest
 * entry is `sealed` still has that digest, and nothing that should be sealed is missing
 * from the chain. Recordings are re-read from disk, so this takes about a second per GB.
 */
import { verify, createPublicKey } from 'node:crypto';
import {
  listDeviceSegments,
  type DeviceSegment,
  listEvidenceEntries,
  listEvidenceKeys,
  listRecordings,
  listViolationRows,
  violationContext,
  type EvidenceItem,
  type EvidenceKind,
  type RecordingListItem,
  type Violation,
} from '@proctor/db';
import type { Db } from '../db.ts';
import { resolveRecordingPath } from '../jobs/finalise-recording.ts';
import { entryHash } from './chain.ts';
import { fileDigest, violationDigest } from './digests.ts';

export type ChainProblem = 'bad_hash' | 'broken_link' | 'bad_signature' | 'unknown_key';
export type ItemProblem = 'altered' | 'missing' | 'not_sealed' | 'unverifiable';

export interface EvidenceItemIssue {
  kind: EvidenceKind;
  itemId: string;
  problem: ItemProblem;
}

export interface EvidenceVerification {
  /**
   * verified: chain intact, every sealed item unchanged, nothing left out. altered: the chain
   * or a sealed item was changed or removed outside the chain. incomplete: what is sealed is
   * intact, but some items are not (yet) sealed or cannot be checked. none: nothing to check.
   */
  status: 'verified' | 'altered' | 'incomplete' | 'none';
  entries: number;
  sealed: number;
  removed: number;
  keys: { id: string; nodeId: string }[];
  chain: { seq: number; problem: ChainProblem }[];
  items: EvidenceItemIssue[];
}

interface SessionItems {
  recordings: Map<string, RecordingListItem>;
  deviceSegments: Map<string, DeviceSegment>;
  violations: Map<string, Violation>;
  recordingsDir: string;
}

/**
 * The current digest of an item: null when it is gone, 'unverifiable' when this build cannot
 * read items of that kind.
 */
const READERS: Record<EvidenceKind, (items: SessionItems, itemId: string) => Promise<string | null | 'unverifiable'>> = {
  recording: async (items, id) => {
    const r = items.recordings.get(id);
    return r ? fileDigest(resolveRecordingPath(items.recordingsDir, r.path)) : null;
  },
  snapshot: async (items, id) => {
    const path = items.violations.get(id)?.snapshotPath;
    return path ? fileDigest(resolveRecordingPath(items.recordingsDir, path)) : null;
  },
  violation: async (items, id) => {
    const v = items.violations.get(id);
    return v ? violationDigest(v) : null;
  },
  device_segment: async (items, id) => {
    const d = items.deviceSegments.get(id);
    return d ? fileDigest(resolveRecordingPath(items.recordingsDir, d.path)) : null;
  },
};

function verifySignature(entry: EvidenceItem, publicKeyPem: string): boolean {
  try {
    return verify(null, Buffer.from(entry.entryHash, 'hex'), createPublicKey(publicKeyPem), Buffer.from(entry.signature, 'base64'));
  } catch {
    return false;
  }
}

export async function verifySessionEvidence(deps: { db: Db; recordingsDir: string }, sessionId: string): Promise<EvidenceVerification> {
  const { db } = deps;
  const [entries, recordings, violations, context] = await Promise.all([
    listEvidenceEntries(db, sessionId),
    listRecordings(db, sessionId),
    listViolationRows(db, sessionId),
    violationContext(db, sessionId),
  ]);
  const keys = await listEvidenceKeys(db, [...new Set(entries.map((e) => e.keyId))]);
  const keyById = new Map(keys.map((k) => [k.id, k]));

  const chain: EvidenceVerification['chain'] = [];
  let previous: EvidenceItem | undefined;
  for (const [i, e] of entries.entries()) {
    if (entryHash(e) !== e.entryHash) chain.push({ seq: e.seq, problem: 'bad_hash' });
    if (e.seq !== i + 1 || e.prevHash !== (previous?.entryHash ?? null)) chain.push({ seq: e.seq, problem: 'broken_link' });
    const key = keyById.get(e.keyId);
    if (!key) chain.push({ seq: e.seq, problem: 'unknown_key' });
    else if (!verifySignature(e, key.publicKey)) chain.push({ seq: e.seq, problem: 'bad_signature' });
    previous = e;
  }

  const latest = new Map<string, EvidenceItem>();
  for (const e of entries) latest.set(`${e.kind}:${e.itemId}`, e);
  const items: SessionItems = {
    recordings: new Map(recordings.map((r) => [r.id, r])),
    deviceSegments: new Map((await listDeviceSegments(db, sessionId)).map((d) => [d.id, d])),
    violations: new Map(violations.map((v) => [v.id, v])),
    recordingsDir: deps.recordingsDir,
  };
  const issues: EvidenceItemIssue[] = [];
  let sealed = 0;
  let removed = 0;
  for (const e of latest.values()) {
    if (e.action === 'removed') {
      removed++;
      continue;
    }
    sealed++;
    const now = await READERS[e.kind](items, e.itemId);
    if (now === 'unverifiable') issues.push({ kind: e.kind, itemId: e.itemId, problem: 'unverifiable' });
    else if (now === null) issues.push({ kind: e.kind, itemId: e.itemId, problem: 'missing' });
    else if (now !== e.digest) issues.push({ kind: e.kind, itemId: e.itemId, problem: 'altered' });
  }

  // What should be in the chain by now and is not: a finalised recording, a snapshot, a
  // closed violation of a finished session. Between finishing and sealing this is normal for
  // a few seconds; later it means an item was added behind the chain's back.
  const inChain = (kind: EvidenceKind, id: string) => latest.has(`${kind}:${id}`);
  for (const r of recordings) if (r.status === 'finalised' && !inChain('recording', r.id)) issues.push({ kind: 'recording', itemId: r.id, problem: 'not_sealed' });
  for (const v of violations) {
    if (v.snapshotPath && !inChain('snapshot', v.id)) issues.push({ kind: 'snapshot', itemId: v.id, problem: 'not_sealed' });
    if (context?.status === 'finished' && v.endsAt && !inChain('violation', v.id)) issues.push({ kind: 'violation', itemId: v.id, problem: 'not_sealed' });
  }

  const broken = chain.length > 0 || issues.some((i) => i.problem === 'altered' || i.problem === 'missing');
  const status = broken ? 'altered' : issues.length > 0 ? 'incomplete' : entries.length > 0 ? 'verified' : 'none';
  return { status, entries: entries.length, sealed, removed, keys: keys.map((k) => ({ id: k.id, nodeId: k.nodeId })), chain, items: issues };
}
