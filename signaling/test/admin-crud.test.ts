/**
 * Administration round-trips: disciplines, groups, exams (with proctor assignment),
 * candidates (with reference photos) and staff accounts — create, read, edit, archive,
 * restore — and the audit entry of every change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { DEFAULT_VIOLATION_WEIGHTS, VIOLATION_CATEGORY, isProctorAssigned } from '@proctor/db';
import { ADMIN_DEFAULT_WEIGHTS, ADMIN_TECHNICAL_VIOLATIONS, ADMIN_UPLOAD_LIMITS, ADMIN_VIOLATION_TYPES, adminApi, adminPath, type AdminExam, type ExamInput } from '../src/contract/api/admin.ts';
import { PUBLIC_URL, login, nextIp, send } from './auth-harness.ts';
import { JPEG_BYTES, PNG_1PX, iin, startAdminHarness, type AdminHarness } from './admin-harness.ts';

describe('admin CRUD', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(() => h?.close());

  const actions = async (prefix: string) =>
    (await h.db.selectFrom('actionLog').select(['action', 'actorUserId', 'details']).where('action', 'like', `${prefix}%`).orderBy('id').execute());
  const p = adminPath;

  it('creates, searches, renames, archives and restores disciplines', async () => {
    const created = await h.api('POST', adminApi.createDiscipline.path, { name: '  Биология   және  химия ' });
    assert.equal(created.statusCode, 201, created.body);
    const discipline = created.json().discipline;
    assert.equal(discipline.name, 'Биология және химия', 'spaces are collapsed');

    const duplicate = await h.api('POST', adminApi.createDiscipline.path, { name: 'Биология және химия' });
    assert.equal(duplicate.statusCode, 409);
    assert.deepEqual({ ...duplicate.json().error, message: undefined }, { code: 'conflict', message: undefined, field: 'name', reason: 'taken' });
    // The demo seed has "Экология": renaming onto it is a conflict too.
    const renameTaken = await h.api('PUT', p(adminApi.updateDiscipline.path, discipline.id), { name: 'Экология' });
    assert.deepEqual([renameTaken.statusCode, renameTaken.json().error.reason], [409, 'taken']);

    const empty = await h.api('POST', adminApi.createDiscipline.path, { name: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().error.reason, 'required');
    assert.equal(empty.json().error.field, 'name');
    const control = await h.api('POST', adminApi.createDiscipline.path, { name: 'a\u0001b' });
    assert.equal(control.json().error.reason, 'control_chars');
    // A NUL is refused before any route sees it (every text input), naming the field.
    const nul = await h.api('POST', adminApi.createDiscipline.path, { name: 'a\u0000b' });
    assert.equal(nul.statusCode, 400);
    assert.match(nul.json().error.message, /^name: contains a NUL character/);

    const found = await h.api('GET', `${adminApi.listDisciplines.path}?search=ХИМИ`);
    assert.deepEqual(found.json().items.map((d: { id: string }) => d.id), [discipline.id]);
    assert.equal(found.json().total, 1);

    assert.equal((await h.api('PUT', p(adminApi.updateDiscipline.path, discipline.id), { name: 'Химия' })).statusCode, 204);
    assert.equal((await h.api('POST', p(adminApi.archiveDiscipline.path, discipline.id))).statusCode, 204);
    const active = await h.api('GET', `${adminApi.listDisciplines.path}?search=Хими`);
    assert.equal(active.json().total, 0);
    const archived = await h.api('GET', `${adminApi.listDisciplines.path}?search=Хими&archived=archived`);
    assert.equal(archived.json().items[0].name, 'Химия');
    assert.ok(archived.json().items[0].archivedAt);
    const all = (await h.api('GET', `${adminApi.listDisciplines.path}?archived=all`)).json().total;
    const current = (await h.api('GET', adminApi.listDisciplines.path)).json().total;
    assert.equal(all, current + 1, 'the archived one is in "all" only');
    assert.equal((await h.api('POST', p(adminApi.unarchiveDiscipline.path, discipline.id))).statusCode, 204);
    assert.equal((await h.api('GET', `${adminApi.listDisciplines.path}?search=Хими`)).json().total, 1);

    const logged = await actions('admin.discipline.');
    assert.deepEqual(logged.map((a) => a.action), ['admin.discipline.created', 'admin.discipline.renamed', 'admin.discipline.archived', 'admin.discipline.unarchived']);
    assert.ok(logged.every((a) => a.actorUserId === h.demo.adminUserId));
  });

  it('pages and searches groups with literal wildcards', async () => {
    for (const name of ['Тест-ГР-21', 'Тест-ГР-22', 'Тест-ГР-23', '100%_группа']) {
      assert.equal((await h.api('POST', adminApi.createGroup.path, { name })).statusCode, 201);
    }
    const first = (await h.api('GET', `${adminApi.listGroups.path}?search=тест-гр-&pageSize=2&page=1`)).json();
    const second = (await h.api('GET', `${adminApi.listGroups.path}?search=тест-гр-&pageSize=2&page=2`)).json();
    assert.equal(first.total, 3);
    assert.deepEqual([...first.items, ...second.items].map((g: { name: string }) => g.name), ['Тест-ГР-21', 'Тест-ГР-22', 'Тест-ГР-23']);
    const literal = (await h.api('GET', `${adminApi.listGroups.path}?search=${encodeURIComponent('%_')}`)).json();
    assert.deepEqual(literal.items.map((g: { name: string }) => g.name), ['100%_группа']);
    const badQuery = await h.api('GET', `${adminApi.listGroups.path}?pageSize=1000`);
    assert.equal(badQuery.statusCode, 400);
  });

  let exam: AdminExam;
  const weights = Object.fromEntries(ADMIN_VIOLATION_TYPES.map((t) => [t, 4])) as ExamInput['violationWeights'];

  it('creates, edits and archives an exam with its weights and threshold', async () => {
    const discipline = (await h.api('POST', adminApi.createDiscipline.path, { name: 'Математика' })).json().discipline;
    const input: ExamInput = {
      name: 'Математика — қорытынды емтихан',
      disciplineId: discipline.id,
      startsAt: '2026-06-01T04:00:00.000Z',
      endsAt: '2026-06-01T07:00:00.000Z',
      timeZone: 'Asia/Almaty',
      proctoringMode: 'online',
      violationWeights: weights,
      honestyThreshold: 75,
      countTechnical: false,
    };
    const created = await h.api('POST', adminApi.createExam.path, input);
    assert.equal(created.statusCode, 201, created.body);
    exam = created.json().exam;
    assert.equal(exam.disciplineName, 'Математика');
    assert.equal(exam.honestyThreshold, 75);
    assert.equal(exam.violationWeights.no_face, 4);

    const edited = await h.api('PUT', p(adminApi.updateExam.path, exam.id), {
      ...input,
      endsAt: '2026-06-01T13:00:00+05:00',
      timeZone: 'Asia/Aqtobe',
      proctoringMode: 'ai',
      violationWeights: { ...weights, other_person: 7.5 },
      honestyThreshold: 60,
      countTechnical: true,
    });
    assert.equal(edited.statusCode, 200, edited.body);
    const got = (await h.api('GET', p(adminApi.getExam.path, exam.id))).json().exam as AdminExam;
    assert.equal(got.endsAt, '2026-06-01T08:00:00.000Z');
    assert.equal(got.timeZone, 'Asia/Aqtobe');
    assert.equal(got.proctoringMode, 'ai');
    assert.equal(got.violationWeights.other_person, 7.5);
    assert.equal(got.honestyThreshold, 60);
    assert.equal(got.countTechnical, true);
    const row = await h.db.selectFrom('exams').select(['violationWeights', 'honestyThreshold']).where('id', '=', exam.id).executeTakeFirstOrThrow();
    assert.equal(row.violationWeights.other_person, 7.5);

    const badZone = await h.api('PUT', p(adminApi.updateExam.path, exam.id), { ...input, timeZone: 'Mars/Olympus' });
    assert.equal(badZone.statusCode, 400);
    assert.deepEqual([badZone.json().error.field, badZone.json().error.reason], ['timeZone', 'time_zone']);
    const backwards = await h.api('PUT', p(adminApi.updateExam.path, exam.id), { ...input, endsAt: input.startsAt });
    assert.deepEqual([backwards.json().error.field, backwards.json().error.reason], ['endsAt', 'ends_before_starts']);
    const heavy = await h.api('PUT', p(adminApi.updateExam.path, exam.id), { ...input, violationWeights: { ...weights, voice: 101 } });
    assert.equal(heavy.json().error.field, 'violationWeights.voice');
    const unknownDiscipline = await h.api('POST', adminApi.createExam.path, { ...input, disciplineId: '00000000-0000-4000-8000-000000000000' });
    assert.deepEqual([unknownDiscipline.statusCode, unknownDiscipline.json().error.reason], [400, 'not_found']);

    assert.equal((await h.api('POST', p(adminApi.archiveExam.path, exam.id))).statusCode, 204);
    const list = (await h.api('GET', `${adminApi.listExams.path}?archived=archived&search=${encodeURIComponent('қорытынды')}`)).json();
    assert.deepEqual(list.items.map((e: { id: string }) => e.id), [exam.id]);
    assert.equal((await h.api('POST', p(adminApi.unarchiveExam.path, exam.id))).statusCode, 204);

    const logged = await actions('admin.exam.');
    assert.deepEqual(logged.map((a) => a.action), ['admin.exam.created', 'admin.exam.updated', 'admin.exam.archived', 'admin.exam.unarchived']);
    const changes = (logged[1]!.details as { changes: Record<string, unknown> }).changes;
    assert.deepEqual(Object.keys(changes).sort(), ['countTechnical', 'endsAt', 'honestyThreshold', 'proctoringMode', 'timeZone', 'violationWeights']);
  });

  it('assigns proctors to an exam (seen by isProctorAssigned) and refuses non-proctors', async () => {
    const proctorId = h.demo.proctorUserId;
    assert.equal(await isProctorAssigned(h.db, proctorId, exam.id), false);
    const assigned = await h.api('PUT', p(adminApi.setExamProctors.path, exam.id), { userIds: [proctorId] });
    assert.equal(assigned.statusCode, 200, assigned.body);
    assert.deepEqual(assigned.json().exam.proctors.map((u: { id: string }) => u.id), [proctorId]);
    assert.equal(await isProctorAssigned(h.db, proctorId, exam.id), true);

    const admin = await h.api('PUT', p(adminApi.setExamProctors.path, exam.id), { userIds: [proctorId, h.demo.adminUserId] });
    assert.deepEqual([admin.statusCode, admin.json().error.reason], [400, 'not_proctor']);
    assert.equal(await isProctorAssigned(h.db, proctorId, exam.id), true, 'a refused change changes nothing');

    assert.equal((await h.api('PUT', p(adminApi.setExamProctors.path, exam.id), { userIds: [] })).statusCode, 200);
    assert.equal(await isProctorAssigned(h.db, proctorId, exam.id), false);
    const logged = await actions('admin.exam.proctors_changed');
    assert.deepEqual(logged.map((a) => a.details), [
      { examId: exam.id, name: exam.name, added: [proctorId], removed: [] },
      { examId: exam.id, name: exam.name, added: [], removed: [proctorId] },
    ]);
  });

  it('creates and edits candidates with IIN checks; SQL-looking names are stored verbatim', async () => {
    const group = (await h.api('POST', adminApi.createGroup.path, { name: 'Топ 7' })).json().group;
    const sqlish = `Robert'); DROP TABLE candidates;-- "Бобби" \\ %`;
    const value = iin();
    const created = await h.api('POST', adminApi.createCandidate.path, { fullName: sqlish, iin: value, groupId: group.id, email: 'bobby@example.org' });
    assert.equal(created.statusCode, 201, created.body);
    const candidate = created.json().candidate;
    assert.equal(candidate.fullName, sqlish);
    assert.equal(candidate.groupName, 'Топ 7');
    const stored = await h.db.selectFrom('candidates').select(['fullName', 'iin']).where('id', '=', candidate.id).executeTakeFirstOrThrow();
    assert.deepEqual(stored, { fullName: sqlish, iin: value });
    const search = (await h.api('GET', `${adminApi.listCandidates.path}?search=${encodeURIComponent("'); DROP")}`)).json();
    assert.deepEqual(search.items.map((c: { id: string }) => c.id), [candidate.id]);
    const byIin = (await h.api('GET', `${adminApi.listCandidates.path}?search=${value.slice(0, 6)}`)).json();
    assert.ok(byIin.items.some((c: { id: string }) => c.id === candidate.id));

    const wrongCheck = value.slice(0, 11) + String((Number(value[11]) + 1) % 10);
    const bad = await h.api('POST', adminApi.createCandidate.path, { fullName: 'Асанов Асан', iin: wrongCheck, groupId: null });
    assert.deepEqual([bad.statusCode, bad.json().error.field, bad.json().error.reason], [400, 'iin', 'iin_checksum']);
    const short = await h.api('POST', adminApi.createCandidate.path, { fullName: 'Асанов Асан', iin: '12345', groupId: null });
    assert.equal(short.json().error.reason, 'iin_format');
    const dup = await h.api('POST', adminApi.createCandidate.path, { fullName: 'Асанов Асан', iin: value, groupId: null });
    assert.deepEqual([dup.statusCode, dup.json().error.field], [409, 'iin']);
    const badMail = await h.api('POST', adminApi.createCandidate.path, { fullName: 'Асанов Асан', iin: iin(), groupId: null, email: 'not mail' });
    assert.equal(badMail.json().error.reason, 'email_invalid');

    const edited = await h.api('PUT', p(adminApi.updateCandidate.path, candidate.id), { fullName: 'Әбілқайыр Ұлжан', iin: value, groupId: null, email: null });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual([edited.json().candidate.fullName, edited.json().candidate.groupId, edited.json().candidate.email], ['Әбілқайыр Ұлжан', null, null]);

    assert.equal((await h.api('POST', p(adminApi.archiveCandidate.path, candidate.id))).statusCode, 204);
    assert.equal((await h.api('GET', p(adminApi.getCandidate.path, candidate.id))).json().candidate.archivedAt !== null, true);
    assert.equal((await h.api('POST', p(adminApi.unarchiveCandidate.path, candidate.id))).statusCode, 204);
    assert.deepEqual((await actions('admin.candidate.')).map((a) => a.action), [
      'admin.candidate.created',
      'admin.candidate.updated',
      'admin.candidate.archived',
      'admin.candidate.unarchived',
    ]);
  });

  it('stores a reference photo under the photos directory, sniffed by its bytes', async () => {
    const candidate = (await h.api('POST', adminApi.createCandidate.path, { fullName: 'Фото Тест', iin: iin(), groupId: null })).json().candidate;
    const url = p(adminApi.setCandidatePhoto.path, candidate.id);
    // A PNG called .jpg with a lying Content-Type is still a PNG.
    const saved = await h.upload('PUT', url, { photo: { filename: '../../etc/passwd.jpg', data: PNG_1PX, type: 'text/html' } });
    assert.equal(saved.statusCode, 200, saved.body);
    const photoUrl = saved.json().candidate.photoUrl as string;
    assert.match(photoUrl, new RegExp(`^/api/admin/candidates/${candidate.id}/photo\\?v=[0-9a-f]{12}$`));
    const { referencePhotoPath } = await h.db.selectFrom('candidates').select('referencePhotoPath').where('id', '=', candidate.id).executeTakeFirstOrThrow();
    assert.match(referencePhotoPath!, /^[0-9a-f]{2}\/[0-9a-f-]{36}-[0-9a-f]{12}\.png$/);
    const file = path.join(h.photosDir, referencePhotoPath!);
    assert.deepEqual(fs.readFileSync(file), PNG_1PX);

    const fetched = await h.api('GET', photoUrl);
    assert.equal(fetched.statusCode, 200);
    assert.equal(fetched.headers['content-type'], 'image/png');
    assert.deepEqual(fetched.rawPayload, PNG_1PX);
    assert.equal((await h.api('GET', photoUrl, undefined, { cookie: h.proctorCookie })).statusCode, 403);

    // Replacing it removes the old file.
    const replaced = await h.upload('PUT', url, { photo: { filename: 'me.jpeg', data: JPEG_BYTES, type: 'image/jpeg' } });
    assert.equal(replaced.statusCode, 200);
    assert.equal(fs.existsSync(file), false);

    const html = await h.upload('PUT', url, { photo: { filename: 'x.jpg', data: '<html><script>alert(1)</script>', type: 'image/jpeg' } });
    assert.deepEqual([html.statusCode, html.json().error.code], [415, 'unsupported_media_type']);
    const gif = await h.upload('PUT', url, { photo: { filename: 'x.gif', data: 'GIF89a....', type: 'image/gif' } });
    assert.equal(gif.statusCode, 415);
    const huge = await h.upload('PUT', url, {
      photo: { filename: 'big.jpg', data: Buffer.concat([JPEG_BYTES, Buffer.alloc(ADMIN_UPLOAD_LIMITS.photoBytes)]) },
    });
    assert.deepEqual([huge.statusCode, huge.json().error.code], [413, 'payload_too_large']);

    const removed = await h.api('DELETE', url);
    assert.equal(removed.json().candidate.photoUrl, null);
    assert.equal((await h.api('GET', photoUrl)).statusCode, 404);
    assert.deepEqual(fs.readdirSync(path.join(h.photosDir, candidate.id.slice(0, 2))).filter((f) => f.startsWith(candidate.id)), []);
  });

  it('creates staff accounts with a password or a set-password e-mail, edits and archives them', async () => {
    const withPassword = await h.api('POST', adminApi.createUser.path, {
      email: 'Aigerim.Proctor@Example.org',
      fullName: 'Айгерім Сәрсенова',
      iin: iin('1990-02-03'),
      role: 'proctor',
      locale: 'kk',
      password: { kind: 'set', password: 'initial-secret-1' },
    });
    assert.equal(withPassword.statusCode, 201, withPassword.body);
    const aigerim = withPassword.json().user;
    assert.equal(aigerim.hasPassword, true);
    await login(h.app, 'aigerim.proctor@example.org', 'initial-secret-1');

    const since = h.mailbox.received;
    const byMail = await h.api('POST', adminApi.createUser.path, {
      email: 'new.admin@example.org',
      fullName: 'Иван Петров',
      iin: null,
      role: 'admin',
      locale: 'ru',
      password: { kind: 'email' },
    });
    assert.equal(byMail.statusCode, 201, byMail.body);
    assert.equal(byMail.json().passwordMailQueued, true);
    assert.equal(byMail.json().user.hasPassword, false);
    const mail = await h.mailbox.waitFor('new.admin@example.org', { since });
    assert.equal(mail.subject, 'Восстановление пароля');
    const token = new RegExp(`${PUBLIC_URL}/reset-password\\?token=([\\w-]+)`).exec(mail.text)![1]!;
    const reset = await send(h.app, 'POST', '/api/auth/reset-password', { token, password: 'chosen-by-ivan' }, { ip: nextIp() });
    assert.equal(reset.statusCode, 200, reset.body);
    await login(h.app, 'new.admin@example.org', 'chosen-by-ivan');

    const duplicate = await h.api('POST', adminApi.createUser.path, {
      email: 'AIGERIM.proctor@example.org', fullName: 'X', iin: null, role: 'proctor', locale: 'en', password: { kind: 'email' },
    });
    assert.deepEqual([duplicate.statusCode, duplicate.json().error.field], [409, 'email']);
    const shortPassword = await h.api('POST', adminApi.createUser.path, {
      email: 'x@example.org', fullName: 'X', iin: null, role: 'proctor', locale: 'en', password: { kind: 'set', password: 'short' },
    });
    assert.equal(shortPassword.json().error.reason, 'password_short');
    const badIin = await h.api('POST', adminApi.createUser.path, {
      email: 'x@example.org', fullName: 'X', iin: '123456789012', role: 'proctor', locale: 'en', password: { kind: 'email' },
    });
    assert.equal(badIin.json().error.field, 'iin');

    const edited = await h.api('PUT', p(adminApi.updateUser.path, aigerim.id), {
      email: aigerim.email, fullName: 'Айгерім Сәрсенқызы', iin: aigerim.iin, role: 'proctor', locale: 'ru',
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual([edited.json().user.fullName, edited.json().user.locale], ['Айгерім Сәрсенқызы', 'ru']);

    const newPassword = await h.api('POST', p(adminApi.setUserPassword.path, aigerim.id), { kind: 'set', password: 'second-secret-2' });
    assert.equal(newPassword.statusCode, 200);
    await login(h.app, aigerim.email, 'second-secret-2');

    const self = await h.api('POST', p(adminApi.archiveUser.path, h.demo.adminUserId));
    assert.deepEqual([self.statusCode, self.json().error.reason], [400, 'self']);
    const demoteSelf = await h.api('PUT', p(adminApi.updateUser.path, h.demo.adminUserId), {
      email: 'admin@demo.proctor.local', fullName: 'Admin', iin: null, role: 'proctor', locale: 'ru',
    });
    assert.equal(demoteSelf.json().error.reason, 'self');

    const proctorSession = await login(h.app, aigerim.email, 'second-secret-2');
    assert.equal((await h.api('POST', p(adminApi.archiveUser.path, aigerim.id))).statusCode, 204);
    assert.equal((await send(h.app, 'GET', '/api/auth/me', undefined, { cookie: proctorSession })).statusCode, 401, 'signed out');
    const refused = await send(h.app, 'POST', '/api/auth/login', { email: aigerim.email, password: 'second-secret-2' }, { ip: nextIp() });
    assert.equal(refused.statusCode, 401);
    const archivedList = (await h.api('GET', `${adminApi.listUsers.path}?archived=archived`)).json();
    assert.deepEqual(archivedList.items.map((u: { id: string }) => u.id), [aigerim.id]);
    assert.equal((await h.api('POST', p(adminApi.unarchiveUser.path, aigerim.id))).statusCode, 204);
    await login(h.app, aigerim.email, 'second-secret-2');

    const proctors = (await h.api('GET', `${adminApi.listUsers.path}?role=proctor&search=${encodeURIComponent('сәрсен')}`)).json();
    assert.deepEqual(proctors.items.map((u: { id: string }) => u.id), [aigerim.id]);

    const logged = (await actions('admin.user.')).map((a) => a.action);
    assert.deepEqual(logged, [
      'admin.user.created',
      'admin.user.created',
      'admin.user.updated',
      'admin.user.password_set',
      'admin.user.archived',
      'admin.user.unarchived',
    ]);
    const details = JSON.stringify(await actions('admin.user.'));
    assert.ok(!details.includes('initial-secret-1') && !details.includes('second-secret-2'), 'passwords never reach the log');
  });

  it('shows the same default weights and technical types as the database', () => {
    assert.deepEqual(ADMIN_DEFAULT_WEIGHTS, DEFAULT_VIOLATION_WEIGHTS);
    assert.deepEqual(
      [...ADMIN_TECHNICAL_VIOLATIONS].sort(),
      Object.entries(VIOLATION_CATEGORY).filter(([, c]) => c === 'technical').map(([t]) => t).sort(),
    );
  });

  it('offers live records for the forms', async () => {
    const options = (await h.api('GET', adminApi.options.path)).json();
    assert.ok(options.disciplines.some((d: { name: string }) => d.name === 'Математика'));
    assert.ok(options.groups.some((g: { name: string }) => g.name === 'Топ 7'));
    assert.ok(options.proctors.some((u: { id: string }) => u.id === h.demo.proctorUserId));
    assert.ok(!options.proctors.some((u: { id: string }) => u.id === h.demo.adminUserId));
  });
});
