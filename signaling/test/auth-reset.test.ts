/**
 * "Forgot password": the e-mail goes through real SMTP into the in-process inbox, and its
 * link sets a new password exactly once, within its lifetime.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { MEDIA_DEMO_ADMIN_EMAIL, MEDIA_DEMO_PROCTOR_EMAIL, upsertUserByEmail } from '@proctor/db';
import { DEFAULT_AUTH_LIMITS, hashPassword } from '../src/services/auth.service.ts';
import { DEMO_PASSWORDS, PUBLIC_URL, login, nextIp, send, startAuthHarness, type AuthHarness } from './auth-harness.ts';

const LINK = new RegExp(`${PUBLIC_URL}/reset-password\\?token=([\\w-]+)`);

describe('password reset', () => {
  let h: AuthHarness;
  beforeAll(async () => {
    h = await startAuthHarness();
  });
  afterAll(() => h?.close());

  const forgot = (email: string) => send(h.app, 'POST', '/api/auth/forgot-password', { email }, { ip: nextIp() });
  const reset = (token: string, password: string) =>
    send(h.app, 'POST', '/api/auth/reset-password', { token, password }, { ip: nextIp() });
  /** Requests a link for `email` and returns the token from the e-mail that arrives. */
  async function mailedToken(email: string): Promise<string> {
    const since = h.mailbox.received;
    assert.equal((await forgot(email)).statusCode, 200);
    const mail = await h.mailbox.waitFor(email, { since });
    assert.equal(h.mailbox.received, since + 1);
    return LINK.exec(mail.text)![1]!;
  }

  it('mails a one-time link in the user’s language; the link sets a new password once', async () => {
    const oldSession = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);

    const res = await forgot(MEDIA_DEMO_PROCTOR_EMAIL);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { ok: true });
    const mail = await h.mailbox.waitFor(MEDIA_DEMO_PROCTOR_EMAIL);
    assert.equal(mail.subject, 'Құпиясөзді қалпына келтіру', 'the demo proctor reads Kazakh');
    assert.match(mail.from, /no-reply@proctor\.test/);
    assert.match(mail.text, /60 минут/);
    const token = LINK.exec(mail.text)?.[1];
    assert.ok(token, mail.text);

    const done = await reset(token, 'a-brand-new-password');
    assert.equal(done.statusCode, 200, done.body);
    assert.match(String(done.headers['set-cookie']), /^proctor_session=;/);

    const again = await reset(token, 'yet-another-password');
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error.code, 'reset_token_used');

    // Old password out, new one in, and whoever held a session before is signed out.
    const oldPassword = await send(h.app, 'POST', '/api/auth/login', { email: MEDIA_DEMO_PROCTOR_EMAIL, password: DEMO_PASSWORDS.proctor }, { ip: nextIp() });
    assert.equal(oldPassword.statusCode, 401);
    await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, 'a-brand-new-password');
    assert.equal((await send(h.app, 'GET', '/api/auth/me', undefined, { cookie: oldSession })).statusCode, 401);

    const logged = await h.db.selectFrom('actionLog').select(['action', 'actorUserId']).where('action', 'like', 'auth.%reset%').execute();
    assert.deepEqual(logged.map((a) => a.action), ['auth.reset_requested', 'auth.password_reset']);
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const unknown = await forgot('nobody@example.org');
    assert.equal(unknown.statusCode, 200);
    assert.deepEqual(unknown.json(), { ok: true });
    // No reset row exists for it, so nothing can be sent; the admin's e-mail shows the pipe works.
    await mailedToken(MEDIA_DEMO_ADMIN_EMAIL);
    assert.equal(h.mailbox.messages.some((m) => m.to.includes('nobody@example.org')), false);
  });

  it('rejects an expired link and an unknown token', async () => {
    const token = await mailedToken(MEDIA_DEMO_ADMIN_EMAIL);
    h.advance(DEFAULT_AUTH_LIMITS.resetTokenTtlMs + 1000);
    const expired = await reset(token, 'never-gets-set');
    assert.equal(expired.statusCode, 400);
    assert.equal(expired.json().error.code, 'reset_token_expired');
    const unknown = await reset('x'.repeat(43), 'never-gets-set');
    assert.equal(unknown.json().error.code, 'reset_token_invalid');
    await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, DEMO_PASSWORDS.admin);
  });

  it('voids older links once one is used, and enforces a minimum length', async () => {
    const first = await mailedToken(MEDIA_DEMO_ADMIN_EMAIL);
    const second = await mailedToken(MEDIA_DEMO_ADMIN_EMAIL);
    const short = await reset(second, 'short');
    assert.equal(short.statusCode, 400);
    assert.match(short.json().error.message, /^password: the password must have at least 8 characters/);
    assert.equal((await reset(second, 'admin-password-2')).statusCode, 200);
    assert.equal((await reset(first, 'admin-password-3')).json().error.code, 'reset_token_used');
    await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, 'admin-password-2');
  });

  it('lifts an account lock-out', async () => {
    for (let i = 0; i < DEFAULT_AUTH_LIMITS.maxFailedLogins; i++) {
      await send(h.app, 'POST', '/api/auth/login', { email: MEDIA_DEMO_ADMIN_EMAIL, password: `guess-${i}` }, { ip: nextIp() });
    }
    const locked = await send(h.app, 'POST', '/api/auth/login', { email: MEDIA_DEMO_ADMIN_EMAIL, password: 'admin-password-2' }, { ip: nextIp() });
    assert.equal(locked.statusCode, 429);
    assert.equal((await reset(await mailedToken(MEDIA_DEMO_ADMIN_EMAIL), 'admin-password-4')).statusCode, 200);
    await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, 'admin-password-4');
  });

  it('stops mailing an account after a few links per hour, without telling the requester', async () => {
    h.advance(2 * 3_600_000); // earlier tests' links are out of the hour
    for (let i = 0; i < DEFAULT_AUTH_LIMITS.resetMailsPerHour; i++) await mailedToken(MEDIA_DEMO_PROCTOR_EMAIL);
    const links = () => h.db.selectFrom('passwordResets').select('id').where('userId', '=', h.demo.proctorUserId).execute();
    const before = (await links()).length;
    const since = h.mailbox.received;
    const res = await forgot(MEDIA_DEMO_PROCTOR_EMAIL);
    assert.deepEqual(res.json(), { ok: true });
    assert.equal((await links()).length, before, 'no new link');
    await mailedToken(MEDIA_DEMO_ADMIN_EMAIL);
    assert.equal(h.mailbox.received, since + 1, 'only the admin’s e-mail arrived');
  });

  it('shows the caught e-mails at /dev/mail to admins only, with clickable links', async () => {
    const signedOut = await h.app.inject({ method: 'GET', url: '/dev/mail' });
    assert.equal(signedOut.statusCode, 302, 'signed out: to the sign-in page');
    assert.equal(signedOut.headers.location, '/login?next=%2Fdev%2Fmail');
    assert.doesNotMatch(signedOut.body, /reset-password/);
    // The demo admin is locked out and reset by now: a second admin reads the inbox.
    await upsertUserByEmail(h.db, { email: 'second.admin@proctor.test', fullName: 'Admin Two', role: 'admin', passwordHash: await hashPassword('second-admin-2026') });
    const adminCookie = await login(h.app, 'second.admin@proctor.test', 'second-admin-2026');
    const res = await h.app.inject({ method: 'GET', url: '/dev/mail', headers: { cookie: adminCookie } });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'self'/);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.match(res.body, /<a href="http:\/\/proctor\.test\/reset-password\?token=[\w-]+">/);
    assert.match(res.body, /Құпиясөзді қалпына келтіру/);
  });
});
