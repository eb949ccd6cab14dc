/**
 * Outgoing e-mail. Callers depend on the small `Mailer` interface only, so the password
 * reset (inline today) and the BullMQ e-mail job (later) send the same way.
 *
 * With SMTP_URL set, mail goes to that server. Without it (the demo), an SMTP server runs
 * inside this process and keeps what it receives in memory, shown at `/dev/mail`: the real
 * SMTP path is exercised, yet nothing leaves the machine.
 */
import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Logger } from 'pino';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** e.g. the photo report PDF (recorder's e-mail job). */
  attachments?: MailAttachment[];
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface CaughtMail {
  /** 1, 2, … in order of arrival. */
  seq: number;
  receivedAt: Date;
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Names and sizes only: the demo inbox lists them; the bytes are not kept. */
  attachments: { filename: string; contentType: string; size: number }[];
}

/** Messages the in-process SMTP server received, newest first. */
export class DevMailbox {
  /** Enough for a demo; older ones are dropped so memory stays bounded. */
  static readonly KEEP = 100;
  readonly #messages: CaughtMail[] = [];
  #received = 0;
  #waiters: (() => void)[] = [];

  get messages(): readonly CaughtMail[] {
    return this.#messages;
  }

  /** How many messages arrived so far (the `seq` of the newest). */
  get received(): number {
    return this.#received;
  }

  add(mail: Omit<CaughtMail, 'seq'>): void {
    this.#messages.unshift({ seq: ++this.#received, ...mail });
    this.#messages.length = Math.min(this.#messages.length, DevMailbox.KEEP);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * The newest message to `to` that arrived after message number `since`, waiting for it if
   * needed (tests, scripts: take `received` before triggering the e-mail).
   */
  async waitFor(to: string, { since = 0, timeoutMs = 10_000 } = {}): Promise<CaughtMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.#messages.find((m) => m.seq > since && m.to.toLowerCase().includes(to.toLowerCase()));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no e-mail to ${to} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface MailSetup {
  mailer: Mailer;
  /** Present only without SMTP_URL. */
  devMailbox: DevMailbox | null;
  close(): Promise<void>;
}

export interface MailOptions {
  /** e.g. smtp://user:pass@mail.example.org:587 or smtps://…; unset = in-process catcher. */
  smtpUrl?: string;
  from: string;
  log: Logger;
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return '';
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(', ');
}

function smtpMailer(transport: Transporter, from: string): Mailer {
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}

async function startDevMailbox(log: Logger): Promise<{ mailbox: DevMailbox; port: number; server: SMTPServer }> {
  const mailbox = new DevMailbox();
  const server = new SMTPServer({
    authOptional: true,
    // Loopback only; TLS would add nothing but the library's published test certificate.
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Reports with a dozen snapshots are a few MB once base64-encoded.
    size: 25 * 1024 * 1024,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mailbox.add({
            receivedAt: new Date(),
            from: addressText(mail.from),
            to: addressText(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size })),
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  server.on('error', (err) => log.error({ err }, 'dev mail catcher failed'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { mailbox, port: (server.server.address() as AddressInfo).port, server };
}

export async function startMail({ smtpUrl, from, log }: MailOptions): Promise<MailSetup> {
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return { mailer: smtpMailer(transport, from), devMailbox: null, close: async () => transport.close() };
  }
  const dev = await startDevMailbox(log);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: dev.port, secure: false, ignoreTLS: true });
  return {
    mailer: smtpMailer(transport, from),
    devMailbox: dev.mailbox,
    async close() {
      transport.close();
      await new Promise<void>((resolve) => dev.server.close(() => resolve()));
    },
  };
}
