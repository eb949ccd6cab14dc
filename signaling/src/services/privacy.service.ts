/**
 * A candidate's personal data on request: export everything held about them, and erase it.
 * HTTP-free; routes/privacy.routes.ts maps requests onto it (admins only).
 *
 * Export: a zip streamed to the admin, `data.json` (the candidate record, every session with
 * its attempts, recordings, violations, identity checks, connection events and what was
 * deleted, and every action-log entry about them) followed by the media files themselves.
 * Entries are stored, not deflated (media is compressed already), so the zip's size is known
 * before the first byte and the browser shows real download progress.
 *
 * Erasure: for each session, recordings, snapshots, verification photos and violations are
 * deleted through the same path as retention (action archive + evidence chain entries);
 * then the record keeps only a pseudonym, and the action log loses the candidate's name and
 * IIN. Sessions keep their timings, honesty and decision, so statistics stay whole.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import yazl from 'yazl';
import { appendAction, candidateData, eraseCandidateRecord, getCandidate, RETAINED_KINDS, type CandidateData, type DB, type RetainedKind } from '@proctor/db';
import { removeSessionData, resolveRecordingPath, type EvidenceSigner } from '@proctor/recorder';
import { EXPORT_DATA_FILE, type ErasureRequest, type ErasureResult } from '../contract/api/privacy.ts';
import { DomainError } from '../domain/errors.ts';
import type { PhotoStore } from './admin-photo.service.ts';
import type { StaffUser } from './results.service.ts';

export interface PrivacyServiceDeps {
  db: Kysely<DB>;
  recordingsDir: string | null;
  photos: PhotoStore;
  /** Signs the evidence-chain entries of an erasure; null = erasure unavailable on this node. */
  signer: EvidenceSigner | null;
  log: Logger;
}

export interface CandidateExport {
  /** The zip, streamed. */
  stream: NodeJS.ReadableStream;
  /** Exact byte length (entries are stored, so it is known up front). */
  size: number;
  fileName: string;
}

/** What is erased first: snapshots go with their violations, recordings last (the largest). */
const ERASURE_ORDER: RetainedKind[] = ['snapshots', 'violations', 'photos', 'recordings'];

export const CANDIDATE_EXPORTED = 'candidate.data_exported';
export const CANDIDATE_ERASED = 'candidate.erased';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const safeSegment = (s: string) => s.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80) || 'file';

/** The pseudonym an erased record carries: stable, unique, and no personal data. */
export function erasedName(candidateId: string): string {
  return `ID-${candidateId.slice(0, 8)}`;
}

interface MediaFile {
  /** Absolute path on this node. */
  file: string;
  /** Name inside the zip. */
  name: string;
  size: number;
}

export class PrivacyService {
  constructor(private readonly deps: PrivacyServiceDeps) {}

  async exportCandidate(user: StaffUser, candidateId: string): Promise<CandidateExport> {
    const { db } = this.deps;
    const data = await candidateData(db, candidateId);
    if (!data) throw new DomainError('not_found', 'There is no such candidate.');
    const media: MediaFile[] = [];
    const json = await this.describe(data, media, user);
    const zip = new yazl.ZipFile();
    const mtime = new Date();
    zip.addBuffer(Buffer.from(JSON.stringify(json, null, 2), 'utf8'), EXPORT_DATA_FILE, { compress: false, mtime });
    for (const m of media) zip.addFile(m.file, m.name, { compress: false, mtime });
    // yazl reports the final size once it knows every entry's (its typings omit the argument).
    const onSize = (finalSize: number) => (finalSize >= 0 ? resolveSize(finalSize) : rejectSize(new Error('zip size unknown')));
    let resolveSize!: (n: number) => void;
    let rejectSize!: (e: Error) => void;
    const sized = new Promise<number>((resolve, reject) => {
      resolveSize = resolve;
      rejectSize = reject;
    });
    zip.once('error', (err: Error) => rejectSize(err));
    zip.end({ forceZip64Format: false, comment: '' }, onSize as unknown as () => void);
    const size = await sized;
    await appendAction(db, {
      actorUserId: user.id,
      actorName: user.fullName,
      actorIin: user.iin,
      action: CANDIDATE_EXPORTED,
      details: { candidateId, sessions: data.sessions.length, files: media.length, bytes: size },
    });
    this.deps.log.info({ candidateId, files: media.length, bytes: size, by: user.id }, 'candidate data exported');
    return { stream: zip.outputStream, size, fileName: `candidate-${candidateId.slice(0, 8)}.zip` };
  }

  async eraseCandidate(user: StaffUser, candidateId: string, request: ErasureRequest): Promise<ErasureResult> {
    const { db, signer, recordingsDir } = this.deps;
    if (!signer || !recordingsDir) throw new DomainError('unavailable', 'Erasure is not available on this server (no recordings directory or evidence key).');
    const candidate = await getCandidate(db, candidateId);
    if (!candidate) throw new DomainError('not_found', 'There is no such candidate.');
    if (candidate.erasedAt) throw new DomainError('conflict', "This candidate's data was erased already.");
    const data = (await candidateData(db, candidateId))!;
    if (data.sessions.some((s) => s.session.status === 'in_progress')) {
      throw new DomainError('conflict', 'The candidate is taking an exam right now; erase after the session has finished.');
    }

    const at = new Date();
    const actor = { userId: user.id, name: user.fullName, iin: user.iin };
    const deleted = Object.fromEntries(RETAINED_KINDS.map((k) => [k, 0])) as Record<RetainedKind, number>;
    for (const { session } of data.sessions) {
      for (const kind of ERASURE_ORDER) {
        const outcome = await removeSessionData({ db, signer, recordingsDir }, { sessionId: session.id, kind, reason: 'erasure', actor, at });
        if (outcome) deleted[kind] += outcome.items;
      }
    }
    const pseudonym = erasedName(candidateId);
    const erased = await eraseCandidateRecord(db, candidateId, pseudonym, at);
    if (!erased) throw new DomainError('not_found', 'There is no such candidate.');
    await this.deps.photos.remove(erased.previousPhoto);
    const result: ErasureResult = {
      candidateId,
      pseudonym,
      erasedAt: at.toISOString(),
      sessions: data.sessions.length,
      deleted: { ...deleted, referencePhoto: erased.previousPhoto !== null },
    };
    await appendAction(db, {
      actorUserId: user.id,
      actorName: user.fullName,
      actorIin: user.iin,
      action: CANDIDATE_ERASED,
      details: { candidateId, reason: request.reason, sessions: result.sessions, deleted: result.deleted },
      at,
    });
    this.deps.log.info({ candidateId, by: user.id, ...result.deleted }, 'candidate data erased');
    return result;
  }

  /** data.json, collecting the media files (those present on disk) into `media`. */
  private async describe(data: CandidateData, media: MediaFile[], user: StaffUser): Promise<Record<string, unknown>> {
    const add = async (file: string | undefined, name: string): Promise<string | null> => {
      if (!file) return null;
      const size = await stat(file).then((s) => (s.isFile() ? s.size : null), () => null);
      if (size === null) return null;
      media.push({ file, name, size });
      return name;
    };
    const inRecordings = (relative: string | null) => {
      if (!relative || !this.deps.recordingsDir) return undefined;
      try {
        return resolveRecordingPath(this.deps.recordingsDir, relative);
      } catch {
        return undefined;
      }
    };
    const c = data.candidate;
    const photo = c.referencePhotoPath
      ? await add(this.deps.photos.resolve(c.referencePhotoPath), `media/reference-photo${path.extname(c.referencePhotoPath)}`)
      : null;

    const sessions = [];
    for (const s of data.sessions) {
      const dir = `media/${safeSegment(s.session.examName)}_${s.session.id.slice(0, 8)}`;
      const attemptNumber = new Map(s.attempts.map((a) => [a.id, a.number]));
      const recordings = [];
      for (const r of s.recordings) {
        const name = `${dir}/attempt-${attemptNumber.get(r.attemptId) ?? 0}-${r.source}-${r.id.slice(0, 8)}${path.extname(r.path)}`;
        recordings.push({
          id: r.id,
          attempt: attemptNumber.get(r.attemptId) ?? null,
          source: r.source,
          kind: r.kind,
          codec: r.codec,
          startedAt: iso(r.startedAt),
          endedAt: iso(r.endedAt),
          durationMs: r.durationMs,
          bytes: r.bytes,
          status: r.status,
          file: await add(inRecordings(r.path), name),
        });
      }
      const violations = [];
      for (const v of s.violations) {
        violations.push({
          id: v.id,
          attempt: v.attemptId ? (attemptNumber.get(v.attemptId) ?? null) : null,
          type: v.type,
          category: v.category,
          startsAt: iso(v.startsAt),
          endsAt: iso(v.endsAt),
          confidence: v.confidence,
          source: v.source,
          snapshot: await add(inRecordings(v.snapshotPath), `${dir}/snapshots/${v.id}.jpg`),
        });
      }
      const verifications = [];
      for (const v of s.verifications) {
        verifications.push({
          id: v.id,
          startedAt: iso(v.startedAt),
          endedAt: iso(v.endedAt),
          result: v.result,
          similarity: v.similarity,
          facePhoto: await add(inRecordings(v.facePhotoPath), `${dir}/verification/${v.id}-face${path.extname(v.facePhotoPath)}`),
          documentPhoto: v.documentPhotoPath
            ? await add(inRecordings(v.documentPhotoPath), `${dir}/verification/${v.id}-document${path.extname(v.documentPhotoPath)}`)
            : null,
        });
      }
      sessions.push({
        id: s.session.id,
        exam: { id: s.session.examId, name: s.session.examName },
        status: s.session.status,
        createdAt: iso(s.session.createdAt),
        startedAt: iso(s.session.startedAt),
        endedAt: iso(s.session.endedAt),
        honesty: s.session.honesty,
        decision: s.session.decision,
        reviewStatus: s.session.reviewStatus,
        archived: s.session.archived,
        attempts: s.attempts.map((a) => ({ number: a.number, startedAt: iso(a.startedAt), endedAt: iso(a.endedAt), endReason: a.endReason })),
        recordings,
        violations,
        verifications,
        connectionEvents: s.connectionEvents.map((e) => ({ kind: e.kind, error: e.error, resolved: e.resolved, at: iso(e.at) })),
        deleted: s.removals.map((r) => ({ kind: r.kind, reason: r.reason, items: r.items, at: iso(r.removedAt) })),
      });
    }
    return {
      format: 'proctor-candidate-export/1',
      exportedAt: new Date().toISOString(),
      exportedBy: user.fullName,
      candidate: {
        id: c.id,
        fullName: c.fullName,
        iin: c.iin,
        email: c.email,
        group: c.groupName,
        createdAt: iso(c.createdAt),
        archivedAt: iso(c.archivedAt),
        erasedAt: iso(c.erasedAt),
        referencePhoto: photo,
      },
      sessions,
      actionLog: data.actions.map((a) => ({ actor: a.actorName, actorIin: a.actorIin, sessionId: a.sessionId, action: a.action, details: a.details, at: iso(a.at) })),
    };
  }
}
