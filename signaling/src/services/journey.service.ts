/**
 * The candidate journey before the exam: consent, device-check outcomes and the identity
 * verification. Every call names the session its token carries (http/candidate-auth.ts);
 * nothing here trusts a session id, path or file type coming from the browser.
 *
 * The face comparison runs twice: in the candidate's browser (`@vladmandic/human`, for
 * instant feedback; it also drives the exam's face detectors) and, when a FaceChecker is
 * configured (every media node), again here on the stored photos, whose findings replace the
 * page's. The server alone knows whether a reference photo exists and applies the threshold.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  CONSENT_ACTION,
  VERIFICATION_FLAGGED_ACTION,
  appendAction,
  examRetention,
  getExam,
  countFailedVerifications,
  getSessionForJoin,
  hasConsent,
  insertConnectionEvent,
  insertVerification,
  latestVerification,
  resolveConnectionFailures,
  type DB,
  type SessionForJoin,
  type Verification,
  type VerificationResult,
} from '@proctor/db';
import {
  VERIFICATION_MAX_ATTEMPTS,
  VERIFICATION_MIN_SIMILARITY,
  type ConsentRequest,
  type DeviceCheckReport,
  type JourneyState,
  type VerificationMeta,
  type VerificationOutcome,
  type VerificationView,
} from '../contract/api/journey.ts';
import { DomainError } from '../domain/errors.ts';
import { sniffImage, type PhotoStore, type PhotoType } from './admin-photo.service.ts';
import type { FaceChecker } from './face-check.service.ts';

export interface JourneyServiceDeps {
  db: Kysely<DB>;
  photos: PhotoStore;
  recordingsDir: string;
  log: Logger;
  /** Server-side face comparison; without it (API tests) the page's findings are used. */
  faces?: FaceChecker;
}

export interface VerificationPhotos {
  face: Uint8Array;
  document?: Uint8Array;
}

const EXT: Record<PhotoType, string> = { jpeg: 'jpg', png: 'png' };

/** The server's verdict from the page's findings (see the module comment). */
export function verificationResult(meta: Pick<VerificationMeta, 'faces' | 'similarity'>, hasReference: boolean): VerificationResult {
  if (meta.faces !== 1) return 'failed';
  if (!hasReference) return 'no_reference';
  return meta.similarity !== null && meta.similarity >= VERIFICATION_MIN_SIMILARITY ? 'successful' : 'failed';
}

function view(row: Verification): VerificationView {
  return {
    id: row.id,
    result: row.result,
    similarity: row.similarity,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt.toISOString(),
  };
}

export class JourneyService {
  constructor(private readonly deps: JourneyServiceDeps) {}

  async state(sessionId: string): Promise<JourneyState> {
    const s = await this.#session(sessionId);
    const [consentGiven, verification, exam, failures] = await Promise.all([
      hasConsent(this.deps.db, sessionId),
      latestVerification(this.deps.db, sessionId),
      getExam(this.deps.db, s.examId),
      countFailedVerifications(this.deps.db, sessionId),
    ]);
    return {
      sessionId: s.sessionId,
      examId: s.examId,
      examName: s.examName,
      candidateName: s.candidateName,
      examEndsAt: s.examEndsAt.toISOString(),
      status: s.status,
      consentGiven,
      hasReferencePhoto: this.deps.photos.resolve(s.referencePhotoPath) !== undefined,
      verification: verification ? view(verification) : null,
      retention: exam ? examRetention(exam) : { recordings: null, snapshots: null, photos: null, violations: null },
      verificationAttemptsLeft: verification && verification.result !== 'failed' ? 0 : Math.max(0, VERIFICATION_MAX_ATTEMPTS - failures),
      mediaProfile: s.mediaProfile,
    };
  }

  /** Records the consent once (in the audit trail); a second call changes nothing. */
  async consent(sessionId: string, { locale }: ConsentRequest): Promise<void> {
    const s = await this.#open(sessionId);
    if (await hasConsent(this.deps.db, sessionId)) return;
    await appendAction(this.deps.db, {
      actorUserId: null,
      actorName: s.candidateName,
      actorIin: s.candidateIin,
      sessionId,
      action: CONSENT_ACTION,
      details: { locale, examId: s.examId },
    });
  }

  async deviceCheck(sessionId: string, report: DeviceCheckReport): Promise<void> {
    await this.#open(sessionId);
    const { db } = this.deps;
    if (report.outcome === 'failed') {
      await insertConnectionEvent(db, { sessionId, kind: 'device_check_failed', error: report.error });
      return;
    }
    await insertConnectionEvent(db, { sessionId, kind: 'device_check_passed' });
    await resolveConnectionFailures(db, sessionId, 'device_check_failed');
  }

  /** The candidate's own reference photo, for the page's face comparison. */
  async referencePhoto(sessionId: string): Promise<{ file: string; mime: string }> {
    const s = await this.#open(sessionId);
    const file = this.deps.photos.resolve(s.referencePhotoPath);
    if (!file || !s.referencePhotoPath) throw new DomainError('not_found', 'There is no reference photo for this candidate.');
    return { file, mime: this.deps.photos.mimeOf(s.referencePhotoPath) };
  }

  async verify(sessionId: string, photos: VerificationPhotos, meta: VerificationMeta): Promise<VerificationOutcome> {
    const s = await this.#open(sessionId);
    const startedAt = new Date(meta.startedAt);
    const endedAt = new Date();
    // A start in the future or hours back is a broken clock or a forged field: keep the span sane.
    if (!(startedAt.getTime() <= endedAt.getTime() && endedAt.getTime() - startedAt.getTime() < 60 * 60 * 1000)) {
      throw new DomainError('bad_request', 'meta.startedAt: must be within the last hour');
    }
    const failuresBefore = await countFailedVerifications(this.deps.db, sessionId);
    if (failuresBefore >= VERIFICATION_MAX_ATTEMPTS) {
      throw new DomainError('conflict', 'The identity check was already tried the maximum number of times; continue to the exam, the proctor has been told.');
    }
    const faceType = sniffImage(photos.face);
    if (!faceType) throw new DomainError('unsupported_media_type', 'The face photo must be a JPEG or PNG image.');
    const documentType = photos.document ? sniffImage(photos.document) : undefined;
    if (photos.document && !documentType) {
      throw new DomainError('unsupported_media_type', 'The document photo must be a JPEG or PNG image.');
    }

    const referenceFile = this.deps.photos.resolve(s.referencePhotoPath) ?? null;
    const hasReference = referenceFile !== null;
    const stem = `${sessionId}/verification/${endedAt.getTime()}-${randomBytes(4).toString('hex')}`;
    const facePath = `${stem}-face.${EXT[faceType]}`;
    const documentPath = photos.document && documentType ? `${stem}-document.${EXT[documentType]}` : null;
    await this.#write(facePath, photos.face);
    if (documentPath && photos.document) await this.#write(documentPath, photos.document);
    try {
      const found = await this.#findings(this.#absolute(facePath), referenceFile, meta);
      const result = verificationResult(found, hasReference);
      const row = await insertVerification(this.deps.db, {
        sessionId,
        startedAt,
        endedAt,
        result,
        similarity: hasReference && found.faces === 1 ? found.similarity : null,
        facePhotoPath: facePath,
        documentPhotoPath: documentPath,
      });
      const failures = failuresBefore + (result === 'failed' ? 1 : 0);
      const flagged = result === 'failed' && failures >= VERIFICATION_MAX_ATTEMPTS;
      if (flagged) {
        await appendAction(this.deps.db, {
          actorUserId: null,
          actorName: s.candidateName,
          actorIin: s.candidateIin,
          sessionId,
          action: VERIFICATION_FLAGGED_ACTION,
          details: { failures, verificationId: row.id, similarity: row.similarity, faces: found.faces },
        });
      }
      this.deps.log.info({ sessionId, result, similarity: row.similarity, faces: found.faces, failures, flagged }, 'candidate verification stored');
      const attemptsLeft = result === 'failed' ? Math.max(0, VERIFICATION_MAX_ATTEMPTS - failures) : 0;
      return { ...view(row), faces: found.faces, attemptsLeft, flagged };
    } catch (err) {
      await Promise.all([facePath, documentPath].map((p) => (p ? fs.rm(this.#absolute(p), { force: true }) : undefined)));
      throw err;
    }
  }

  /** The server's own analysis of the stored photo; the page's claim only without a checker. */
  async #findings(faceFile: string, referenceFile: string | null, meta: VerificationMeta): Promise<Pick<VerificationMeta, 'faces' | 'similarity'>> {
    if (!this.deps.faces) return meta;
    try {
      return await this.deps.faces.compare(faceFile, referenceFile);
    } catch (err) {
      // An undecodable photo (sniffed as JPEG/PNG but broken) shows no face: a failed check.
      this.deps.log.warn({ err }, 'server-side face analysis failed; counting no face');
      return { faces: 0, similarity: null };
    }
  }

  #absolute(relative: string): string {
    const root = path.resolve(this.deps.recordingsDir);
    const absolute = path.resolve(root, relative);
    if (!absolute.startsWith(root + path.sep)) throw new Error(`path escapes the recordings dir: ${relative}`);
    return absolute;
  }

  /** Temporary file then rename, so a reader never sees half a photo. */
  async #write(relative: string, data: Uint8Array): Promise<void> {
    const absolute = this.#absolute(relative);
    await fs.mkdir(path.dirname(absolute), { recursive: true });
    const temporary = `${absolute}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temporary, data, { mode: 0o640 });
    await fs.rename(temporary, absolute);
  }

  async #session(sessionId: string): Promise<SessionForJoin> {
    const s = await getSessionForJoin(this.deps.db, sessionId);
    if (!s) throw new DomainError('not_found', 'This exam session does not exist.');
    return s;
  }

  /** The session, if the candidate may still act on it. */
  async #open(sessionId: string): Promise<SessionForJoin> {
    const s = await this.#session(sessionId);
    if (s.archived || s.examArchived || s.status === 'finished') {
      throw new DomainError('forbidden', 'This exam session is closed.');
    }
    return s;
  }
}
