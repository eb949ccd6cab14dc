/**
 * The photo report API through buildApp with real sign-in, PostgreSQL, Redis (BullMQ), real
 * WebM recordings (tests/support/review-fixture.ts), ffmpeg snapshots, Chromium PDFs read
 * back with pdftotext, and e-mail through nodemailer to an in-process SMTP sink.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { assignProctor, createExam, ensureDiscipline, insertVerification, listActionsForSession, makeIin, setUserPasswordHash, upsertUserByEmail } from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { closePdfBrowser, createJobQueue, smtpAttachmentMailer, startJobWorkers, type JobQueue, type JobWorkers } from '@proctor/recorder';
import { buildApp } from '../src/http/app.ts';
import { AuthService, hashPassword } from '../src/services/auth.service.ts';
import { photoReport } from '../src/contract/api/photo-report.ts';
import { seedReviewSession, type ReviewSession } from '../../tests/support/review-fixture.ts';
import { ORIGIN, PUBLIC_URL, login } from './auth-harness.ts';

const run = promisify(execFile);
const PASSWORD = 'photo-test-2026';
const RU_NAMES: Record<string, string> = {
  focus_lost: 'Потеря фокуса окна',
  no_face: 'Нет лица в кадре',
  tab_hidden: 'Вкладка скрыта',
  multiple_faces: 'Несколько лиц',
  copy: 'Копирование',
};

async function pdfText(pdf: Buffer, dir: string, name: string): Promise<string> {
  const file = path.join(dir, `${name}.pdf`);
  await fs.writeFile(file, pdf);
  return (await run('pdftotext', [file, '-'])).stdout;
}

describe('photo report API', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let dir: string;
  let review: ReviewSession;
  let queue: JobQueue;
  let jobs: JobWorkers;
  let sink: SMTPServer;
  const received: ParsedMail[] = [];
  const cookie = { proctor: '', other: '', admin: '' };
  const base = () => `/api/sessions/${review.sessionId}/photo-report`;

  const request = (method: 'GET' | 'POST', url: string, who: keyof typeof cookie | null, body?: object) =>
    app.inject({
      method,
      url,
      headers: { ...(who ? { cookie: cookie[who] } : {}), origin: ORIGIN, 'x-forwarded-for': '10.9.0.1' },
      ...(body ? { payload: body } : {}),
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-photo-'));
    review = await seedReviewSession(t.db, dir);
    // The identity check before the exam, with its face photo (a frame of the camera recording).
    const face = `verification/${review.sessionId}-face.jpg`;
    await fs.mkdir(path.join(dir, 'verification'), { recursive: true });
    await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', review.attempts[0]!.recordings.camera.file, '-frames:v', '1', path.join(dir, face)]);
    const vStart = new Date(review.attempts[0]!.startedAt.getTime() - 4000);
    await insertVerification(t.db, { sessionId: review.sessionId, startedAt: vStart, endedAt: new Date(vStart.getTime() + 2000), result: 'successful', similarity: 0.91, facePhotoPath: face });

    const hash = await hashPassword(PASSWORD);
    await setUserPasswordHash(t.db, review.proctorUserId, hash);
    await setUserPasswordHash(t.db, review.adminUserId, hash);
    const otherId = await upsertUserByEmail(t.db, {
      email: 'other@photo.test', fullName: 'Смирнова Ольга', role: 'proctor', passwordHash: hash, iin: makeIin(new Date('1991-02-03'), 'female', 8),
    });
    const otherExam = await createExam(t.db, {
      name: 'Қазақстан тарихы', disciplineId: await ensureDiscipline(t.db, 'Тарих'),
      startsAt: new Date('2025-03-01T08:00:00Z'), endsAt: new Date('2025-03-01T12:00:00Z'),
    });
    await assignProctor(t.db, otherExam, otherId);

    sink = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false, size: 25 * 1024 * 1024,
      onRcptTo(address, _session, callback) {
        // Like a real server refusing a mailbox, so the job's failure path is real too.
        if (address.address.endsWith('@refused.test')) return callback(new Error('550 no such user'));
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => { received.push(mail); callback(); }, callback);
      },
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
    const smtpPort = (sink.server.address() as AddressInfo).port;

    const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    queue = createJobQueue({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', namespace: `photo_${randomBytes(4).toString('hex')}`, logger: log });
    jobs = await startJobWorkers({ db: t.db, queue, recordingsDir: dir, logger: log, mailer: smtpAttachmentMailer(`smtp://127.0.0.1:${smtpPort}`, 'Proctor <no-reply@photo.test>') });
    const auth = new AuthService({ db: t.db, mailer: { send: async () => undefined }, publicUrl: PUBLIC_URL, log });
    app = await buildApp({ log, db: t.db, pool: { size: 0, pids: () => [] }, webBuildDir: null, auth, devMailbox: null, recordingsDir: dir, jobQueue: queue });
    cookie.proctor = await login(app, 'proctor@demo.proctor.local', PASSWORD);
    cookie.admin = await login(app, 'admin@demo.proctor.local', PASSWORD);
    cookie.other = await login(app, 'other@photo.test', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await jobs?.close();
    await queue?.close();
    await closePdfBrowser();
    await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
    await t?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses strangers, other exams\' proctors, forged ids and paths', async () => {
    assert.equal((await request('GET', base(), null)).statusCode, 401);
    // Another exam's session answers like an unknown one (no existence oracle).
    assert.equal((await request('GET', base(), 'other')).statusCode, 404);
    assert.equal((await request('GET', `/api/sessions/${crypto.randomUUID()}/photo-report`, 'admin')).statusCode, 404);
    assert.equal((await request('GET', `/api/sessions/1%27%20or%201=1/photo-report`, 'admin')).statusCode, 400);
    assert.equal((await request('GET', `${base()}/pictures/..%2F..%2Fetc%2Fpasswd`, 'admin')).statusCode, 400);
    assert.equal((await request('GET', `${base()}/pictures/${crypto.randomUUID()}`, 'admin')).statusCode, 404);
    assert.equal((await request('GET', `${base()}/pdf?locale=ru`, 'other')).statusCode, 404);
    assert.equal((await request('GET', `${base()}/pdf?locale=xx`, 'proctor')).statusCode, 400);
    assert.equal((await request('GET', `${base()}/pdf?locale=ru&path=/etc/passwd`, 'proctor')).statusCode, 400);
    assert.equal((await request('POST', `${base()}/email`, 'other', { to: 'a@b.kz', locale: 'ru' })).statusCode, 404);
  });

  it('shows the card: verification first, then every violation, whose snapshots the job fills in', async () => {
    const first = photoReport.parse((await request('GET', base(), 'proctor')).json());
    assert.equal(first.candidateName, review.candidateName);
    assert.equal(first.violationCount, review.violations.length);
    assert.equal(first.events[0]?.kind, 'verification');
    assert.deepEqual(first.events.slice(1).map((e) => e.kind === 'violation' && e.type), review.violations.map((v) => v.type));
    assert.ok(first.events.slice(1).every((e) => e.kind === 'violation' && (e.pending || e.pictureUrl)), 'missing snapshots are pending');

    let card = first;
    const deadline = Date.now() + 60_000;
    while (card.events.some((e) => !e.pictureUrl) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      card = photoReport.parse((await request('GET', base(), 'proctor')).json());
    }
    for (const event of card.events) {
      assert.ok(event.pictureUrl, `${event.kind} has a picture`);
      const picture = await request('GET', event.pictureUrl, 'proctor');
      assert.equal(picture.statusCode, 200);
      assert.equal(picture.headers['content-type'], 'image/jpeg');
      assert.deepEqual([...picture.rawPayload.subarray(0, 2)], [0xff, 0xd8]);
    }
  });

  it('gives a picture whose file is gone no URL (a placeholder, like the PDF), and 404s it', async () => {
    const face = path.join(dir, `verification/${review.sessionId}-face.jpg`);
    const moved = `${face}.away`;
    const before = photoReport.parse((await request('GET', base(), 'proctor')).json());
    const url = before.events[0]!.pictureUrl!;
    await fs.rename(face, moved);
    try {
      const card = photoReport.parse((await request('GET', base(), 'proctor')).json());
      assert.equal(card.events[0]!.kind, 'verification');
      assert.equal(card.events[0]!.pictureUrl, null);
      assert.ok(card.events.slice(1).every((e) => e.pictureUrl), 'the other pictures are still there');
      assert.equal((await request('GET', url, 'proctor')).statusCode, 404);
    } finally {
      await fs.rename(moved, face);
    }
  });

  it('downloads an A4 PDF whose text has the Cyrillic name, exam, count and every violation; the download is logged', async () => {
    const res = await request('GET', `${base()}/pdf?locale=ru`, 'proctor');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="kratkiy-otchet-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.pdf"$/);
    const text = await pdfText(res.rawPayload, dir, 'ru');
    const flat = text.replace(/\s+/g, ' ');
    assert.ok(/[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]/.test(review.candidateName), 'the seeded name is Cyrillic');
    assert.ok(flat.includes(review.candidateName), `name in PDF:\n${text}`);
    const card = photoReport.parse((await request('GET', base(), 'proctor')).json());
    assert.ok(flat.includes(card.examName), 'exam name');
    assert.match(flat, new RegExp(`Общее количество нарушений ${review.violations.length}\\b`));
    assert.ok(flat.includes('Верификация — Успешно'), 'verification event');
    assert.match(flat, /\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} – \d{2}:\d{2}:\d{2}/, 'time spans');
    for (const v of review.violations) assert.ok(flat.includes(RU_NAMES[v.type]!), `${v.type} in PDF`);

    // Kazakh: the letters survive (a font without them would drop or box them).
    const kk = (await pdfText((await request('GET', `${base()}/pdf?locale=kk`, 'admin')).rawPayload, dir, 'kk')).replace(/\s+/g, ' ');
    assert.match(kk, /Бұзушылықтардың жалпы саны/);
    assert.match(kk, /Қысқаша есеп/);
    // Page images render (pdftoppm); the first page is kept for a human to look at.
    await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', path.join(dir, 'ru.pdf'), path.join(dir, 'page')]);
    const png = (await fs.readdir(dir)).find((f) => f.startsWith('page') && f.endsWith('.png'))!;
    const pngBytes = await fs.readFile(path.join(dir, png));
    assert.ok(pngBytes.length > 10_000, 'page 1 renders with content');
    if (process.env.PHOTO_REPORT_PNG) await fs.copyFile(path.join(dir, png), process.env.PHOTO_REPORT_PNG);

    const actions = (await listActionsForSession(t.db, review.sessionId)).filter((a) => a.action === 'photo_report.downloaded');
    assert.equal(actions.length, 2);
    assert.deepEqual(actions.map((a) => a.actorUserId).sort(), [review.adminUserId, review.proctorUserId].sort());
  });

  it('e-mails the PDF through the job to the SMTP server, logs it; a bad address is refused and nothing is sent', async () => {
    for (const to of ['not an address', 'a@b', '<script>@x.kz', 'x@y.kz\r\nBcc: evil@z.kz', '']) {
      const bad = await request('POST', `${base()}/email`, 'proctor', { to, locale: 'ru' });
      assert.equal(bad.statusCode, 400, `${JSON.stringify(to)} refused`);
      assert.match(bad.json().error.message, /^to: email_invalid/);
    }
    assert.equal((await request('POST', `${base()}/email`, 'proctor', { to: 'a@b.kz', locale: 'ru', extra: 1 })).statusCode, 400);
    const counts = await queue.counts('photo-report-email');
    assert.equal((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.completed ?? 0), 0, 'nothing was queued');

    const ok = await request('POST', `${base()}/email`, 'proctor', { to: 'Dean.Office@University.kz', locale: 'kk' });
    assert.equal(ok.statusCode, 202, ok.body);
    const deadline = Date.now() + 60_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(received.length, 1, 'exactly one message');
    const mail = received[0]!;
    assert.match(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', /Dean\.Office@University\.kz/i);
    assert.equal(mail.subject, `Қысқаша есеп: ${review.candidateName} — ${photoReport.parse((await request('GET', base(), 'proctor')).json()).examName}`);
    assert.equal(mail.attachments.length, 1);
    const attachment = mail.attachments[0]!;
    assert.equal(attachment.contentType, 'application/pdf');
    assert.match(attachment.filename ?? '', /^qysqasha-esep-.*\.pdf$/);
    const text = (await pdfText(attachment.content, dir, 'mailed')).replace(/\s+/g, ' ');
    assert.ok(text.includes(review.candidateName));
    assert.ok(text.includes('Терезе фокусы жоғалды'));

    let emailed = [] as Awaited<ReturnType<typeof listActionsForSession>>;
    while (emailed.length === 0 && Date.now() < deadline) {
      emailed = (await listActionsForSession(t.db, review.sessionId)).filter((a) => a.action === 'photo_report.emailed');
      if (emailed.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(emailed.length, 1);
    assert.equal(emailed[0]!.actorUserId, review.proctorUserId);
    assert.equal(emailed[0]!.details.to, 'Dean.Office@University.kz');
  });

  it('a mailbox the server refuses: retried, then the action archive says it was not sent and why', async () => {
    const before = received.length;
    const res = await request('POST', `${base()}/email`, 'admin', { to: 'nobody@refused.test', locale: 'en' });
    assert.equal(res.statusCode, 202);
    // 3 attempts with 5 s and 10 s back-off.
    const deadline = Date.now() + 60_000;
    let failed = [] as Awaited<ReturnType<typeof listActionsForSession>>;
    while (failed.length === 0 && Date.now() < deadline) {
      failed = (await listActionsForSession(t.db, review.sessionId)).filter((a) => a.action === 'photo_report.email_failed');
      if (failed.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.details.to, 'nobody@refused.test');
    assert.match(String(failed[0]!.details.error), /550|no such user/i);
    assert.equal(received.length, before, 'nothing was delivered');
    assert.equal((await listActionsForSession(t.db, review.sessionId)).filter((a) => a.action === 'photo_report.emailed').length, 1, 'no "e-mailed" entry for it');
  });
});
