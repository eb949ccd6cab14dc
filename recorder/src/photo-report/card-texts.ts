/**
 * Texts of the server-rendered photo report (PDF and its e-mail) in the three UI languages.
 * Violation names come from @proctor/values, the same ones the web UI and the other reports use.
 */
import type { Locale, VerificationResult } from '@proctor/db';
import { VALUE_LABELS } from '@proctor/values';

export interface CardTexts {
  title: string;
  candidate: string;
  exam: string;
  start: string;
  end: string;
  violationCount: string;
  trust: string;
  photoReport: string;
  verification: string;
  verificationResult: Record<VerificationResult, string>;
  noPicture: string;
  noEvents: string;
  notFinished: string;
  notComputed: string;
  generated: string;
  violation: Record<string, string>;
  mailSubject: (candidate: string, exam: string) => string;
  mailBody: (candidate: string, exam: string) => string;
  fileName: string;
}

const en: CardTexts = {
  title: 'Short report',
  candidate: 'Candidate',
  exam: 'Exam',
  start: 'Start time',
  end: 'End time',
  violationCount: 'Total number of violations',
  trust: 'Trust percentage',
  photoReport: 'Photo report',
  verification: 'Verification',
  verificationResult: { successful: 'Successful', failed: 'Failed', no_reference: 'No reference photo' },
  noPicture: 'No picture: there is no recording of this moment',
  noEvents: 'No events were recorded in this session.',
  notFinished: 'not finished',
  notComputed: 'not computed',
  generated: 'Generated',
  violation: VALUE_LABELS.en.violation,
  mailSubject: (candidate, exam) => `Short report: ${candidate} — ${exam}`,
  mailBody: (candidate, exam) => `The photo report of ${candidate} for the exam "${exam}" is attached as a PDF.`,
  fileName: 'short-report',
};

const ru: CardTexts = {
  title: 'Краткий отчёт',
  candidate: 'Кандидат',
  exam: 'Экзамен',
  start: 'Время начала',
  end: 'Время окончания',
  violationCount: 'Общее количество нарушений',
  trust: 'Процент доверия',
  photoReport: 'Фотоотчёт',
  verification: 'Верификация',
  verificationResult: { successful: 'Успешно', failed: 'Не пройдена', no_reference: 'Нет эталонного фото' },
  noPicture: 'Нет снимка: запись этого момента отсутствует',
  noEvents: 'В этой сессии событий не зафиксировано.',
  notFinished: 'не завершён',
  notComputed: 'не рассчитан',
  generated: 'Сформирован',
  violation: VALUE_LABELS.ru.violation,
  mailSubject: (candidate, exam) => `Краткий отчёт: ${candidate} — ${exam}`,
  mailBody: (candidate, exam) => `Фотоотчёт кандидата ${candidate} по экзамену «${exam}» — во вложении (PDF).`,
  fileName: 'kratkiy-otchet',
};

const kk: CardTexts = {
  title: 'Қысқаша есеп',
  candidate: 'Тапсырушы',
  exam: 'Емтихан',
  start: 'Басталу уақыты',
  end: 'Аяқталу уақыты',
  violationCount: 'Бұзушылықтардың жалпы саны',
  trust: 'Сенім пайызы',
  photoReport: 'Фотоесеп',
  verification: 'Верификация',
  verificationResult: { successful: 'Сәтті', failed: 'Өтпеді', no_reference: 'Эталон фото жоқ' },
  noPicture: 'Сурет жоқ: бұл сәттің жазбасы жоқ',
  noEvents: 'Бұл сессияда ешқандай оқиға тіркелмеді.',
  notFinished: 'аяқталмаған',
  notComputed: 'есептелмеген',
  generated: 'Құрастырылды',
  violation: VALUE_LABELS.kk.violation,
  mailSubject: (candidate, exam) => `Қысқаша есеп: ${candidate} — ${exam}`,
  mailBody: (candidate, exam) => `${candidate} тапсырушының «${exam}» емтиханы бойынша фотоесебі PDF түрінде тіркелген.`,
  fileName: 'qysqasha-esep',
};

export const CARD_TEXTS: Record<Locale, CardTexts> = { en, ru, kk };

/** A violation type's name; an unknown (newer) type is shown by its code. */
export function violationName(texts: CardTexts, type: string): string {
  return texts.violation[type] ?? type;
}
