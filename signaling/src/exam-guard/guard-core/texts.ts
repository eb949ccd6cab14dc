/**
 * What the exam guard shows over a locked assessment page, in the platform's three
 * languages. The language is the page's own (`<html lang>`), else the browser's.
 */
import type { GuardStatus } from './guard-core.ts';

export type GuardLocale = 'kk' | 'ru' | 'en';

interface Texts {
  title: Record<'checking' | 'blocked' | 'waiting' | 'paused' | 'terminated', string>;
  body: {
    checking: string;
    no_proctoring: string;
    not_confirmed: string;
    clock: string;
    not_started: string;
    ended: string;
    connecting: string;
    not_live: string;
    media_stopped: string;
    paused: string;
    finished: string;
    exam_ended: string;
    terminated_by_proctor: string;
    terminated: string;
  };
}

const TEXTS: Record<GuardLocale, Texts> = {
  en: {
    title: {
      checking: 'Connecting to proctoring…',
      blocked: 'This test must be taken under proctoring',
      waiting: 'Waiting for proctoring',
      paused: 'The test is paused',
      terminated: 'The test is closed',
    },
    body: {
      checking: 'The test appears as soon as the proctoring page confirms your exam session.',
      no_proctoring: 'Open your exam from its proctoring link and press "Start the exam": the test opens there.',
      not_confirmed: 'The proctoring page did not confirm your exam session. Go back to the proctoring page and open the test from there.',
      clock: "Your computer's date or time is wrong. Correct them (set them automatically), then reload this page.",
      not_started: 'The exam has not started yet. The test opens at the start time.',
      ended: 'The exam time is over.',
      connecting: 'Proctoring is reconnecting. The test comes back as soon as the connection does.',
      not_live: 'Proctoring is not running. Go back to the proctoring page and check your camera and screen sharing.',
      media_stopped: 'Your camera or screen sharing stopped. Turn it back on on the proctoring page to continue.',
      paused: 'Proctoring paused the test.',
      finished: 'You have finished the exam.',
      exam_ended: 'The exam time is over.',
      terminated_by_proctor: 'The proctor stopped your exam.',
      terminated: 'The exam is over.',
    },
  },
  ru: {
    title: {
      checking: 'Подключение к прокторингу…',
      blocked: 'Этот тест нужно проходить под прокторингом',
      waiting: 'Ожидание прокторинга',
      paused: 'Тест приостановлен',
      terminated: 'Тест закрыт',
    },
    body: {
      checking: 'Тест появится, как только страница прокторинга подтвердит вашу сессию экзамена.',
      no_proctoring: 'Откройте экзамен по ссылке прокторинга и нажмите «Начать экзамен»: тест откроется там.',
      not_confirmed: 'Страница прокторинга не подтвердила вашу сессию экзамена. Вернитесь на страницу прокторинга и откройте тест оттуда.',
      clock: 'На компьютере неверные дата или время. Исправьте их (включите автоматическую установку) и перезагрузите страницу.',
      not_started: 'Экзамен ещё не начался. Тест откроется во время начала.',
      ended: 'Время экзамена истекло.',
      connecting: 'Прокторинг переподключается. Тест вернётся, как только восстановится связь.',
      not_live: 'Прокторинг не работает. Вернитесь на страницу прокторинга и проверьте камеру и демонстрацию экрана.',
      media_stopped: 'Камера или демонстрация экрана остановлены. Включите их снова на странице прокторинга, чтобы продолжить.',
      paused: 'Прокторинг приостановил тест.',
      finished: 'Вы завершили экзамен.',
      exam_ended: 'Время экзамена истекло.',
      terminated_by_proctor: 'Проктор остановил ваш экзамен.',
      terminated: 'Экзамен окончен.',
    },
  },
  kk: {
    title: {
      checking: 'Прокторингке қосылуда…',
      blocked: 'Бұл тест прокторингпен тапсырылуы керек',
      waiting: 'Прокторинг күтілуде',
      paused: 'Тест тоқтатыла тұрды',
      terminated: 'Тест жабық',
    },
    body: {
      checking: 'Прокторинг беті емтихан сессияңызды растағанда тест көрінеді.',
      no_proctoring: 'Емтиханды прокторинг сілтемесі арқылы ашып, «Емтиханды бастау» түймесін басыңыз: тест сол жерде ашылады.',
      not_confirmed: 'Прокторинг беті емтихан сессияңызды растамады. Прокторинг бетіне оралып, тестті сол жерден ашыңыз.',
      clock: 'Компьютердегі күн немесе уақыт қате. Оларды түзетіп (автоматты түрде орнатуды қосып), бетті қайта жүктеңіз.',
      not_started: 'Емтихан әлі басталған жоқ. Тест басталу уақытында ашылады.',
      ended: 'Емтихан уақыты аяқталды.',
      connecting: 'Прокторинг қайта қосылуда. Байланыс қалпына келгенде тест қайта ашылады.',
      not_live: 'Прокторинг жұмыс істемей тұр. Прокторинг бетіне оралып, камера мен экранды көрсетуді тексеріңіз.',
      media_stopped: 'Камера немесе экранды көрсету тоқтады. Жалғастыру үшін оларды прокторинг бетінде қайта қосыңыз.',
      paused: 'Прокторинг тестті тоқтата тұрды.',
      finished: 'Сіз емтиханды аяқтадыңыз.',
      exam_ended: 'Емтихан уақыты аяқталды.',
      terminated_by_proctor: 'Проктор емтиханыңызды тоқтатты.',
      terminated: 'Емтихан аяқталды.',
    },
  },
};

export function guardLocale(pageLang: string | null | undefined, browserLangs: readonly string[]): GuardLocale {
  for (const tag of [pageLang ?? '', ...browserLangs]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'kk' || base === 'ru' || base === 'en') return base;
  }
  return 'ru';
}

/** Title and sentence for a locked page (null while open). */
export function guardText(status: GuardStatus, locale: GuardLocale): { title: string; body: string } | null {
  const t = TEXTS[locale];
  switch (status.kind) {
    case 'open':
      return null;
    case 'checking':
      return { title: t.title.checking, body: t.body.checking };
    case 'blocked':
      return { title: t.title.blocked, body: t.body[status.why] };
    case 'waiting':
      return { title: t.title.waiting, body: t.body[status.why] };
    case 'paused':
      return { title: t.title.paused, body: status.why === 'media_stopped' ? t.body.media_stopped : t.body.paused };
    case 'terminated':
      return {
        title: t.title.terminated,
        body: status.why === 'finished' || status.why === 'exam_ended' || status.why === 'terminated_by_proctor' ? t.body[status.why] : t.body.terminated,
      };
  }
}
