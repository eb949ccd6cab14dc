/**
 * Sign-in over real HTTP handling (fastify inject) and a real PostgreSQL: credentials,
 * cookie flags, lock-out per account, rate limit per IP, session expiry, sign-out, role
 * guards, exam access and the language preference.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MEDIA_DEMO_ADMIN_EMAIL, MEDIA_DEMO_PROCTOR_EMAIL, createExam, ensureDiscipline } from '@proctor/db';
import { apiError, userResponse } from '../src/contract/index.ts';
import { DEFAULT_AUTH_LIMITS, INVALID_CREDENTIALS } from '../src/services/auth.service.ts';
import { assertExamAccess, requireRole, signedInUser } from '../src/http/guards.ts';
import { DEMO_PASSWORDS, login, nextIp, send, sessionCookie, startAuthHarness, type AuthHarness } from './auth-harness.ts';

const HOUR = 3_600_000;
const LOGINS_PER_IP = 8;

describe('sign-in', () => {
  let h: AuthHarness;
  let otherExamId: string;

  beforeAll(async () => {
    h = await startAuthHarness({ limits: { loginsPerIpPerMinute: LOGINS_PER_IP } });
    const disciplineId = await ensureDiscipline(h.db, 'Математика');
    otherExamId = await createExam(h.db, {
      name: 'Not assigned to the demo proctor',
      disciplineId,
      startsAt: new Date(),
      endsAt: new Date(Date.now() + HOUR),
    });
    // Routes as other features will declare them: one line of access control each.
    h.app.get('/api/test/admin-only', { preHandler: requireRole('admin') }, async () => ({ ok: true }));
    h.app.get<{ Params: { examId: string } }>(
      '/api/test/exams/:examId',
      { preHandler: requireRole('admin', 'proctor') },
      async (req) => {
        await assertExamAccess(h.db, signedInUser(req), req.params.examId);
        return { ok: true };
      },
    );
  });
  afterAll(() => h?.close());

  const actions = (action: string) =>
    h.db.selectFrom('actionLog').selectAll().where('action', '=', action).orderBy('id').execute();

  it('signs in with e-mail and password and sets an httpOnly, SameSite=Lax session cookie', async () => {
    const res = await send(h.app, 'POST', '/api/auth/login', {
      email: `  ${MEDIA_DEMO_PROCTOR_EMAIL.toUpperCase()} `,
      password: DEMO_PASSWORDS.proctor,
    }, { ip: nextIp(), headers: { 'user-agent': 'test-agent' } });
    assert.equal(res.statusCode, 200, res.body);
    const { user } = userResponse.parse(res.json());
    assert.deepEqual(
      { email: user.email, role: user.role, locale: user.locale, id: user.id },
      { email: MEDIA_DEMO_PROCTOR_EMAIL, role: 'proctor', locale: 'kk', id: h.demo.proctorUserId },
    );
    assert.equal(Object.keys(res.json().user).includes('passwordHash'), false);

    const setCookie = String(res.headers['set-cookie']);
    assert.match(setCookie, /^proctor_session=[\w-]{43};/);
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Lax/);
    assert.match(setCookie, /; Path=\//);
    assert.match(setCookie, new RegExp(`; Max-Age=${DEFAULT_AUTH_LIMITS.sessionMaxMs / 1000}`));
    assert.doesNotMatch(setCookie, /Secure/, 'plain-http public URL: no Secure flag');

    const me = await send(h.app, 'GET', '/api/auth/me', undefined, { cookie: sessionCookie(res) });
    assert.equal(me.statusCode, 200);
    assert.equal(userResponse.parse(me.json()).user.id, h.demo.proctorUserId);

    const [entry] = (await actions('auth.login')).filter((a) => a.actorUserId === h.demo.proctorUserId);
    assert.equal(entry?.details.userAgent, 'test-agent');
  });

  it('stores only a hash of the session token', async () => {
    const cookie = await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, DEMO_PASSWORDS.admin);
    const token = cookie.split('=')[1]!;
    const rows = await h.db.selectFrom('userSessions').select('tokenHash').execute();
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.tokenHash !== token && /^[0-9a-f]{64}$/.test(r.tokenHash)));
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = await startAuthHarness({ publicUrl: 'https://proctor.example' });
    try {
      const res = await send(secure.app, 'POST', '/api/auth/login', {
        email: MEDIA_DEMO_ADMIN_EMAIL,
        password: DEMO_PASSWORDS.admin,
      }, { origin: 'https://proctor.example' });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['set-cookie']), /; Secure/);
    } finally {
      await secure.close();
    }
  });

  it('answers a wrong password and an unknown e-mail identically', async () => {
    const wrong = await send(h.app, 'POST', '/api/auth/login', { email: MEDIA_DEMO_ADMIN_EMAIL, password: 'not-it' }, { ip: nextIp() });
    const unknown = await send(h.app, 'POST', '/api/auth/login', { email: 'nobody@example.org', password: 'not-it' }, { ip: nextIp() });
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.deepEqual(apiError.parse(res.json()), { error: { code: 'invalid_credentials', message: INVALID_CREDENTIALS } });
      assert.equal(res.headers['set-cookie'], undefined);
    }
    // The audit log (admins only) keeps the real reason.
    const reasons = (await actions('auth.login_failed')).map((a) => a.details.reason);
    assert.ok(reasons.includes('bad_password') && reasons.includes('unknown_email'), String(reasons));
  });

  it('rejects SQL-looking input with 400/401 and changes nothing', async () => {
    const users = await h.db.selectFrom('users').select(['id', 'passwordHash', 'role']).orderBy('id').execute();
    const sessions = await h.db.selectFrom('userSessions').select('id').execute();
    for (const email of [`' OR '1'='1`, `${MEDIA_DEMO_ADMIN_EMAIL}' --`, `x@y.z'; DROP TABLE users; --`]) {
      const res = await send(h.app, 'POST', '/api/auth/login', { email, password: `' OR 1=1 --` }, { ip: nextIp() });
      assert.equal(res.statusCode, 400, email);
      assert.equal(res.json().error.code, 'bad_request');
      assert.match(res.json().error.message, /^email: /);
    }
    const sqlPassword = await send(h.app, 'POST', '/api/auth/login', { email: MEDIA_DEMO_ADMIN_EMAIL, password: `' OR 1=1 --` }, { ip: nextIp() });
    assert.equal(sqlPassword.statusCode, 401);
    const wrongType = await send(h.app, 'POST', '/api/auth/login', { email: { $ne: null }, password: 'x' }, { ip: nextIp() });
    assert.equal(wrongType.statusCode, 400);
    assert.deepEqual(await h.db.selectFrom('users').select(['id', 'passwordHash', 'role']).orderBy('id').execute(), users);
    assert.equal((await h.db.selectFrom('userSessions').select('id').execute()).length, sessions.length);
  });

  it('locks an account after repeated failures, from any address, until the window passes', async () => {
    const { maxFailedLogins, failedLoginWindowMs } = DEFAULT_AUTH_LIMITS;
    const email = MEDIA_DEMO_ADMIN_EMAIL;
    await login(h.app, email, DEMO_PASSWORDS.admin); // start from a clean count
    for (let i = 0; i < maxFailedLogins; i++) {
      // A new IP each time: the per-IP limit must not be what stops this.
      const res = await send(h.app, 'POST', '/api/auth/login', { email, password: `guess-${i}` }, { ip: nextIp() });
      assert.equal(res.statusCode, 401);
    }
    const locked = await send(h.app, 'POST', '/api/auth/login', { email, password: DEMO_PASSWORDS.admin }, { ip: nextIp() });
    assert.equal(locked.statusCode, 429);
    assert.equal(locked.json().error.code, 'account_locked');
    assert.match(locked.json().error.message, /Too many failed sign-in attempts for this account\. Try again in 15 min/);
    // Case does not get around it (e-mails are case-insensitive).
    const upper = await send(h.app, 'POST', '/api/auth/login', { email: email.toUpperCase(), password: DEMO_PASSWORDS.admin }, { ip: nextIp() });
    assert.equal(upper.statusCode, 429);

    h.advance(failedLoginWindowMs + 1000);
    const after = await send(h.app, 'POST', '/api/auth/login', { email, password: DEMO_PASSWORDS.admin }, { ip: nextIp() });
    assert.equal(after.statusCode, 200, after.body);
    // A success clears the count: one more failure does not lock again.
    await send(h.app, 'POST', '/api/auth/login', { email, password: 'again-wrong' }, { ip: nextIp() });
    const fine = await send(h.app, 'POST', '/api/auth/login', { email, password: DEMO_PASSWORDS.admin }, { ip: nextIp() });
    assert.equal(fine.statusCode, 200);
  });

  it('rate-limits sign-in attempts per IP', async () => {
    const ip = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i <= LOGINS_PER_IP; i++) {
      const res = await send(h.app, 'POST', '/api/auth/login', { email: `spray-${i}@example.org`, password: 'x' }, { ip });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        assert.equal(res.json().error.code, 'rate_limited');
        assert.ok(Number(res.headers['retry-after']) > 0);
      }
    }
    assert.deepEqual(statuses, [...Array(LOGINS_PER_IP).fill(401), 429]);
    const otherIp = await send(h.app, 'POST', '/api/auth/login', { email: 'spray@example.org', password: 'x' }, { ip: nextIp() });
    assert.equal(otherIp.statusCode, 401);
  });

  it('expires a session after the idle time, slides it while used, and caps its lifetime', async () => {
    const { sessionIdleMs, sessionMaxMs } = DEFAULT_AUTH_LIMITS;
    const idle = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    const busy = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    const me = (cookie: string) => send(h.app, 'GET', '/api/auth/me', undefined, { cookie });

    // The busy session is used every (idle − 1 h); the idle one is not touched.
    let elapsed = 0;
    while (elapsed + sessionIdleMs - HOUR < sessionMaxMs) {
      h.advance(sessionIdleMs - HOUR);
      elapsed += sessionIdleMs - HOUR;
      if (elapsed > sessionIdleMs) assert.equal((await me(idle)).statusCode, 401, 'idle session expired');
      assert.equal((await me(busy)).statusCode, 200, `busy session alive after ${elapsed / HOUR} h`);
    }
    h.advance(sessionIdleMs - HOUR);
    const res = await me(busy);
    assert.equal(res.statusCode, 401, 'no session outlives the maximum lifetime');
    assert.equal(res.json().error.code, 'unauthenticated');
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const cookie = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    const out = await send(h.app, 'POST', '/api/auth/logout', undefined, { cookie });
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), /^proctor_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    assert.equal((await send(h.app, 'GET', '/api/auth/me', undefined, { cookie })).statusCode, 401);
    assert.ok((await actions('auth.logout')).some((a) => a.actorUserId === h.demo.proctorUserId));
    // Signing out without a session is harmless.
    assert.equal((await send(h.app, 'POST', '/api/auth/logout')).statusCode, 204);
  });

  it('guards routes by role: 401 without a session, 403 for the wrong role', async () => {
    const anonymous = await send(h.app, 'GET', '/api/test/admin-only');
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, 'unauthenticated');
    const forged = await send(h.app, 'GET', '/api/test/admin-only', undefined, { cookie: 'proctor_session=forged' });
    assert.equal(forged.statusCode, 401);

    const proctor = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    const denied = await send(h.app, 'GET', '/api/test/admin-only', undefined, { cookie: proctor });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'forbidden');

    const admin = await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, DEMO_PASSWORDS.admin);
    assert.equal((await send(h.app, 'GET', '/api/test/admin-only', undefined, { cookie: admin })).statusCode, 200);
  });

  it('lets a proctor reach only assigned exams; admins reach all', async () => {
    const proctor = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    const admin = await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, DEMO_PASSWORDS.admin);
    const exam = (id: string, cookie: string) => send(h.app, 'GET', `/api/test/exams/${id}`, undefined, { cookie });

    assert.equal((await exam(h.demo.examId, proctor)).statusCode, 200);
    assert.equal((await exam(otherExamId, proctor)).statusCode, 403);
    assert.equal((await exam(randomUUID(), proctor)).statusCode, 403);
    assert.equal((await exam('not-a-uuid', proctor)).statusCode, 403);
    assert.equal((await exam(otherExamId, admin)).statusCode, 200);
    assert.equal((await exam(randomUUID(), admin)).statusCode, 404);
    assert.equal((await exam('not-a-uuid', admin)).statusCode, 404);
  });

  it('stores the language preference per user', async () => {
    const cookie = await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, DEMO_PASSWORDS.admin);
    const res = await send(h.app, 'PUT', '/api/auth/me/locale', { locale: 'en' }, { cookie });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(userResponse.parse(res.json()).user.locale, 'en');
    const me = await send(h.app, 'GET', '/api/auth/me', undefined, { cookie });
    assert.equal(me.json().user.locale, 'en');
    const entry = (await actions('auth.locale_changed')).at(-1);
    assert.deepEqual(entry?.details, { from: 'ru', to: 'en' });

    const bad = await send(h.app, 'PUT', '/api/auth/me/locale', { locale: 'de' }, { cookie });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /^locale: /);
    assert.equal((await send(h.app, 'PUT', '/api/auth/me/locale', { locale: 'kk' })).statusCode, 401);
  });

  it('answers unknown API paths and malformed JSON in the error format', async () => {
    const missing = await send(h.app, 'GET', '/api/nope');
    assert.equal(missing.statusCode, 404);
    assert.equal(apiError.parse(missing.json()).error.code, 'not_found');
    const badJson = await send(h.app, 'POST', '/api/auth/login', undefined, {
      ip: nextIp(),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(badJson.statusCode, 400);
    assert.equal(apiError.parse(badJson.json()).error.code, 'bad_request');
  });
});
