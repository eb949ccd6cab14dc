/**
 * The photo report ("Short report", manual §2.4.3): the candidate card, its pictures, the
 * PDF download and e-mailing the PDF. HTTP-free; routes/photo-report.routes.ts maps
 * requests onto it. The card itself (data, HTML, PDF) is built in @proctor/recorder, where
 * the e-mail job renders the very same document.
 *
 * Pictures are found from database rows only (violations.snapshot_path,
 * verifications.face_photo_path): the client names an event by id, never a path, and the
 * resolved file must stay inside the recordings directory (symlinks included).
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { appendAction, listRecordings, type DB, type RecordingListItem } from '@proctor/db';
import {
  type JobQueue,
  type PhotoCardEvent,
  QUEUES,
  enqueueMissingSnapshots,
  loadPhotoCard,
  renderPhotoReportPdf,
  resolveRecordingPath,
} from '@proctor/recorder';
import type { PhotoReport, PhotoReportEmailRequest, PhotoReportEvent, PhotoReportLocale } from '../contract/api/photo-report.ts';
import { photoReportApi } from '../contract/api/photo-report.ts';
import { DomainError } from '../domain/errors.ts';
import { assertSessionAccess } from '../domain/access.ts';
import type { StaffUser } from './results.service.ts';

export interface PhotoReportServiceDeps {
  db: Kysely<DB>;
  /** Root of recordings and snapshots; null on a node without them (pictures 404, PDF without pictures). */
  recordingsDir: string | null;
  /** For the snapshot and e-mail jobs; null = e-mail unavailable (503), snapshots not requested. */
  queue: JobQueue | null;
  log: Logger;
}

export interface PictureFile {
  file: string;
  contentType: string;
}

export const PHOTO_REPORT_DOWNLOADED = 'photo_report.downloaded';

const PICTURE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };
const noSuchSession = () => new DomainError('not_found', 'There is no such exam session.');
const iso = (d: Date) => d.toISOString();

/** Whether a recording that the snapshot job can still use covers a violation. */
function snapshotExpected(event: Extract<PhotoCardEvent, { kind: 'violation' }>, recordings: RecordingListItem[]): boolean {
  const { attemptId } = event;
  return recordings.some(
    (r) =>
      r.kind === 'video' &&
      r.status !== 'failed' &&
      (attemptId ? r.attemptId === attemptId : r.startedAt <= event.startsAt && (!r.endedAt || r.endedAt >= event.startsAt)),
  );
}

export class PhotoReportService {
  constructor(private readonly deps: PhotoReportServiceDeps) {}

  async card(user: StaffUser, sessionId: string): Promise<PhotoReport> {
    await assertSessionAccess(this.deps.db, user, sessionId);
    const { db, queue } = this.deps;
    const [card, recordings] = await Promise.all([loadPhotoCard(db, sessionId), listRecordings(db, sessionId)]);
    if (!card) throw noSuchSession();

    let requested = false;
    if (queue && card.events.some((e) => e.kind === 'violation' && !e.picturePath)) {
      // Idempotent job id: opening the page again while the job runs adds nothing.
      requested = await enqueueMissingSnapshots(db, queue, sessionId).then(
        (n) => n > 0,
        (err: unknown) => {
          this.deps.log.warn({ err, sessionId }, 'could not enqueue violation snapshots');
          return false;
        },
      );
    }
    const pictureUrl = (eventId: string) =>
      photoReportApi.picture.path.replace(':id', encodeURIComponent(sessionId)).replace(':eventId', encodeURIComponent(eventId));
    // Like the PDF, a picture whose file is gone is a placeholder, never a broken image.
    const onDisk = await Promise.all(card.events.map((e) => (e.picturePath ? this.fileOf(e.picturePath).then((f) => f !== null) : false)));

    const events: PhotoReportEvent[] = card.events.map((e, i) =>
      e.kind === 'verification'
        ? { kind: 'verification', id: e.id, result: e.result, startsAt: iso(e.startsAt), endsAt: iso(e.endsAt), pictureUrl: onDisk[i] ? pictureUrl(e.id) : null }
        : {
            kind: 'violation',
            id: e.id,
            type: e.type,
            startsAt: iso(e.startsAt),
            endsAt: e.endsAt ? iso(e.endsAt) : null,
            pictureUrl: onDisk[i] ? pictureUrl(e.id) : null,
            pending: !e.picturePath && requested && snapshotExpected(e, recordings),
          },
    );
    const { header } = card;
    return {
      sessionId,
      candidateName: header.candidateName,
      examName: header.examName,
      timeZone: header.timeZone,
      startedAt: header.startedAt ? iso(header.startedAt) : null,
      endedAt: header.endedAt ? iso(header.endedAt) : null,
      violationCount: card.violationCount,
      honesty: header.honesty,
      events,
    };
  }

  /** The picture of one event of the session (404 when it has none or the file is gone). */
  async picture(user: StaffUser, sessionId: string, eventId: string): Promise<PictureFile> {
    await assertSessionAccess(this.deps.db, user, sessionId);
    const card = await loadPhotoCard(this.deps.db, sessionId);
    const event = card?.events.find((e) => e.id === eventId);
    const relative = event?.picturePath;
    const file = relative ? await this.fileOf(relative) : null;
    const contentType = relative ? PICTURE_TYPES[path.extname(relative).toLowerCase()] : undefined;
    if (!file || !contentType) throw new DomainError('not_found', 'This event has no picture.');
    return { file, contentType };
  }

  /** The card as an A4 PDF in `locale`; the download is written to the action archive. */
  async pdf(user: StaffUser, sessionId: string, locale: PhotoReportLocale): Promise<{ pdf: Buffer; fileName: string }> {
    await assertSessionAccess(this.deps.db, user, sessionId);
    const { db } = this.deps;
    // Without a recordings root the card renders with placeholders rather than failing.
    const report = await renderPhotoReportPdf(db, this.deps.recordingsDir ?? '/nonexistent', sessionId, locale);
    if (!report) throw noSuchSession();
    await appendAction(db, {
      actorUserId: user.id,
      actorName: user.fullName,
      actorIin: user.iin,
      sessionId,
      action: PHOTO_REPORT_DOWNLOADED,
      details: { locale, bytes: report.pdf.length },
    });
    return { pdf: report.pdf, fileName: report.fileName };
  }

  /** Queues the e-mail job; it logs "photo_report.emailed" once the mail is accepted by the server. */
  async email(user: StaffUser, sessionId: string, request: PhotoReportEmailRequest): Promise<{ queued: true }> {
    await assertSessionAccess(this.deps.db, user, sessionId);
    if (!this.deps.queue) throw new DomainError('unavailable', 'E-mail is not available on this server (no job queue).');
    await this.deps.queue.add(QUEUES.photoReportEmail, {
      sessionId,
      to: request.to,
      locale: request.locale,
      requestedBy: { userId: user.id, fullName: user.fullName, iin: user.iin },
    });
    return { queued: true };
  }

  private async fileOf(relative: string): Promise<string | null> {
    const dir = this.deps.recordingsDir;
    if (!dir) return null;
    try {
      const root = await realpath(dir);
      const real = await realpath(resolveRecordingPath(dir, relative));
      return real.startsWith(root + path.sep) ? real : null;
    } catch {
      return null;
    }
  }
}
