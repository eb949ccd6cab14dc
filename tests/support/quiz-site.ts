/**
 * A stand-in for a university's LMS on its own origin (127.0.0.1, another port than the
 * media node): a small quiz page that includes the platform's exam guard, a page that
 * refuses framing (X-Frame-Options: DENY), a quiz without the guard, and a "course" page
 * that sign-on links return to.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface QuizSite {
  origin: string;
  /** The quiz with the exam guard (first thing in <head>). */
  quizUrl: string;
  /** A page sending X-Frame-Options: DENY. */
  denyUrl: string;
  /** Where finished candidates are sent back to. */
  courseUrl: string;
  close(): Promise<void>;
}

const quiz = (platform: string) => `<!doctype html>
<html lang="ru"><head>
<meta charset="utf-8">
<script src="${platform}/sdk/exam-guard.js" data-recheck="5"></script>
<title>Тест: Экология</title>
</head><body>
<h1>Экология: итоговый тест</h1>
<form id="quiz" onsubmit="event.preventDefault(); document.getElementById('done').hidden = false; ProctorExamGuard.complete();">
  <label>1. Что такое экосистема? <input name="q1" id="q1" autocomplete="off"></label><br>
  <label>2. Назовите парниковый газ. <input name="q2" id="q2" autocomplete="off"></label><br>
  <label>3. Ваш комментарий <textarea name="q3" id="q3"></textarea></label><br>
  <label><input type="radio" name="q4" value="a" id="q4a"> Да</label>
  <label><input type="radio" name="q4" value="b" id="q4b"> Нет</label><br>
  <button id="submit">Отправить</button>
</form>
<p id="done" hidden>Ответы отправлены</p>
</body></html>`;

export async function startQuizSite(platformUrl: string): Promise<QuizSite> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (path === '/quiz') return res.end(quiz(platformUrl));
    if (path === '/deny') {
      res.setHeader('x-frame-options', 'DENY');
      return res.end('<!doctype html><title>denied</title><p>This page may not be framed.</p>');
    }
    if (path === '/course') return res.end('<!doctype html><title>Course</title><h1 id="course">Курс: Экология</h1>');
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    quizUrl: `${origin}/quiz`,
    denyUrl: `${origin}/deny`,
    courseUrl: `${origin}/course`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
