/**
 * The data of a photo report card (manual §2.4.3), shared by the web API, the PDF and the
 * e-mail job: the header (candidate, exam, start, end, violation count, trust %) and the
 * events in time order — the identity verification first, then every violation — each with
 * the relative path of its picture (null = none yet / none possible).
 */
import { getPhotoCardHeader, latestVerification, listPhotoViolations, type PhotoCardHeader, type VerificationResult } from '@proctor/db';
import type { Db } from '../db.ts';

export type PhotoCardEvent =
  | { kind: 'verification'; id: string; result: VerificationResult; startsAt: Date; endsAt: Date; picturePath: string }
  | { kind: 'violation'; id: string; type: string; attemptId: string | null; startsAt: Date; endsAt: Date | null; picturePath: string | null };

export interface PhotoCard {
  header: PhotoCardHeader;
  violationCount: number;
  events: PhotoCardEvent[];
}

/** The card of a session, or null when the session does not exist. */
export async function loadPhotoCard(db: Db, sessionId: string): Promise<PhotoCard | null> {
  const [header, verification, violations] = await Promise.all([
    getPhotoCardHeader(db, sessionId),
    latestVerification(db, sessionId),
    listPhotoViolations(db, sessionId),
  ]);
  if (!header) return null;
  const events: PhotoCardEvent[] = [];
  if (verification) {
    events.push({
      kind: 'verification',
      id: verification.id,
      result: verification.result,
      startsAt: verification.startedAt,
      endsAt: verification.endedAt,
      picturePath: verification.facePhotoPath,
    });
  }
  for (const v of violations) {
    events.push({ kind: 'violation', id: v.id, type: v.type, attemptId: v.attemptId, startsAt: v.startsAt, endsAt: v.endsAt, picturePath: v.snapshotPath });
  }
  return { header, violationCount: violations.length, events };
}
