/**
 * The demo inbox: e-mails caught by the in-process SMTP server (no SMTP_URL), newest first.
 * Registered only in demo mode (`--demo`) without SMTP_URL, and shown only to signed-in
 * admins: whoever reads it can follow anyone's password-reset link. Signed out → the
 * sign-in page (back here after it); a proctor → 403.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CaughtMail, DevMailbox } from '../../services/mail.service.ts';

export const DEV_MAIL_PATH = '/dev/mail';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Escaped text with its http(s) links made clickable (the reset link is the point). */
const linkify = (text: string) => escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

function renderMail(mail: CaughtMail): string {
  return `<article>
  <h2>${escapeHtml(mail.subject || '(no subject)')}</h2>
  <p class="meta">${escapeHtml(mail.receivedAt.toISOString())} · from ${escapeHtml(mail.from)} · to ${escapeHtml(mail.to)}</p>
  <pre>${linkify(mail.text)}</pre>
  ${mail.attachments.map((a) => `<p class="meta">📎 ${escapeHtml(a.filename)} (${escapeHtml(a.contentType)}, ${Math.ceil(a.size / 1024)} KB)</p>`).join('')}
</article>`;
}

function renderInbox(messages: readonly CaughtMail[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Demo mail (${messages.length})</title>
<style>body{font:15px system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
article{border:1px solid #ccc;border-radius:6px;padding:0 1rem;margin:1rem 0}.meta{color:#666;font-size:13px}
pre{white-space:pre-wrap;font:inherit}</style></head>
<body><h1>Demo mail</h1>
<p>E-mails this server sent while no <code>SMTP_URL</code> is configured; kept in memory, last ${messages.length} shown. Refreshes every 5 s.</p>
${messages.length ? messages.map(renderMail).join('\n') : '<p><em>No e-mail yet.</em></p>'}
</body></html>`;
}

async function adminsOnly(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!req.user) {
    await reply.redirect(`/login?next=${encodeURIComponent(DEV_MAIL_PATH)}`, 302);
    return;
  }
  if (req.user.role !== 'admin') {
    await reply
      .code(403)
      .header('content-type', 'text/plain; charset=utf-8')
      .send('403: only administrators may read the demo mail.');
  }
}

export const devMailRoutes: FastifyPluginAsync<{ mailbox: DevMailbox }> = async (app, { mailbox }) => {
  app.get(DEV_MAIL_PATH, { preHandler: adminsOnly }, async (_req, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(renderInbox(mailbox.messages)),
  );
};
