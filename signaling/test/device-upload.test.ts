/**
 * Device-recorded segments (#12) over real HTTP (a listening fastify app) and PostgreSQL: the
 * missing spans of a session, the tus upload (creation, a PATCH cut off mid-way, HEAD, the
 * resumed PATCH), the hash check on completion, the row, the file under the recordings root
 * and its evidence seal; another session's candidate, oversized uploads and a wrong hash are
 * refused.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { createRecording, endAttempt, latestEvidenceStates, listDeviceSegments, seedMediaDemo, startAttempt, stopRecording, type MediaDemo } from '@proctor/db';
import { EvidenceSigner, verifySessionEvidence } from '@proctor/recorder';
import { buildApp } from '../src/http/app.ts';
import { AuthService } from '../src/services/auth.service.ts';
import { mintToken } from '../src/auth/token.ts';
import { DEVICE_UPLOAD_PATH, deviceApi, type MissingSpans } from '../src/contract/api/device.ts';
import { ORIGIN, PUBLIC_URL } from './auth-harness.ts';

const MAX_BYTES = 256 * 1024;
const T0 = new Date(Date.now() - 10 * 60_000);
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('device segment uploads (tus)', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let demo: MediaDemo;
  let base: string;
  let recordingsDir: string;
  let secret: string;
  let sessionId: string;
  const token = (id: string) => mintToken({ role: 'candidate', sessionId: id }, secret, 600);

  const metadata = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k} ${b64(v)}`).join(',');
  const create = (tok: string, length: number, meta: Record<string, string>) =>
    fetch(`${base}${DEVICE_UPLOAD_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok}`, origin: ORIGIN, 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': metadata(meta) },
    });
  const patch = (tok: string, url: string, offset: number, body: Uint8Array) =>
    fetch(`${base}${url}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${tok}`, origin: ORIGIN, 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      body,
    });
  const head = (tok: string, url: string) =>
    fetch(`${base}${url}`, { method: 'HEAD', headers: { authorization: `Bearer ${tok}`, 'tus-resumable': '1.0.0' } });
  /** A PATCH whose connection drops after `sent` of the declared bytes (a lost link mid-chunk). */
  const cutPatch = (tok: string, url: string, offset: number, body: Uint8Array, sent: number) =>
    new Promise<void>((resolve) => {
      const u = new URL(`${base}${url}`);
      const req = http.request({
        host: u.hostname, port: u.port, path: u.pathname, method: 'PATCH',
        headers: {
          authorization: `Bearer ${tok}`, origin: ORIGIN, 'tus-resumable': '1.0.0', 'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream', 'content-length': String(body.length),
        },
      });
      req.on('error', () => resolve());
      req.on('response', (res) => { res.resume(); resolve(); });
      req.write(body.subarray(0, sent), () => setTimeout(() => { req.destroy(); resolve(); }, 300));
    });
  const missing = async (tok: string) => {
    const res = await fetch(`${base}${deviceApi.missing.path}`, { headers: { authorization: `Bearer ${tok}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as MissingSpans).spans;
  };

  beforeAll(async () => {
    recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-device-rec-'));
    t = await createTestDatabase();
    demo = await seedMediaDemo(t.db, { candidates: 2 });
    sessionId = demo.sessions[0]!.sessionId;
    secret = randomBytes(32).toString('base64url');
    const log = pino({ level: 'silent' });
    const auth = new AuthService({ db: t.db, mailer: { send: async () => undefined } as never, publicUrl: PUBLIC_URL, log });
    const signer = await EvidenceSigner.generate('device-test').register(t.db);
    app = await buildApp({
      log, db: t.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, recordingsDir, tokenSecret: secret,
      evidenceSigner: signer, deviceSegmentMaxBytes: MAX_BYTES,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;

    // One attempt of 60 s whose camera recording stopped at 20 s and started again at 32 s.
    const attempt = await startAttempt(t.db, { sessionId, nodeId: 'n1', at: at(0) });
    for (const [source, kind, from, to] of [
      ['camera', 'video', 0, 20], ['camera', 'video', 32, 60], ['microphone', 'audio', 0, 60], ['screen', 'video', 0, 60],
    ] as const) {
      const id = await createRecording(t.db, { attemptId: attempt.id, source, kind, codec: 'VP8', path: `${sessionId}/1/${source}-${from}.webm`, startedAt: at(from) });
      await stopRecording(t.db, id, { endedAt: at(to), bytes: 1000 });
    }
    await endAttempt(t.db, attempt.id, { at: at(60), reason: 'finished' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('answers the spans the server recordings lack, for the candidate of the session only', async () => {
    assert.deepEqual(await missing(token(sessionId)), [{ source: 'camera', from: at(20).toISOString(), to: at(32).toISOString() }]);
    assert.deepEqual(await missing(token(demo.sessions[1]!.sessionId)), []);
    const res = await fetch(`${base}${deviceApi.missing.path}`);
    assert.equal(res.status, 401);
  });

  it('takes a segment in two chunks across a cut connection, checks its hash and seals it', async () => {
    const bytes = randomBytes(100_000);
    const meta = { source: 'camera', startedAt: at(19).toISOString(), endedAt: at(29).toISOString(), sha256: sha256(bytes), filetype: 'video/webm' };
    const created = await create(token(sessionId), bytes.length, meta);
    assert.equal(created.status, 201, await created.text());
    const url = created.headers.get('location')!;
    assert.match(url, new RegExp(`^${DEVICE_UPLOAD_PATH}/${sessionId}_[0-9a-f]{24}$`));

    // Another session's candidate can neither see nor continue it.
    const other = token(demo.sessions[1]!.sessionId);
    assert.equal((await head(other, url)).status, 404);
    assert.equal((await patch(other, url, 0, bytes.subarray(0, 10))).status, 404);

    // First chunk: half the bytes, the link drops after 30 000 of them.
    await cutPatch(token(sessionId), url, 0, bytes.subarray(0, 50_000), 30_000);
    const h = await head(token(sessionId), url);
    assert.equal(h.status, 200);
    const offset = Number(h.headers.get('upload-offset'));
    assert.ok(offset >= 0 && offset <= 30_000, `offset after the cut: ${offset}`);
    // Resume from the server's offset up to the half, then the second chunk.
    if (offset < 50_000) {
      const r1 = await patch(token(sessionId), url, offset, bytes.subarray(offset, 50_000));
      assert.equal(r1.status, 204, await r1.text());
    }
    const r2 = await patch(token(sessionId), url, 50_000, bytes.subarray(50_000));
    assert.equal(r2.status, 204, await r2.text());
    const segmentId = r2.headers.get('x-device-segment-id');
    assert.ok(segmentId);

    const [segment] = await listDeviceSegments(t.db, sessionId);
    assert.equal(segment?.id, segmentId);
    assert.equal(segment?.sha256, meta.sha256);
    assert.equal(segment?.bytes, bytes.length);
    assert.equal(segment?.source, 'camera');
    assert.equal(segment?.startedAt.toISOString(), meta.startedAt);
    assert.ok(segment?.attemptId, 'the segment belongs to the attempt running at its start');
    const file = path.join(recordingsDir, segment!.path);
    assert.equal(sha256(fs.readFileSync(file)), meta.sha256);
    assert.equal((await latestEvidenceStates(t.db, sessionId, 'device_segment')).get(segmentId!)?.action, 'sealed');
    // Verification re-hashes the stored file: intact now, 'altered' once a byte changes.
    const issuesOf = async () => (await verifySessionEvidence({ db: t.db, recordingsDir }, sessionId)).items.filter((i) => i.itemId === segmentId);
    assert.deepEqual(await issuesOf(), []);
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([original.subarray(0, 10), Buffer.from([original[10]! ^ 0xff]), original.subarray(11)]));
    assert.deepEqual((await issuesOf()).map((i) => i.problem), ['altered']);
    fs.writeFileSync(file, original);
    // What the segment covers is no longer asked for.
    assert.deepEqual(await missing(token(sessionId)), [{ source: 'camera', from: at(29).toISOString(), to: at(32).toISOString() }]);
  });

  it('refuses an oversized segment at creation, before any byte is sent', async () => {
    const meta = { source: 'screen', startedAt: at(1).toISOString(), endedAt: at(11).toISOString(), sha256: 'a'.repeat(64) };
    const res = await create(token(sessionId), MAX_BYTES + 1, meta);
    assert.equal(res.status, 413);
    assert.match(await res.text(), /at most/);
  });

  it('refuses bad metadata and a request without a candidate token', async () => {
    const bad = await create(token(sessionId), 10, { source: 'microphone', startedAt: at(1).toISOString(), endedAt: at(11).toISOString(), sha256: 'a'.repeat(64) });
    assert.equal(bad.status, 400);
    const anonymous = await fetch(`${base}${DEVICE_UPLOAD_PATH}`, { method: 'POST', headers: { origin: ORIGIN, 'tus-resumable': '1.0.0', 'upload-length': '10' } });
    assert.equal(anonymous.status, 401);
  });

  it('refuses, removes and does not store a segment whose bytes do not match its SHA-256', async () => {
    const bytes = randomBytes(20_000);
    const meta = { source: 'screen', startedAt: at(40).toISOString(), endedAt: at(50).toISOString(), sha256: sha256(randomBytes(8)) };
    const created = await create(token(sessionId), bytes.length, meta);
    assert.equal(created.status, 201);
    const url = created.headers.get('location')!;
    const res = await patch(token(sessionId), url, 0, bytes);
    assert.equal(res.status, 460);
    assert.match(await res.text(), /SHA-256/);
    assert.equal((await listDeviceSegments(t.db, sessionId)).filter((s) => s.source === 'screen').length, 0);
    const id = url.split('/').pop()!;
    assert.equal(fs.existsSync(path.join(recordingsDir, '.device-uploads', id)), false);
    // The upload is gone (tus: 410 Gone).
    assert.ok([404, 410].includes((await head(token(sessionId), url)).status));
  });
});
