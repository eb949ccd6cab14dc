/**
 * The hardened web surface (issue 16), each point as a request that got the wrong answer
 * before: a NUL byte in text input (500 → 400), a foreign session id (403 → the same 404 as
 * an unknown one), the demo inbox (open to anyone → demo mode and admins only),
 * X-Forwarded-For from anyone (bypassed the per-IP limit → believed from TRUSTED_PROXIES
 * only), the per-IP sign-in limit per process (→ shared by every node through PostgreSQL),
 * an XLSX whose central directory lies about its sizes (inflated by exceljs → refused), and
 * responses any site could frame (→ frame-ancestors 'self' / X-Frame-Options).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { MEDIA_DEMO_ADMIN_EMAIL, upsertUserByEmail } from '@proctor/db';
import { ADMIN_UPLOAD_LIMITS, adminApi } from '../src/contract/api/admin.ts';
import { buildApp, type AppDeps } from '../src/http/app.ts';
import { AuthService, DEFAULT_AUTH_LIMITS, hashPassword } from '../src/services/auth.service.ts';
import { startMail } from '../src/services/mail.service.ts';
import { DEMO_PASSWORDS, PUBLIC_URL, login, nextIp, send } from './auth-harness.ts';
import { makeZip, startAdminHarness, type AdminHarness } from './admin-harness.ts';

const OTHER_PASSWORD = 'other-proctor-2026';

describe('hardened web surface', () => {
  let h: AdminHarness;
  let otherProctor = '';
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const extraApps: FastifyInstance[] = [];

  /** Another app on the same database, as a second media node would be. */
  async function secondNode(extra: Partial<AppDeps> = {}): Promise<FastifyInstance> {
    const auth = new AuthService({ db: h.db, mailer: { send: async () => undefined }, publicUrl: PUBLIC_URL, log });
    const app = await buildApp({ log, db: h.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, ...extra });
    extraApps.push(app);
    return app;
  }

  beforeAll(async () => {
    h = await startAdminHarness();
    await upsertUserByEmail(h.db, { email: 'other.proctor@proctor.test', fullName: 'Other Proctor', role: 'proctor', passwordHash: await hashPassword(OTHER_PASSWORD) });
    otherProctor = await login(h.app, 'other.proctor@proctor.test', OTHER_PASSWORD);
  });
  afterAll(async () => {
    for (const app of extraApps) await app.close();
    await h?.close();
  });

  describe('NUL bytes', () => {
    it('answers 400 for a NUL in the live panel search (it was a 500)', async () => {
      const res = await send(h.app, 'GET', `/api/live/exams/${h.demo.examId}/candidates?search=%00`, undefined, { cookie: h.adminCookie });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'bad_request');
      assert.match(res.json().error.message, /NUL/);
      const fine = await send(h.app, 'GET', `/api/live/exams/${h.demo.examId}/candidates?search=a`, undefined, { cookie: h.adminCookie });
      assert.equal(fine.statusCode, 200, 'the same search without the NUL works');
    });

    it('answers 400 for a NUL in any query, path or JSON body, naming the field', async () => {
      const inResults = await send(h.app, 'GET', '/api/results?search=ab%00cd', undefined, { cookie: h.adminCookie });
      assert.equal(inResults.statusCode, 400);
      const inPath = await send(h.app, 'GET', `/api/sessions/${h.demo.sessions[0]!.sessionId}%00/report`, undefined, { cookie: h.adminCookie });
      assert.equal(inPath.statusCode, 400);
      const inBody = await send(h.app, 'POST', adminApi.createGroup.path, { name: 'Group\u0000 1' }, { cookie: h.adminCookie });
      assert.equal(inBody.statusCode, 400, inBody.body);
      assert.match(inBody.json().error.message, /^name: contains a NUL/);
      const signIn = await send(h.app, 'POST', '/api/auth/login', { email: 'a\u0000@b.c', password: 'x' }, { ip: nextIp() });
      assert.equal(signIn.statusCode, 400);
      assert.equal(Number((await h.db.selectFrom('groups').select((eb) => eb.fn.countAll().as('n')).where('name', 'like', 'Group%').executeTakeFirstOrThrow()).n), 0);
    });
  });

  describe('session ids', () => {
    it('answers a foreign session exactly like an unknown one (404), on every session route', async () => {
      const foreign = h.demo.sessions[0]!.sessionId;
      const unknown = randomUUID();
      for (const route of ['report', 'photo-report', 'evidence']) {
        const a = await send(h.app, 'GET', `/api/sessions/${foreign}/${route}`, undefined, { cookie: otherProctor });
        const b = await send(h.app, 'GET', `/api/sessions/${unknown}/${route}`, undefined, { cookie: otherProctor });
        assert.equal(a.statusCode, 404, `${route}: ${a.body}`);
        assert.deepEqual(a.json(), b.json(), `${route}: same answer for foreign and unknown`);
      }
      const decision = await send(h.app, 'PATCH', `/api/sessions/${foreign}/decision`, { decision: 'admitted' }, { cookie: otherProctor });
      assert.equal(decision.statusCode, 404);
      const own = await send(h.app, 'GET', `/api/sessions/${foreign}/report`, undefined, { cookie: h.proctorCookie });
      assert.equal(own.statusCode, 200, 'the assigned proctor still sees it');
    });
  });

  describe('the demo inbox', () => {
    it('is not served outside demo mode', async () => {
      // buildApp gets the inbox only in demo mode (media-node.ts); without it there is no route.
      const node = await secondNode();
      const res = await node.inject({ method: 'GET', url: '/dev/mail', headers: { cookie: h.adminCookie } });
      assert.equal(res.statusCode, 404);
    });

    it('in demo mode: the sign-in page for visitors, 403 for proctors, the mail for admins', async () => {
      const mail = await startMail({ from: 'Proctor <no-reply@proctor.test>', log });
      try {
        await mail.mailer.send({ to: 'someone@proctor.test', subject: 'Reset', text: `${PUBLIC_URL}/reset-password?token=secret-token` });
        const node = await secondNode({ devMailbox: mail.devMailbox });
        const visitor = await node.inject({ method: 'GET', url: '/dev/mail' });
        assert.equal(visitor.statusCode, 302);
        assert.doesNotMatch(visitor.body, /secret-token/);
        const proctor = await node.inject({ method: 'GET', url: '/dev/mail', headers: { cookie: h.proctorCookie } });
        assert.equal(proctor.statusCode, 403);
        assert.doesNotMatch(proctor.body, /secret-token/);
        const admin = await node.inject({ method: 'GET', url: '/dev/mail', headers: { cookie: h.adminCookie } });
        assert.equal(admin.statusCode, 200);
        assert.match(admin.body, /secret-token/);
      } finally {
        await mail.close();
      }
    });
  });

  describe('client addresses and limits', () => {
    const wrongLogin = (app: FastifyInstance, remoteAddress: string, forwardedFor?: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin: PUBLIC_URL, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
        remoteAddress,
        payload: { email: `nobody-${randomUUID()}@proctor.test`, password: 'wrong' },
      });

    it('ignores X-Forwarded-For from a client that is not a configured proxy', async () => {
      const client = '10.77.0.1';
      const max = DEFAULT_AUTH_LIMITS.loginsPerIpPerMinute;
      for (let i = 0; i < max; i++) assert.equal((await wrongLogin(h.app, client, `192.0.2.${i + 1}`)).statusCode, 401);
      // A new forged address each time used to be a fresh limit each time.
      const over = await wrongLogin(h.app, client, '192.0.2.250');
      assert.equal(over.statusCode, 429);
      assert.equal(over.json().error.code, 'rate_limited');
    });

    it('believes X-Forwarded-For from TRUSTED_PROXIES, and audits the real client', async () => {
      const node = await secondNode({ trustedProxies: ['10.78.0.0/16'] });
      const res = await wrongLogin(node, '10.78.0.5', '203.0.113.9');
      assert.equal(res.statusCode, 401);
      const entry = await h.db
        .selectFrom('actionLog')
        .select('details')
        .where('action', '=', 'auth.login_failed')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(entry.details.ip, '203.0.113.9');
      const spoofed = await wrongLogin(node, '10.99.0.5', '203.0.113.10');
      assert.equal(spoofed.statusCode, 401);
      const last = await h.db.selectFrom('actionLog').select('details').where('action', '=', 'auth.login_failed').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(last.details.ip, '10.99.0.5', 'an untrusted peer is its own address');
    });

    it('counts sign-ins per address across nodes (shared in PostgreSQL, not per process)', async () => {
      const nodeB = await secondNode();
      const client = '10.79.0.1';
      const max = DEFAULT_AUTH_LIMITS.loginsPerIpPerMinute;
      for (let i = 0; i < max; i++) {
        const node = i % 2 === 0 ? h.app : nodeB;
        assert.equal((await wrongLogin(node, client)).statusCode, 401, `attempt ${i + 1}`);
      }
      // Each node alone saw half the limit; together the address has used it up.
      assert.equal((await wrongLogin(nodeB, client)).statusCode, 429);
      assert.equal((await wrongLogin(h.app, client)).statusCode, 429);
      assert.equal((await wrongLogin(h.app, '10.79.0.2')).statusCode, 401, 'another address is not affected');
    });
  });

  describe('XLSX import bombs', () => {
    it('refuses a workbook whose entries inflate beyond what they declare, without importing', async () => {
      // A workbook-shaped zip whose sheet claims 2 KB but inflates to more than the cap.
      const inflated = ADMIN_UPLOAD_LIMITS.sheetUnzippedBytes + 1024 * 1024;
      const bomb = makeZip(
        {
          '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
          'xl/worksheets/sheet1.xml': Buffer.alloc(inflated, 0x20),
        },
        { declaredSizes: { 'xl/worksheets/sheet1.xml': 2048 } },
      );
      assert.ok(bomb.length < ADMIN_UPLOAD_LIMITS.sheetBytes, `the bomb itself is small (${bomb.length} bytes)`);
      const res = await h.upload('POST', adminApi.previewImport.path, {
        sheet: { filename: 'list.xlsx', data: bomb, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      });
      assert.equal(res.statusCode, 200, res.body);
      const preview = res.json();
      assert.equal(preview.valid, false);
      assert.deepEqual(preview.errors.map((e: { code: string }) => e.code), ['sheet_too_large']);
    });

    it('refuses a workbook with more parts than any real one, from its directory alone', async () => {
      const parts = Object.fromEntries(Array.from({ length: ADMIN_UPLOAD_LIMITS.sheetEntries + 1 }, (_, i) => [`xl/p${i}.xml`, 'x']));
      const res = await h.upload('POST', adminApi.previewImport.path, { sheet: { filename: 'list.xlsx', data: makeZip(parts) } });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json().errors.map((e: { code: string }) => e.code), ['zip_too_many_entries']);
    });
  });

  describe('framing', () => {
    it('no API answer may be framed by another site', async () => {
      const res = await send(h.app, 'GET', '/api/auth/me', undefined, { cookie: h.adminCookie });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'self'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      const denied = await send(h.app, 'GET', '/api/results', undefined, {});
      assert.equal(denied.statusCode, 401);
      assert.equal(denied.headers['x-frame-options'], 'SAMEORIGIN', 'errors too');
    });
  });

  it('still signs the demo admin in (limits and NUL checks leave normal use alone)', async () => {
    const res = await send(h.app, 'POST', '/api/auth/login', { email: MEDIA_DEMO_ADMIN_EMAIL, password: DEMO_PASSWORDS.admin }, { ip: nextIp() });
    assert.equal(res.statusCode, 200, res.body);
  });
});
