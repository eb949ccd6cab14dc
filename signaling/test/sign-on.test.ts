/**
 * Sign-on links against a real database: integrations (admin only, validated), then
 * `POST /api/join` with links from a test issuer — HS256 with a shared secret, RS256 with
 * keys from a JWKS endpoint served on loopback. The first link creates candidate, group,
 * exam and session; later links reuse them; replayed, expired, tampered, wrong-audience,
 * wrong-issuer and invalid links are refused with their reason and create nothing.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { makeIin } from '@proctor/db';
import { PNG_1PX } from './admin-harness.ts';
import { json, startAssessmentHarness, type AssessmentHarness } from './assessment-harness.ts';
import { verifyToken } from '../src/auth/token.ts';
import { signOnApi, type AdminIntegration, type JoinResponse, type SignOnErrorBody } from '../src/contract/api/sign-on.ts';
import { assessmentApi, type CandidateAssessment } from '../src/contract/api/assessment.ts';

const ISSUER = 'https://lms.university.test';
const SECRET = randomBytes(32).toString('base64url');
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface LinkOptions {
  aud?: string | string[];
  iss?: string;
  jti?: string;
  iat?: number;
  exp?: number;
  alg?: 'HS256' | 'RS256';
  key?: Uint8Array | PrivateKey;
  kid?: string;
  claims?: Record<string, unknown>;
}

describe('sign-on links', () => {
  let h: AssessmentHarness;
  let hs: AdminIntegration;
  let rs: AdminIntegration;
  let jwks: http.Server;
  let jwksUrl: string;
  let rsaPrivate: PrivateKey;
  let otherPrivate: PrivateKey;
  let serial = 0;

  const now = () => Math.floor(Date.now() / 1000);
  const person = (n: number) => ({ id: `student-${n}`, fullName: `Сәрсенбаева Әйгерім ${n}`, iin: makeIin(new Date('2004-05-06'), 'female', 4000 + n) });
  const exam = (id = 'quiz-101') => ({
    id,
    name: 'Экология: итоговый тест',
    discipline: 'Экология',
    startsAt: new Date(Date.now() - 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 3600_000).toISOString(),
    assessmentUrl: 'https://lms.university.test/mod/quiz/view.php?id=101',
    assessmentMode: 'frame',
  });
  const link = async (opts: LinkOptions = {}): Promise<string> => {
    const alg = opts.alg ?? 'HS256';
    const claims = opts.claims ?? { candidate: { ...person(1), group: { id: 'g-1', name: 'ЭК-21' } }, exam: exam(), returnUrl: 'https://lms.university.test/course/view.php?id=7' };
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg, ...(opts.kid ? { kid: opts.kid } : {}) })
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? (alg === 'HS256' ? hs.audience : rs.audience))
      .setJti(opts.jti ?? `jti-${++serial}-${randomUUID()}`)
      .setIssuedAt(opts.iat ?? now())
      .setExpirationTime(opts.exp ?? now() + 300);
    return jwt.sign(opts.key ?? (alg === 'HS256' ? new TextEncoder().encode(SECRET) : rsaPrivate));
  };
  const join = (token: unknown) => h.api('POST', signOnApi.join.path, { token }, { origin: 'http://proctor.test' });
  const refused = async (token: unknown, status: number, reason: string, field?: string) => {
    const res = await join(token);
    assert.equal(res.statusCode, status, res.body);
    const body = json<SignOnErrorBody>(res);
    assert.equal(body.error.code, 'sign_on_refused');
    assert.equal(body.error.reason, reason, body.error.message);
    if (field) assert.equal(body.error.field, field);
  };
  const count = async (table: 'candidates' | 'exams' | 'examSessions' | 'groups') =>
    Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const counts = async () => ({ candidates: await count('candidates'), exams: await count('exams'), sessions: await count('examSessions'), groups: await count('groups') });

  beforeAll(async () => {
    h = await startAssessmentHarness();
    const pair = await generateKeyPair('RS256');
    rsaPrivate = pair.privateKey;
    otherPrivate = (await generateKeyPair('RS256')).privateKey;
    const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'lms-key-1', alg: 'RS256', use: 'sig' };
    jwks = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(async () => {
    await h?.close();
    jwks?.close();
  });

  it('lets only admins manage integrations, validates them and never returns the secret', async () => {
    const body = { name: 'Moodle', method: 'secret', sharedSecret: SECRET, issuers: [ISSUER] };
    assert.equal((await h.api('POST', signOnApi.createIntegration.path, body)).statusCode, 401);
    assert.equal((await h.api('POST', signOnApi.createIntegration.path, body, { cookie: h.proctorCookie })).statusCode, 403);
    assert.equal((await h.api('GET', signOnApi.listIntegrations.path, undefined, { cookie: h.proctorCookie })).statusCode, 403);
    const short = await h.api('POST', signOnApi.createIntegration.path, { ...body, sharedSecret: 'short' }, { cookie: h.adminCookie });
    assert.equal(short.statusCode, 400);
    assert.deepEqual([json<{ error: { field: string; reason: string } }>(short).error.field, json<{ error: { reason: string } }>(short).error.reason], ['sharedSecret', 'secret_short']);
    const noSecret = await h.api('POST', signOnApi.createIntegration.path, { ...body, sharedSecret: undefined }, { cookie: h.adminCookie });
    assert.equal(json<{ error: { reason: string } }>(noSecret).error.reason, 'required');
    const badUrl = await h.api('POST', signOnApi.createIntegration.path, { name: 'X', method: 'jwks', jwksUrl: 'javascript:alert(1)', issuers: ['x'] }, { cookie: h.adminCookie });
    assert.equal(json<{ error: { field: string; reason: string } }>(badUrl).error.reason, 'url_scheme');
    assert.equal((await h.api('POST', signOnApi.createIntegration.path, { ...body, issuers: [] }, { cookie: h.adminCookie })).statusCode, 400);

    const created = await h.api('POST', signOnApi.createIntegration.path, body, { cookie: h.adminCookie });
    assert.equal(created.statusCode, 201, created.body);
    hs = json<{ integration: AdminIntegration }>(created).integration;
    assert.equal(hs.method, 'secret');
    assert.equal(hs.secretHint, `…${SECRET.slice(-4)}`);
    assert.equal(hs.audience, hs.id);
    assert.ok(!created.body.includes(SECRET), 'the secret is not sent back');
    const logged = await h.db.selectFrom('actionLog').select('details').where('action', '=', 'admin.integration.created').execute();
    assert.equal(logged.length, 1);
    assert.ok(!JSON.stringify(logged).includes(SECRET), 'the secret is not logged');

    // An issuer belongs to one integration; names are unique.
    const clash = await h.api('POST', signOnApi.createIntegration.path, { name: 'Canvas', method: 'jwks', jwksUrl, issuers: [ISSUER] }, { cookie: h.adminCookie });
    assert.equal(clash.statusCode, 409);
    assert.equal(json<{ error: { field: string } }>(clash).error.field, 'issuers');
    const sameName = await h.api('POST', signOnApi.createIntegration.path, { name: 'Moodle', method: 'jwks', jwksUrl, issuers: ['https://other.test'] }, { cookie: h.adminCookie });
    assert.equal(sameName.statusCode, 409);

    const rsRes = await h.api('POST', signOnApi.createIntegration.path, { name: 'Testing centre', method: 'jwks', jwksUrl, issuers: ['https://tests.university.test'] }, { cookie: h.adminCookie });
    assert.equal(rsRes.statusCode, 201, rsRes.body);
    rs = json<{ integration: AdminIntegration }>(rsRes).integration;

    // Updating without a secret keeps the stored one.
    const renamed = await h.api('PUT', signOnApi.updateIntegration.path.replace(':id', hs.id), { name: 'Moodle (university)', method: 'secret', issuers: [ISSUER] }, { cookie: h.adminCookie });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(json<{ integration: AdminIntegration }>(renamed).integration.secretHint, hs.secretHint);
    const list = json<{ items: AdminIntegration[]; total: number }>(await h.api('GET', signOnApi.listIntegrations.path, undefined, { cookie: h.adminCookie }));
    assert.equal(list.total, 2);
  });

  it('creates candidate, group, exam and session from the first link, then reuses them', async () => {
    const before = await counts();
    const res = await join(await link());
    assert.equal(res.statusCode, 200, res.body);
    const answer = json<JoinResponse>(res);
    const claims = verifyToken(answer.candidateToken, h.secret);
    assert.deepEqual(claims.role === 'candidate' && claims.sessionId, answer.sessionId);
    assert.deepEqual(await counts(), { candidates: before.candidates + 1, exams: before.exams + 1, sessions: before.sessions + 1, groups: before.groups + 1 });

    const session = await h.db
      .selectFrom('examSessions as s')
      .innerJoin('candidates as c', 'c.id', 's.candidateId')
      .innerJoin('exams as e', 'e.id', 's.examId')
      .leftJoin('groups as g', 'g.id', 'c.groupId')
      .select(['c.fullName', 'c.iin', 'g.name as groupName', 'e.name as examName', 'e.assessmentUrl', 'e.assessmentMode', 's.returnUrl'])
      .where('s.id', '=', answer.sessionId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(session, {
      fullName: person(1).fullName,
      iin: person(1).iin,
      groupName: 'ЭК-21',
      examName: 'Экология: итоговый тест',
      assessmentUrl: exam().assessmentUrl,
      assessmentMode: 'frame',
      returnUrl: 'https://lms.university.test/course/view.php?id=7',
    });
    const refs = await h.db.selectFrom('externalRefs').select(['kind', 'externalId']).where('integrationId', '=', hs.id).orderBy('kind').execute();
    assert.deepEqual(refs, [
      { kind: 'candidate', externalId: 'student-1' },
      { kind: 'exam', externalId: 'quiz-101' },
      { kind: 'group', externalId: 'g-1' },
    ]);
    const audit = await h.db.selectFrom('actionLog').select(['action', 'actorName']).where('sessionId', '=', answer.sessionId).execute();
    assert.deepEqual(audit, [{ action: 'candidate.signed_on', actorName: person(1).fullName }]);

    // The candidate token opens the journey and the workspace, with the return URL.
    const workspace = await h.api('GET', assessmentApi.get.path, undefined, { token: answer.candidateToken });
    assert.equal(workspace.statusCode, 200, workspace.body);
    assert.equal(json<CandidateAssessment>(workspace).returnUrl, 'https://lms.university.test/course/view.php?id=7');

    // A later link (new jti) for the same people reuses every row and follows renames.
    const renamed = { ...person(1), fullName: 'Сәрсенбаева Әйгерім Болатқызы', group: { id: 'g-1', name: 'ЭК-21 (весна)' } };
    const again = await join(await link({ claims: { candidate: renamed, exam: { ...exam(), name: 'Экология: финал' } } }));
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(json<JoinResponse>(again).sessionId, answer.sessionId);
    assert.deepEqual(await counts(), { candidates: before.candidates + 1, exams: before.exams + 1, sessions: before.sessions + 1, groups: before.groups + 1 });
    const after = await h.db
      .selectFrom('examSessions as s')
      .innerJoin('candidates as c', 'c.id', 's.candidateId')
      .innerJoin('exams as e', 'e.id', 's.examId')
      .leftJoin('groups as g', 'g.id', 'c.groupId')
      .select(['c.fullName', 'g.name as groupName', 'e.name as examName', 's.returnUrl'])
      .where('s.id', '=', answer.sessionId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(after, { fullName: renamed.fullName, groupName: 'ЭК-21 (весна)', examName: 'Экология: финал', returnUrl: null });
  });

  it('refuses the same link twice, and every broken link, creating nothing', async () => {
    const token = await link({ claims: { candidate: person(2), exam: exam('quiz-202') } });
    assert.equal((await join(token)).statusCode, 200);
    const before = await counts();
    await refused(token, 409, 'replayed');

    const fresh = { candidate: person(3), exam: exam('quiz-303') };
    // Tampered: the payload changed after signing (another candidate), signature kept.
    const good = await link({ claims: fresh });
    const [head, , sig] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ ...fresh, candidate: person(4), iss: ISSUER, aud: hs.audience, jti: 'x', iat: now(), exp: now() + 60 })).toString('base64url');
    await refused(`${head}.${forged}.${sig}`, 401, 'bad_signature');
    await refused(await link({ claims: fresh, key: new TextEncoder().encode(randomBytes(32).toString('base64url')) }), 401, 'bad_signature');
    // "alg: none" is never accepted.
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${good.split('.')[1]}.`;
    await refused(none, 401, 'bad_signature');
    await refused(await link({ claims: fresh, iat: now() - 600, exp: now() - 300 }), 401, 'expired');
    await refused(await link({ claims: fresh, aud: randomUUID() }), 401, 'unknown_audience');
    await refused(await link({ claims: fresh, aud: 'https://proctor.test' }), 401, 'unknown_audience');
    await refused(await link({ claims: fresh, iss: 'https://evil.test' }), 401, 'wrong_issuer');
    await refused(await link({ claims: fresh, iat: now(), exp: now() + 3 * 24 * 3600 }), 400, 'lifetime_too_long');
    await refused(await link({ claims: fresh, iat: now() + 3600, exp: now() + 7200 }), 401, 'not_yet_valid');
    await refused(await link({ claims: { ...fresh, candidate: { ...person(3), iin: '000000000000' } } }), 400, 'claims_invalid', 'candidate.iin');
    await refused(await link({ claims: { ...fresh, exam: { ...exam('quiz-303'), assessmentUrl: 'javascript:alert(1)' } } }), 400, 'claims_invalid', 'exam.assessmentUrl');
    await refused(await link({ claims: { candidate: person(3) } }), 400, 'claims_invalid', 'exam');
    await refused('not-a-jwt', 400, 'malformed');
    // The same IIN under another external id of a candidate already linked.
    await refused(await link({ claims: { candidate: { ...person(2), iin: person(1).iin }, exam: exam('quiz-202') } }), 409, 'iin_conflict', 'candidate.iin');
    // The body itself is checked first.
    assert.equal((await join(12345)).statusCode, 400);
    assert.equal((await join('x'.repeat(9000))).statusCode, 400);
    assert.deepEqual(await counts(), before, 'nothing was created by refused links');

    // Names that look like SQL are just names.
    const odd = { ...person(5), fullName: "Robert'); DROP TABLE candidates;--" };
    const res = await join(await link({ claims: { candidate: odd, exam: exam('quiz-202') } }));
    assert.equal(res.statusCode, 200, res.body);
    const stored = await h.db.selectFrom('candidates').select('fullName').where('iin', '=', odd.iin).executeTakeFirstOrThrow();
    assert.equal(stored.fullName, odd.fullName);
  });

  it('verifies RS256 links with keys from the integration\'s JWKS URL, and fetches the photo', async () => {
    const photo = http.createServer((_req, res) => {
      res.setHeader('content-type', 'image/png');
      res.end(PNG_1PX);
    });
    await new Promise<void>((resolve) => photo.listen(0, '127.0.0.1', resolve));
    const photoUrl = `http://127.0.0.1:${(photo.address() as AddressInfo).port}/p.png`;
    try {
      const claims = { candidate: { ...person(6), photoUrl }, exam: exam('centre-1') };
      const res = await join(await link({ alg: 'RS256', kid: 'lms-key-1', iss: 'https://tests.university.test', claims }));
      assert.equal(res.statusCode, 200, res.body);
      const candidate = await h.db.selectFrom('candidates').select('referencePhotoPath').where('iin', '=', person(6).iin).executeTakeFirstOrThrow();
      assert.ok(candidate.referencePhotoPath, 'the photo became the reference photo');
    } finally {
      photo.close();
    }
    const fresh = { candidate: person(7), exam: exam('centre-2') };
    await refused(await link({ alg: 'RS256', kid: 'lms-key-1', iss: 'https://tests.university.test', key: otherPrivate, claims: fresh }), 401, 'bad_signature');
    // An HS256 link for an RS256 integration (signed with anything) is not accepted.
    await refused(await link({ alg: 'HS256', aud: rs.audience, iss: 'https://tests.university.test', claims: fresh }), 401, 'bad_signature');

    // Keys that cannot be read: a clear refusal, nothing created.
    const before = await counts();
    const closed = await h.api('PUT', signOnApi.updateIntegration.path.replace(':id', rs.id), { name: rs.name, method: 'jwks', jwksUrl: 'http://127.0.0.1:9/none.json', issuers: rs.issuers }, { cookie: h.adminCookie });
    assert.equal(closed.statusCode, 200, closed.body);
    await refused(await link({ alg: 'RS256', kid: 'lms-key-1', iss: 'https://tests.university.test', claims: fresh }), 401, 'keys_unavailable');
    assert.deepEqual(await counts(), before);
  });

  it('stops accepting links of an archived integration', async () => {
    assert.equal((await h.api('POST', signOnApi.archiveIntegration.path.replace(':id', hs.id), undefined, { cookie: h.adminCookie })).statusCode, 204);
    await refused(await link({ claims: { candidate: person(8), exam: exam('quiz-808') } }), 401, 'unknown_audience');
    assert.equal((await h.api('POST', signOnApi.unarchiveIntegration.path.replace(':id', hs.id), undefined, { cookie: h.adminCookie })).statusCode, 204);
    assert.equal((await join(await link({ claims: { candidate: person(8), exam: exam('quiz-808') } }))).statusCode, 200);
  });
});
