/**
 * Live proctoring panel API (manual §3): the exams a proctor may watch now and the
 * "Add student" dialog's list (group filter, search, "Total records", pages), with the
 * access rules and bad input.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { ensureGroup, makeIin, upsertCandidateByIin, ensureExamSession, upsertUserByEmail } from '@proctor/db';
import { liveCandidatesResponse, liveExamsResponse } from '../src/contract/api/live.ts';
import { hashPassword } from '../src/services/auth.service.ts';
import { DEMO_PASSWORDS, login, send, startAuthHarness, type AuthHarness } from './auth-harness.ts';

describe('live proctoring panel API', () => {
  let h: AuthHarness;
  const cookie = { proctor: '', admin: '', outsider: '' };
  let otherGroupId = '';

  beforeAll(async () => {
    h = await startAuthHarness();
    // Two more candidates in another group, so the group filter and pages have something to split.
    otherGroupId = await ensureGroup(h.db, 'ИС-24-2');
    for (const [i, name] of ['Әбілқайыр Ұлан', 'Ғалымжанова Іңкәр'].entries()) {
      const candidateId = await upsertCandidateByIin(h.db, { fullName: name, iin: makeIin(new Date('2004-01-0' + (i + 1)), 'male', 700 + i), groupId: otherGroupId });
      await ensureExamSession(h.db, h.demo.examId, candidateId);
    }
    await upsertUserByEmail(h.db, { email: 'outsider@live.test', fullName: 'Бөгде Проктор', role: 'proctor', passwordHash: await hashPassword('outsider-2026') });
    cookie.proctor = await login(h.app, 'proctor@demo.proctor.local', DEMO_PASSWORDS.proctor);
    cookie.admin = await login(h.app, 'admin@demo.proctor.local', DEMO_PASSWORDS.admin);
    cookie.outsider = await login(h.app, 'outsider@live.test', 'outsider-2026');
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = (url: string, who: keyof typeof cookie | null) => send(h.app, 'GET', url, undefined, who ? { cookie: cookie[who] } : {});

  it('lists the running exam for its proctor, with session counts; nothing for an unassigned proctor', async () => {
    const mine = liveExamsResponse.parse((await get('/api/live/exams', 'proctor')).json());
    const demo = mine.exams.find((e) => e.examId === h.demo.examId);
    assert.ok(demo, 'the demo exam (window around now) is listed');
    assert.equal(demo.sessions, 5);
    assert.ok(new Date(demo.startsAt) <= new Date(mine.now) && new Date(mine.now) <= new Date(demo.endsAt));
    // The realistic demo's past exams (weeks ago) are outside the panel's window.
    assert.ok(mine.exams.every((e) => Math.abs(new Date(e.endsAt).getTime() - Date.now()) < 40 * 3600_000 || new Date(e.startsAt) <= new Date()));
    const outsider = liveExamsResponse.parse((await get('/api/live/exams', 'outsider')).json());
    assert.deepEqual(outsider.exams, []);
    const admin = liveExamsResponse.parse((await get('/api/live/exams', 'admin')).json());
    assert.ok(admin.exams.some((e) => e.examId === h.demo.examId));
  });

  it('pages, filters by group and searches the candidates of the exam', async () => {
    const base = `/api/live/exams/${h.demo.examId}/candidates`;
    const page1 = liveCandidatesResponse.parse((await get(`${base}?pageSize=2`, 'proctor')).json());
    assert.equal(page1.total, 5);
    assert.equal(page1.rows.length, 2);
    assert.equal(page1.exam.name, 'Демо: Экология (медиа)');
    assert.ok(page1.groups.some((g) => g.id === otherGroupId && g.name === 'ИС-24-2'));
    const page3 = liveCandidatesResponse.parse((await get(`${base}?pageSize=2&page=3`, 'proctor')).json());
    assert.equal(page3.rows.length, 1);
    const all = new Set([...page1.rows, ...page3.rows].map((r) => r.sessionId));
    assert.equal(all.size, 3, 'pages do not overlap');

    const group = liveCandidatesResponse.parse((await get(`${base}?groupId=${otherGroupId}`, 'proctor')).json());
    assert.deepEqual(group.rows.map((r) => r.candidateName), ['Ғалымжанова Іңкәр', 'Әбілқайыр Ұлан'].sort((a, b) => a.localeCompare(b, 'kk')));
    assert.equal(group.total, 2);
    assert.ok(group.rows.every((r) => r.groupName === 'ИС-24-2'));

    const search = liveCandidatesResponse.parse((await get(`${base}?search=${encodeURIComponent('іңкә')}`, 'proctor')).json());
    assert.deepEqual(search.rows.map((r) => r.candidateName), ['Ғалымжанова Іңкәр']);
    const sqlish = await get(`${base}?search=${encodeURIComponent("' OR 1=1 --%_")}`, 'proctor');
    assert.equal(sqlish.statusCode, 200);
    assert.equal(liveCandidatesResponse.parse(sqlish.json()).total, 0);
  });

  it('refuses other proctors, strangers and bad queries', async () => {
    const base = `/api/live/exams/${h.demo.examId}/candidates`;
    assert.equal((await get(base, null)).statusCode, 401);
    assert.equal((await get(base, 'outsider')).statusCode, 403);
    assert.equal((await get('/api/live/exams/00000000-0000-4000-8000-000000000000/candidates', 'admin')).statusCode, 404);
    assert.equal((await get('/api/live/exams/not-a-uuid/candidates', 'admin')).statusCode, 400);
    for (const q of ['pageSize=500', 'page=0', 'groupId=..%2F..%2Fetc', 'unknown=1']) {
      const res = await get(`${base}?${q}`, 'proctor');
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json().error.code, 'bad_request');
    }
  });
});
