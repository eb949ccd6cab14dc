/**
 * The demo's bundled sample assessment: a short ecology quiz in kk / ru / en that includes
 * the exam guard, served by `--demo` on its own port, so it is another origin than the
 * platform, as a university's LMS would be. The seeded demo exam points at it, and
 * `npm start` shows the whole flow: start → the quiz in the frame → "Submit" → finish.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Lang = 'kk' | 'ru' | 'en';

interface QuizTexts {
  title: string;
  lead: string;
  questions: { text: string; options?: string[] }[];
  submit: string;
  done: string;
  guardNote: string;
}

const TEXTS: Record<Lang, QuizTexts> = {
  ru: {
    title: 'Экология: итоговый тест (пример)',
    lead: 'Это пример теста, встроенного в страницу прокторинга. Ответы никуда не отправляются.',
    questions: [
      { text: 'Что из перечисленного — парниковый газ?', options: ['Азот', 'Углекислый газ', 'Аргон'] },
      { text: 'Какое озеро в Казахстане частично солёное, частично пресное?', options: ['Балхаш', 'Алаколь', 'Зайсан'] },
      { text: 'Назовите один возобновляемый источник энергии.' },
      { text: 'Кратко: почему важно сохранять биоразнообразие?' },
    ],
    submit: 'Отправить ответы',
    done: 'Ответы отправлены. Вернитесь к панели прокторинга и нажмите «Завершить».',
    guardNote: 'Эта страница подключает exam-guard.js: открытая вне прокторинга, она скрыта.',
  },
  kk: {
    title: 'Экология: қорытынды тест (үлгі)',
    lead: 'Бұл прокторинг бетіне енгізілген тесттің үлгісі. Жауаптар ешқайда жіберілмейді.',
    questions: [
      { text: 'Төмендегілердің қайсысы парниктік газ?', options: ['Азот', 'Көмірқышқыл газы', 'Аргон'] },
      { text: 'Қазақстандағы қай көлдің бір бөлігі тұзды, бір бөлігі тұщы?', options: ['Балқаш', 'Алакөл', 'Зайсан'] },
      { text: 'Жаңартылатын бір энергия көзін атаңыз.' },
      { text: 'Қысқаша: биоәртүрлілікті сақтау неге маңызды?' },
    ],
    submit: 'Жауаптарды жіберу',
    done: 'Жауаптар жіберілді. Прокторинг панеліне оралып, «Аяқтау» түймесін басыңыз.',
    guardNote: 'Бұл бет exam-guard.js қосады: прокторингсіз ашылса, ол жасырын болады.',
  },
  en: {
    title: 'Ecology: final test (sample)',
    lead: 'A sample test embedded in the proctoring page. The answers are not sent anywhere.',
    questions: [
      { text: 'Which of these is a greenhouse gas?', options: ['Nitrogen', 'Carbon dioxide', 'Argon'] },
      { text: 'Which lake in Kazakhstan is partly salty and partly fresh?', options: ['Balkhash', 'Alakol', 'Zaysan'] },
      { text: 'Name one renewable source of energy.' },
      { text: 'Briefly: why does biodiversity matter?' },
    ],
    submit: 'Submit answers',
    done: 'Answers submitted. Go back to the proctoring bar and press “Finish”.',
    guardNote: 'This page includes exam-guard.js: opened outside proctoring, it stays hidden.',
  },
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pickLang(query: string | null, acceptLanguage: string | undefined): Lang {
  for (const tag of [query ?? '', ...(acceptLanguage ?? '').split(',')]) {
    const base = tag.trim().slice(0, 2).toLowerCase();
    if (base === 'kk' || base === 'ru' || base === 'en') return base;
  }
  return 'ru';
}

export function sampleAssessmentHtml(platformOrigin: string, lang: Lang): string {
  const t = TEXTS[lang];
  const questions = t.questions
    .map((q, i) => {
      const field = q.options
        ? q.options.map((o, j) => `<label class="opt"><input type="radio" name="q${i}" value="${j}"> ${escape(o)}</label>`).join('')
        : i === t.questions.length - 1
          ? `<textarea name="q${i}" rows="3"></textarea>`
          : `<input name="q${i}" autocomplete="off">`;
      return `<fieldset><legend>${i + 1}. ${escape(q.text)}</legend>${field}</fieldset>`;
    })
    .join('\n');
  const langs = (['kk', 'ru', 'en'] as const).map((l) => (l === lang ? `<b>${l}</b>` : `<a href="?lang=${l}">${l}</a>`)).join(' · ');
  return `<!doctype html>
<html lang="${lang}"><head>
<meta charset="utf-8">
<script src="${escape(platformOrigin)}/sdk/exam-guard.js"></script>
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.title)}</title>
<style>
body { font: 16px/1.5 system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; max-width: 760px; margin: 24px auto; padding: 0 20px; color: #0f172a; }
fieldset { border: 1px solid #e2e8f0; border-radius: 10px; margin: 0 0 14px; padding: 12px 16px; }
legend { font-weight: 600; padding: 0 6px; }
.opt { display: block; margin: 4px 0; }
input:not([type]), textarea { width: 100%; box-sizing: border-box; padding: 8px 10px; border: 1px solid #cbd5e1; border-radius: 8px; font: inherit; }
button { padding: 10px 18px; border-radius: 8px; border: 0; background: #2563eb; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
.langs { float: right; } .note { color: #64748b; font-size: 14px; } #done { color: #15803d; font-weight: 600; }
</style>
</head><body>
<p class="langs">${langs}</p>
<h1>${escape(t.title)}</h1>
<p>${escape(t.lead)}</p>
<form id="quiz">
${questions}
<button type="submit" id="submit">${escape(t.submit)}</button>
</form>
<p id="done" hidden>${escape(t.done)}</p>
<p class="note">${escape(t.guardNote)}</p>
<script>
document.getElementById('quiz').addEventListener('submit', function (e) {
  e.preventDefault();
  document.getElementById('done').hidden = false;
  if (window.ProctorExamGuard) window.ProctorExamGuard.complete();
});
</script>
</body></html>`;
}

export interface SampleAssessment {
  url: string;
  close(): Promise<void>;
}

/** Serves the quiz on `port` (0 = any free one) at `/`; `publicHost` is the host name users open. */
export async function startSampleAssessment(opts: { host: string; port: number; publicHost: string; platformOrigin: string }): Promise<SampleAssessment> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sample');
    if (url.pathname !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(sampleAssessmentHtml(opts.platformOrigin, pickLang(url.searchParams.get('lang'), req.headers['accept-language'])));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  // The usual port may be taken (another node on this machine): any free one will do.
  await listen(opts.port).catch(() => listen(0));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.publicHost}:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
