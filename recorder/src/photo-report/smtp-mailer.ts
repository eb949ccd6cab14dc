/**
 * The jobs process's mail transport when it runs on its own: nodemailer to SMTP_URL. (A
 * media node that runs the jobs in-process passes its own mailer instead, which also
 * covers the demo inbox at /dev/mail.)
 */
import nodemailer from 'nodemailer';
import type { AttachmentMailer } from '../jobs/email-photo-report.ts';

export function smtpAttachmentMailer(smtpUrl: string, from: string): AttachmentMailer & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
    close: () => transport.close(),
  };
}
