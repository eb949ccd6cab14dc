/**
 * Sealing evidence at the moment each item is final, and recording its legitimate removal.
 * Call sites: the finalise job (recordings), the snapshot job (snapshots), the end of a
 * session's processing (violations), retention and erasure (removals). A later converter of
 * recordings (or of device-recorded segments) seals through sealFileEvidence once its output
 * is final; that is the only function it needs.
 *
 * Sealing never re-seals an item whose content changed since it was sealed: a change nobody
 * wrote into the chain is exactly what verification must report.
 */
import { getRecording, latestEvidenceStates, listViolationRows, violationContext, type EvidenceKind } from '@proctor/db';
import type { Db } from '../db.ts';
import { resolveRecordingPath } from '../jobs/finalise-recording.ts';
import { appendEvidence } from './chain.ts';
import { fileDigest, violationDigest } from './digests.ts';
import type { EvidenceSigner } from './signer.ts';

export interface EvidenceDeps {
  db: Db;
  signer: EvidenceSigner;
  recordingsDir: string;
}

export type SealOutcome = 'sealed' | 'already_sealed' | 'unreadable';

/**
 * Seals one file-backed item (a recording, a device segment, a snapshot) by the SHA-256 of
 * its bytes. `relativePath` is relative to the recordings root. Idempotent per item.
 */
export async function sealFileEvidence(
  deps: EvidenceDeps,
  item: { sessionId: string; kind: Exclude<EvidenceKind, 'violation'>; itemId: string; relativePath: string },
): Promise<SealOutcome> {
  if ((await latestEvidenceStates(deps.db, item.sessionId, item.kind)).get(item.itemId)?.action === 'sealed') return 'already_sealed';
  const digest = await fileDigest(resolveRecordingPath(deps.recordingsDir, item.relativePath));
  if (!digest) return 'unreadable';
  await appendEvidence(deps.db, deps.signer, item.sessionId, [{ kind: item.kind, itemId: item.itemId, action: 'sealed', digest }]);
  return 'sealed';
}

/** Seals a recording whose file is final (status finalised). */
export async function sealRecordingEvidence(deps: EvidenceDeps, recordingId: string): Promise<SealOutcome> {
  const row = await getRecording(deps.db, recordingId);
  if (!row || row.status !== 'finalised') return 'unreadable';
  return sealFileEvidence(deps, { sessionId: row.sessionId, kind: 'recording', itemId: row.id, relativePath: row.path });
}

/**
 * Seals the closed violations of a finished session not in its chain yet. `amend` names
 * violations the caller itself just rewrote (a merge widened a sealed row): those are sealed
 * again with their new content. Returns how many entries were written.
 */
export async function sealSessionViolations(deps: Pick<EvidenceDeps, 'db' | 'signer'>, sessionId: string, amend: readonly string[] = []): Promise<number> {
  const context = await violationContext(deps.db, sessionId);
  if (context?.status !== 'finished') return 0;
  const [rows, chained] = await Promise.all([listViolationRows(deps.db, sessionId), latestEvidenceStates(deps.db, sessionId, 'violation')]);
  const again = new Set(amend);
  const changes = rows
    .filter((v) => v.endsAt !== null)
    .map((v) => ({ kind: 'violation' as const, itemId: v.id, action: 'sealed' as const, digest: violationDigest(v) }))
    .filter((c) => {
      const state = chained.get(c.itemId);
      return !state || (again.has(c.itemId) && state.digest !== c.digest);
    });
  await appendEvidence(deps.db, deps.signer, sessionId, changes);
  return changes.length;
}

/** Writes `removed` entries for the given items that are currently sealed (retention, erasure, re-analysis). */
export async function recordEvidenceRemoval(
  deps: Pick<EvidenceDeps, 'db' | 'signer'>,
  sessionId: string,
  kind: EvidenceKind,
  itemIds: readonly string[],
  reason: string,
): Promise<number> {
  if (itemIds.length === 0) return 0;
  const states = await latestEvidenceStates(deps.db, sessionId, kind);
  const changes = itemIds.filter((id) => states.get(id)?.action === 'sealed').map((itemId) => ({ kind, itemId, action: 'removed' as const, reason }));
  await appendEvidence(deps.db, deps.signer, sessionId, changes);
  return changes.length;
}
