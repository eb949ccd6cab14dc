/**
 * The media socket accepts a signed-in proctor's session cookie (no token in the URL) and
 * refuses bad, signed-out and cross-site ones; candidates keep using `auth.token`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { MEDIA_DEMO_PROCTOR_EMAIL } from '@proctor/db';
import { mintToken } from '../src/auth/token.ts';
import type { TokenClaims } from '../src/contract/token.ts';
import { createSocketServer } from '../src/socket/connection.ts';
import { DEMO_PASSWORDS, ORIGIN, login, send, startAuthHarness, type AuthHarness } from './auth-harness.ts';

describe('media socket with the session cookie', () => {
  let h: AuthHarness;
  let server: Server;
  let url: string;
  const secret = randomBytes(32).toString('base64url');
  /** Claims the server attached to each connected socket, by socket id. */
  const claims = new Map<string, TokenClaims>();

  beforeAll(async () => {
    h = await startAuthHarness();
    server = createSocketServer(h.app.server, secret, h.auth);
    server.on('connection', (socket) => claims.set(socket.id, socket.data.claims));
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await h?.close();
  });

  /** Connects like a browser page would: cookie and Origin headers, optional token. */
  function connect(opts: { cookie?: string; origin?: string; token?: string }): Promise<{ id: string } | { error: string }> {
    const headers: Record<string, string> = { origin: opts.origin ?? ORIGIN };
    if (opts.cookie) headers.cookie = opts.cookie;
    const socket = connectClient(url, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: headers,
      ...(opts.token ? { auth: { token: opts.token } } : {}),
    });
    return new Promise((resolve) => {
      socket.once('connect', () => {
        const id = socket.id!;
        socket.disconnect();
        resolve({ id });
      });
      socket.once('connect_error', (err) => {
        socket.disconnect();
        resolve({ error: err.message });
      });
    });
  }

  it('connects a signed-in proctor with the cookie alone', async () => {
    const cookie = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    const result = await connect({ cookie });
    assert.ok('id' in result, JSON.stringify(result));
    const got = claims.get(result.id);
    assert.equal(got?.role, 'proctor');
    assert.equal(got?.role === 'proctor' && got.userId, h.demo.proctorUserId);
  });

  it('refuses a bad or signed-out cookie', async () => {
    assert.deepEqual(await connect({ cookie: 'proctor_session=not-a-session' }), {
      error: 'session expired or signed out; sign in again',
    });
    const cookie = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    assert.equal((await send(h.app, 'POST', '/api/auth/logout', undefined, { cookie })).statusCode, 204);
    assert.deepEqual(await connect({ cookie }), { error: 'session expired or signed out; sign in again' });
  });

  it('refuses a valid cookie sent from another site', async () => {
    const cookie = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);
    assert.deepEqual(await connect({ cookie, origin: 'http://evil.test' }), { error: 'cross-origin connection refused' });
  });

  it('keeps the token path for candidates, and asks for a token when there is no cookie', async () => {
    const sessionId = h.demo.sessions[0]!.sessionId;
    const result = await connect({ token: mintToken({ role: 'candidate', sessionId }, secret, 60) });
    assert.ok('id' in result, JSON.stringify(result));
    const got = claims.get(result.id);
    assert.equal(got?.role === 'candidate' && got.sessionId, sessionId);
    assert.deepEqual(await connect({}), { error: 'missing or malformed token' });
  });
});
