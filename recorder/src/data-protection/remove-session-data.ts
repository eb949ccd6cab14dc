/**
 * Deleting one kind of a session's personal data, for the retention job and for erasure:
 * the files, the rows that point to them, an entry in the action archive saying what went
 * and why, and `removed` entries in the session's evidence chain (so verification says
 * "deleted under the policy", not "missing").
 *
 * One transaction per session and kind, serialised by an advisory lock, so two jobs
 * processes (or a retention run and an erasure) never delete or log the same thing twice.
 * Files are deleted inside it before commit: if anything fails the marks roll back and the
 * next run deletes again (a file already gone counts as deleted).
 */
import { readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  appendAction,
  clearSnapshotPaths,
  deleteSessionViolations,
  inTransaction,
  isDataRemoved,
  listSessionPhotoFiles,
  listSessionRecordingFiles,
  listSessionSnapshotFiles,
  lockSessionDataRemoval,
  markDataRemoved,
  type RemovalReason,
  type RetainedKind,
} from '@proctor/db';
import type { Db } from '../db.ts';
import { recordEvidenceRemoval } from '../evidence/seal.ts';
import type { EvidenceSigner } from '../evidence/signer.ts';
import { resolveRecordingPath } from '../jobs/finalise-recording.ts';

export interface RemovalDeps {
  db: Db;
  signer: EvidenceSigner;
  recordingsDir: string;
}

/** Who the action archive names: a user (erasure) or the system (retention). */
export interface RemovalActor {
  userId: string | null;
  name: string;
  iin: string | null;
}

export const SYSTEM_ACTOR: RemovalActor = { userId: null, name: 'system', iin: null };

export interface RemovalOutcome {
  kind: RetainedKind;
  /** Files deleted (recordings, snapshots, photos) or rows deleted (violations). */
  items: number;
  bytes: number;
}

/** The archive entry every removal writes. */
export const DATA_DELETED = 'data.deleted';

async function deleteFiles(root: string, relatives: readonly string[]): Promise<number> {
  let deleted = 0;
  const dirs = new Set<string>();
  for (const relative of relatives) {
    const file = resolveRecordingPath(root, relative);
    try {
      await unlink(file);
      deleted++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    dirs.add(path.dirname(file));
  }
  // Leave no empty attempt/session folders behind (never the root itself).
  for (let dir of dirs) {
    while (dir.startsWith(path.resolve(root) + path.sep)) {
      const left = await readdir(dir).catch(() => null);
      if (left === null || left.length > 0) break;
      await rmdir(dir).catch(() => {});
      dir = path.dirname(dir);
    }
  }
  return deleted;
}

/**
 * Removes `kind` from the session (violations take their snapshots with them: a snapshot
 * illustrates a violation). Returns null when it had been removed already.
 */
export async function removeSessionData(
  deps: RemovalDeps,
  input: { sessionId: string; kind: RetainedKind; reason: RemovalReason; actor: RemovalActor; details?: Record<string, unknown>; at?: Date },
): Promise<RemovalOutcome | null> {
  const { sessionId, kind, reason, actor } = input;
  const at = input.at ?? new Date();
  return inTransaction(deps.db, async (trx) => {
    await lockSessionDataRemoval(trx, sessionId);
    if (await isDataRemoved(trx, sessionId, kind)) return null;
    const evidence = { db: trx, signer: deps.signer };
    let items = 0;
    let bytes = 0;
    if (kind === 'recordings') {
      const files = await listSessionRecordingFiles(trx, sessionId);
      items = await deleteFiles(deps.recordingsDir, files.map((f) => f.path));
      bytes = files.reduce((sum, f) => sum + f.bytes, 0);
      await recordEvidenceRemoval(evidence, sessionId, 'recording', files.map((f) => f.id), reason);
    } else if (kind === 'photos') {
      items = await deleteFiles(deps.recordingsDir, await listSessionPhotoFiles(trx, sessionId));
    } else {
      if (kind === 'snapshots' || !(await isDataRemoved(trx, sessionId, 'snapshots'))) {
        const snapshots = await listSessionSnapshotFiles(trx, sessionId);
        const deleted = await deleteFiles(deps.recordingsDir, snapshots.map((s) => s.path));
        await clearSnapshotPaths(trx, sessionId);
        await recordEvidenceRemoval(evidence, sessionId, 'snapshot', snapshots.map((s) => s.violationId), reason);
        if (kind === 'snapshots') items = deleted;
        else await markDataRemoved(trx, { sessionId, kind: 'snapshots', reason, items: deleted, at });
      }
      if (kind === 'violations') {
        const ids = await deleteSessionViolations(trx, sessionId);
        items = ids.length;
        await recordEvidenceRemoval(evidence, sessionId, 'violation', ids, reason);
      }
    }
    await markDataRemoved(trx, { sessionId, kind, reason, items, at });
    // Marked either way (not looked at again); only a deletion of something is worth an archive line.
    if (items === 0) return { kind, items, bytes };
    await appendAction(trx, {
      actorUserId: actor.userId,
      actorName: actor.name,
      actorIin: actor.iin,
      sessionId,
      action: DATA_DELETED,
      details: { kind, reason, items, ...(bytes ? { bytes } : {}), ...input.details },
      at,
    });
    return { kind, items, bytes };
  });
}
