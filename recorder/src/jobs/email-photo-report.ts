/**
 * E-mails a session's photo report: render the PDF, send it as an attachment, then append
 * "report e-mailed to …" to the session's action archive in the name of who asked.
 *
 * The address was validated by the API with the contract's schema and again by the
 * payload schema. An SMTP refusal is retried by the queue (3 attempts); a session that no
 * longer exists fails for good.
 */
import { appendAction } from '@proctor/db';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import type { JobContext } from '../queue.ts';
import { CARD_TEXTS } from '../photo-report/card-texts.ts';
import { renderPhotoReportPdf } from '../photo-report/photo-report-pdf.ts';
import type { PhotoReportEmailPayload } from './types.ts';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** What the job needs from a mail transport (signaling's Mailer and reportMailerFromUrl satisfy it). */
export interface AttachmentMailer {
  send(message: { to: string; subject: string; text: string; attachments: MailAttachment[] }): Promise<void>;
}

export interface EmailPhotoReportDeps {
  db: Db;
  recordingsDir: string;
  /** null: this jobs process has no way to send mail (no SMTP_URL). */
  mailer: AttachmentMailer | null;
  logger: Logger;
}

/** The action archive entry written for every e-mailed report. */
export const PHOTO_REPORT_EMAILED = 'photo_report.emailed';
/** Written when the last attempt failed (e.g. the mail server refused the address). */
export const PHOTO_REPORT_EMAIL_FAILED = 'photo_report.email_failed';

/** Runs the job; on its final failure the action archive says the report did not go out, and why. */
export async function emailPhotoReport(deps: EmailPhotoReportDeps, payload: PhotoReportEmailPayload, ctx: JobContext): Promise<void> {
  try {
    await sendPhotoReport(deps, payload);
  } catch (error) {
    if (ctx.isFinalAttempt || error instanceof UnrecoverableError) {
      const message = error instanceof Error ? error.message : String(error);
      await appendAction(deps.db, {
        actorUserId: payload.requestedBy.userId,
        actorName: payload.requestedBy.fullName,
        actorIin: payload.requestedBy.iin,
        sessionId: payload.sessionId,
        action: PHOTO_REPORT_EMAIL_FAILED,
        details: { to: payload.to, error: message.slice(0, 300) },
      }).catch((err: unknown) => deps.logger.error({ err }, 'could not log the failed e-mail'));
    }
    throw error;
  }
}

async function sendPhotoReport(deps: EmailPhotoReportDeps, payload: PhotoReportEmailPayload): Promise<void> {
  if (!deps.mailer) throw new UnrecoverableError('cannot e-mail the photo report: SMTP_URL is not set in the jobs process');
  const report = await renderPhotoReportPdf(deps.db, deps.recordingsDir, payload.sessionId, payload.locale);
  if (!report) throw new UnrecoverableError(`session ${payload.sessionId} does not exist`);
  const t = CARD_TEXTS[payload.locale];
  const { candidateName, examName } = report.card.header;
  await deps.mailer.send({
    to: payload.to,
    subject: t.mailSubject(candidateName, examName),
    text: t.mailBody(candidateName, examName),
    attachments: [{ filename: report.fileName, content: report.pdf, contentType: 'application/pdf' }],
  });
  await appendAction(deps.db, {
    actorUserId: payload.requestedBy.userId,
    actorName: payload.requestedBy.fullName,
    actorIin: payload.requestedBy.iin,
    sessionId: payload.sessionId,
    action: PHOTO_REPORT_EMAILED,
    details: { to: payload.to, locale: payload.locale, bytes: report.pdf.length },
  });
  deps.logger.info({ sessionId: payload.sessionId, bytes: report.pdf.length }, 'photo report e-mailed');
}
