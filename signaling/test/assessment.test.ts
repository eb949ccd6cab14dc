/**
 * The assessment an exam opens (#10) against a real database and real HTTP sites on
 * loopback: the admin's save reads the site's framing headers once and stores the verdict
 * (X-Frame-Options DENY / SAMEORIGIN, CSP frame-ancestors, unreachable); the candidate's
 * workspace routes (token only; assertions only for a live session, for the assessment's
 * origin); and the exam guard SDK (script, public key, verifier for LMS servers).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_DEFAULT_WEIGHTS, adminApi, type AdminExam, type ExamInput } from '../src/contract/api/admin.ts';
import { assessmentApi, examGuardApi, type CandidateAssessment, type GuardAssertionResponse, type GuardVerifyResponse } from '../src/contract/api/assessment.ts';
import { endAttempt, markStarted, startAttempt } from '@proctor/db';
import { json, startAssessmentHarness, type AssessmentHarness } from './assessment-harness.ts';

describe('assessment URL, workspace routes and exam guard SDK', () => {
  let h: AssessmentHarness;
  let site: http.Server;
  let siteUrl: string;
  let disciplineId: string;
  let exam: AdminExam;

  const p = (path: string, id: string) => path.replace(':id', id);
  const input = (over: Partial<ExamInput> = {}): ExamInput => ({
    name: 'Экология: тест в Moodle',
    disciplineId,
    startsAt: new Date(Date.now() - 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 3600_000).toISOString(),
    timeZone: 'Asia/Almaty',
    proctoringMode: 'online',
    violationWeights: ADMIN_DEFAULT_WEIGHTS,
    honestyThreshold: 70,
    countTechnical: false,
    ...over,
  });
  const save = (body: ExamInput, id?: string) =>
    id ? h.api('PUT', p(adminApi.updateExam.path, id), body, { cookie: h.adminCookie }) : h.api('POST', adminApi.createExam.path, body, { cookie: h.adminCookie });

  beforeAll(async () => {
    h = await startAssessmentHarness();
    // One "LMS" with a page per framing behaviour.
    site = http.createServer((req, res) => {
      if (req.url === '/deny') res.setHeader('x-frame-options', 'DENY');
      if (req.url === '/moodle') res.setHeader('x-frame-options', 'sameorigin');
      if (req.url === '/self') res.setHeader('content-security-policy', "default-src 'self'; frame-ancestors 'self'");
      if (req.url === '/ours') res.setHeader('content-security-policy', 'frame-ancestors http://proctor.test');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/deny' });
        return res.end();
      }
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>quiz</title>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const discipline = await h.api('POST', adminApi.createDiscipline.path, { name: 'Экология (тест)' }, { cookie: h.adminCookie });
    disciplineId = json<{ discipline: { id: string } }>(discipline).discipline.id;
  });
  afterAll(async () => {
    await h?.close();
    site?.close();
  });

  it('reads the framing headers when the admin saves the URL, and says what it found', async () => {
    const denied = await save(input({ assessmentUrl: `${siteUrl}/deny` }));
    assert.equal(denied.statusCode, 201, denied.body);
    exam = json<{ exam: AdminExam }>(denied).exam;
    assert.equal(exam.assessmentUrl, `${siteUrl}/deny`);
    assert.equal(exam.assessmentMode, 'frame');
    assert.equal(exam.assessmentCheck?.framing, 'refused');
    assert.equal(exam.assessmentCheck?.xFrameOptions, 'DENY');
    assert.equal(exam.assessmentCheck?.status, 200);

    const cases: [string, string][] = [
      ['/moodle', 'refused'],
      ['/self', 'refused'],
      ['/ours', 'allowed'],
      ['/plain', 'allowed'],
      ['/redirect', 'refused'],
    ];
    for (const [path, framing] of cases) {
      const res = await save(input({ assessmentUrl: `${siteUrl}${path}` }), exam.id);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json<{ exam: AdminExam }>(res).exam.assessmentCheck?.framing, framing, path);
    }
    const stored = await h.db.selectFrom('exams').select(['assessmentUrl', 'assessmentCheck']).where('id', '=', exam.id).executeTakeFirstOrThrow();
    assert.equal(stored.assessmentUrl, `${siteUrl}/redirect`);
    assert.equal(stored.assessmentCheck?.framing, 'refused');

    // Nothing answers on port 9.
    const unreachable = await save(input({ assessmentUrl: 'http://127.0.0.1:9/quiz', assessmentMode: 'window' }), exam.id);
    assert.equal(json<{ exam: AdminExam }>(unreachable).exam.assessmentCheck?.framing, 'unreachable');
    assert.equal(json<{ exam: AdminExam }>(unreachable).exam.assessmentMode, 'window');

    // Saving again with the same URL does not fetch it again (the check keeps its time).
    const before = json<{ exam: AdminExam }>(unreachable).exam.assessmentCheck!.checkedAt;
    const same = await save(input({ assessmentUrl: 'http://127.0.0.1:9/quiz', assessmentMode: 'window', name: 'Экология: тест' }), exam.id);
    assert.equal(json<{ exam: AdminExam }>(same).exam.assessmentCheck?.checkedAt, before);

    // "Check again": admins only.
    const recheck = p(assessmentApi.recheck.path, exam.id);
    assert.equal((await h.api('POST', recheck, undefined, { cookie: h.proctorCookie })).statusCode, 403);
    const again = await h.api('POST', recheck, undefined, { cookie: h.adminCookie });
    assert.equal(again.statusCode, 200, again.body);
    assert.notEqual(json<{ check: { checkedAt: string } }>(again).check.checkedAt, before);
    assert.equal((await h.api('POST', p(assessmentApi.recheck.path, '00000000-0000-4000-8000-000000000000'), undefined, { cookie: h.adminCookie })).statusCode, 404);
  });

  it('refuses addresses that are not http(s) and clears an emptied one', async () => {
    for (const [url, reason] of [
      ['javascript:alert(1)', 'url_scheme'],
      ['file:///etc/passwd', 'url_scheme'],
      ['not a url', 'url_invalid'],
      ['https://user:pass@lms.test/quiz', 'url_invalid'],
      [`https://lms.test/${'a'.repeat(2100)}`, 'too_long'],
    ] as const) {
      const res = await save(input({ assessmentUrl: url }), exam.id);
      assert.equal(res.statusCode, 400, url);
      assert.deepEqual([json<{ error: { field: string } }>(res).error.field, json<{ error: { reason: string } }>(res).error.reason], ['assessmentUrl', reason]);
    }
    const bad = await save({ ...input({ assessmentUrl: `${siteUrl}/plain` }), assessmentMode: 'popup' as never }, exam.id);
    assert.equal(bad.statusCode, 400);
    const cleared = await save(input({ assessmentUrl: '  ' }), exam.id);
    assert.equal(json<{ exam: AdminExam }>(cleared).exam.assessmentUrl, null);
    const back = await save(input({ assessmentUrl: `${siteUrl}/plain` }), exam.id);
    assert.equal(json<{ exam: AdminExam }>(back).exam.assessmentCheck?.framing, 'allowed');
  });

  it('serves the candidate workspace, and assertions only while the session is live', async () => {
    const candidateId = (await h.db.selectFrom('candidates').select('id').limit(1).executeTakeFirstOrThrow()).id;
    const session = await h.db.insertInto('examSessions').values({ examId: exam.id, candidateId }).returning('id').executeTakeFirstOrThrow();
    const token = h.candidateToken(session.id);

    assert.equal((await h.api('GET', assessmentApi.get.path)).statusCode, 401);
    assert.equal((await h.api('GET', assessmentApi.get.path, undefined, { cookie: h.adminCookie })).statusCode, 401);
    const got = await h.api('GET', assessmentApi.get.path, undefined, { token });
    assert.equal(got.statusCode, 200, got.body);
    const workspace = json<CandidateAssessment>(got);
    assert.deepEqual(workspace.assessment, { url: `${siteUrl}/plain`, mode: 'frame', framing: 'allowed', windowUsed: false, ltiStart: false });
    assert.equal(workspace.returnUrl, null);

    const nonce = 'n0nce-for-the-guard-1234';
    assert.equal((await h.api('POST', assessmentApi.assertion.path, { nonce }, { token: undefined })).statusCode, 401);
    assert.equal((await h.api('POST', assessmentApi.assertion.path, { nonce: 'short' }, { token })).statusCode, 400);
    assert.equal((await h.api('POST', assessmentApi.assertion.path, { nonce: "x'; DROP TABLE exams;--xxxxxxxx" }, { token })).statusCode, 400);
    assert.equal((await h.api('POST', assessmentApi.assertion.path, { nonce, extra: 1 }, { token })).statusCode, 400);
    // Not joined yet: no proctoring, no assertion.
    assert.deepEqual(json<GuardAssertionResponse>(await h.api('POST', assessmentApi.assertion.path, { nonce }, { token })), { unavailable: 'not_live' });

    // The candidate's media joins (what the media node writes): now it is live.
    const attempt = await startAttempt(h.db, { sessionId: session.id, nodeId: 'test', at: new Date() });
    await markStarted(h.db, session.id, new Date());
    const minted = json<GuardAssertionResponse>(await h.api('POST', assessmentApi.assertion.path, { nonce }, { token }));
    assert.ok('assertion' in minted, JSON.stringify(minted));
    const claims = JSON.parse(Buffer.from(minted.assertion.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.sub, session.id);
    assert.equal(claims.exam, exam.id);
    assert.equal(claims.aud, siteUrl, 'the audience is the assessment origin, never one the browser names');
    assert.equal(claims.nonce, nonce);
    assert.equal((claims.exp as number) - (claims.iat as number), 60);

    // An LMS server checks it.
    const verify = (body: unknown) => h.api('POST', examGuardApi.verify.path, body, { origin: null });
    assert.deepEqual(json<GuardVerifyResponse>(await verify({ assertion: minted.assertion, audience: siteUrl })), {
      valid: true,
      sessionId: session.id,
      examId: exam.id,
      audience: siteUrl,
      expiresAt: minted.expiresAt,
      live: true,
    });
    assert.deepEqual(json<GuardVerifyResponse>(await verify({ assertion: minted.assertion, audience: 'https://other.test' })), { valid: false, problem: 'wrong_audience' });
    const [a, b, c] = minted.assertion.split('.');
    const tampered = `${a}.${Buffer.from(JSON.stringify({ ...claims, sub: '11111111-1111-4111-8111-111111111111' })).toString('base64url')}.${c}`;
    assert.deepEqual(json<GuardVerifyResponse>(await verify({ assertion: tampered })), { valid: false, problem: 'bad_signature' });
    assert.deepEqual(json<GuardVerifyResponse>(await verify({ assertion: `${a}.${b}` })), { valid: false, problem: 'malformed' });
    assert.equal((await verify({})).statusCode, 400);

    // The candidate drops: the same assertion now reports the session as not live.
    await endAttempt(h.db, attempt.id, { at: new Date(), reason: 'disconnected' });
    assert.equal(json<{ live: boolean }>(await verify({ assertion: minted.assertion })).live, false);
    assert.deepEqual(json<GuardAssertionResponse>(await h.api('POST', assessmentApi.assertion.path, { nonce }, { token })), { unavailable: 'not_live' });

    // Opening it in a window is noted on the session and in the action archive.
    assert.equal((await h.api('POST', assessmentApi.window.path, { reason: 'somewhere' }, { token })).statusCode, 400);
    assert.equal((await h.api('POST', assessmentApi.window.path, { reason: 'frame_refused' }, { token })).statusCode, 204);
    const row = await h.db.selectFrom('examSessions').select('assessmentWindowUsed').where('id', '=', session.id).executeTakeFirstOrThrow();
    assert.equal(row.assessmentWindowUsed, true);
    const logged = await h.db.selectFrom('actionLog').select('details').where('sessionId', '=', session.id).where('action', '=', 'candidate.assessment_window').execute();
    assert.deepEqual(logged.map((l) => l.details), [{ reason: 'frame_refused' }]);

    // Outside the exam window there is nothing to vouch for.
    await h.db.updateTable('exams').set({ endsAt: new Date(Date.now() - 1000), startsAt: new Date(Date.now() - 7200_000) }).where('id', '=', exam.id).execute();
    assert.deepEqual(json<GuardAssertionResponse>(await h.api('POST', assessmentApi.assertion.path, { nonce }, { token })), { unavailable: 'ended' });
    await h.db.updateTable('exams').set({ startsAt: new Date(Date.now() + 3600_000), endsAt: new Date(Date.now() + 7200_000) }).where('id', '=', exam.id).execute();
    assert.deepEqual(json<GuardAssertionResponse>(await h.api('POST', assessmentApi.assertion.path, { nonce }, { token })), { unavailable: 'not_started' });

    // A finished session is closed to all of it.
    await h.db.updateTable('examSessions').set({ status: 'finished' }).where('id', '=', session.id).execute();
    assert.equal((await h.api('GET', assessmentApi.get.path, undefined, { token })).statusCode, 403);
  });

  it('serves the guard script and the public key to any site', async () => {
    const script = await h.api('GET', examGuardApi.script.path, undefined, { origin: null });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    assert.equal(script.headers['access-control-allow-origin'], '*');
    assert.equal(script.headers['cross-origin-resource-policy'], 'cross-origin');
    const jwks = json<{ keys: { kid: string; kty: string; crv: string; alg: string }[] }>(await h.api('GET', examGuardApi.jwks.path, undefined, { origin: null }));
    assert.equal(jwks.keys.length, 1);
    assert.deepEqual([jwks.keys[0]!.kty, jwks.keys[0]!.crv, jwks.keys[0]!.alg], ['EC', 'P-256', 'ES256']);
    assert.ok(script.body.includes(jwks.keys[0]!.kid), 'the script carries the same key');
    const etag = String(script.headers.etag);
    const cached = await h.app.inject({ method: 'GET', url: examGuardApi.script.path, headers: { 'if-none-match': etag } });
    assert.equal(cached.statusCode, 304);
  });
});
