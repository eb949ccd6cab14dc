/**
 * CSRF: state-changing API requests must come from our own origin (Origin, else Referer)
 * and carry JSON. A cross-site page can neither sign someone in or out nor change their
 * settings with their cookie.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { MEDIA_DEMO_ADMIN_EMAIL, MEDIA_DEMO_PROCTOR_EMAIL } from '@proctor/db';
import { DEMO_PASSWORDS, ORIGIN, login, nextIp, send, startAuthHarness, type AuthHarness } from './auth-harness.ts';

describe('CSRF protection', () => {
  let h: AuthHarness;
  beforeAll(async () => {
    h = await startAuthHarness();
  });
  afterAll(() => h?.close());

  const credentials = { email: MEDIA_DEMO_ADMIN_EMAIL, password: DEMO_PASSWORDS.admin };
  const sessionCount = async () => (await h.db.selectFrom('userSessions').select('id').execute()).length;

  it('refuses a cross-origin POST before doing anything', async () => {
    const before = await sessionCount();
    for (const origin of ['http://evil.test', 'http://proctor.test.evil.test', 'null', 'https://proctor.test']) {
      const res = await send(h.app, 'POST', '/api/auth/login', credentials, { origin, ip: nextIp() });
      assert.equal(res.statusCode, 403, origin);
      assert.deepEqual(res.json().error, { code: 'cross_origin', message: 'Requests from other sites are refused.' });
      assert.equal(res.headers['set-cookie'], undefined);
    }
    assert.equal(await sessionCount(), before);
  });

  it('refuses a state-changing request without Origin or Referer', async () => {
    const res = await send(h.app, 'POST', '/api/auth/login', credentials, { origin: null, ip: nextIp() });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().error.message, /Origin or Referer header required/);
  });

  it('accepts a same-origin Referer when Origin is missing, and the host the request was sent to', async () => {
    const byReferer = await send(h.app, 'POST', '/api/auth/login', credentials, {
      origin: null,
      ip: nextIp(),
      headers: { referer: `${ORIGIN}/login?next=/results` },
    });
    assert.equal(byReferer.statusCode, 200, byReferer.body);
    // A node reached under another name than PUBLIC_URL (e.g. its LAN address) still works.
    const byHost = await send(h.app, 'POST', '/api/auth/login', credentials, {
      origin: 'http://10.1.2.3:3000',
      ip: nextIp(),
      headers: { host: '10.1.2.3:3000' },
    });
    assert.equal(byHost.statusCode, 200, byHost.body);
    const crossReferer = await send(h.app, 'POST', '/api/auth/login', credentials, {
      origin: null,
      ip: nextIp(),
      headers: { referer: 'http://evil.test/proctor.test' },
    });
    assert.equal(crossReferer.statusCode, 403);
  });

  it('refuses form and text bodies, which a cross-site form could send', async () => {
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded', `email=${MEDIA_DEMO_ADMIN_EMAIL}&password=${DEMO_PASSWORDS.admin}`],
      ['text/plain', JSON.stringify(credentials)],
      ['multipart/form-data; boundary=x', '--x--'],
    ] as const) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin: ORIGIN, 'content-type': type },
        remoteAddress: nextIp(),
        payload,
      });
      assert.equal(res.statusCode, 415, type);
      assert.equal(res.json().error.code, 'unsupported_media_type');
    }
  });

  it('does not let another site sign a user out or change their language', async () => {
    const cookie = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    const out = await send(h.app, 'POST', '/api/auth/logout', undefined, { cookie, origin: 'http://evil.test' });
    assert.equal(out.statusCode, 403);
    const locale = await send(h.app, 'PUT', '/api/auth/me/locale', { locale: 'en' }, { cookie, origin: 'http://evil.test' });
    assert.equal(locale.statusCode, 403);
    const me = await send(h.app, 'GET', '/api/auth/me', undefined, { cookie, origin: 'http://evil.test' });
    assert.equal(me.statusCode, 200, 'reads are not state-changing; the session is still there');
    assert.equal(me.json().user.locale, 'kk');
  });
});
