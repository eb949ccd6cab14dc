/**
 * Every text of the server-rendered reports (the Excel exam report, the grade sheet in
 * Excel and PDF) in Kazakh, Russian and English: column titles, and the names of the
 * closed sets (status, decision, review status, violation type) from @proctor/values, the
 * same ones the web UI shows. One dictionary for all documents, so a column is called the
 * same in every file.
 */
import type { Locale } from '@proctor/db';
import { VALUE_LABELS, type ValueLabels } from '@proctor/values';

export interface ReportTexts extends ValueLabels {
  examReport: {
    sheet: string;
    title: string;
    columns: {
      number: string;
      candidate: string;
      iin: string;
      group: string;
      exam: string;
      discipline: string;
      status: string;
      start: string;
      end: string;
      timeZone: string;
      honesty: string;
      decision: string;
      review: string;
      archived: string;
      violationsTotal: string;
      attempts: string;
      reconnects: string;
      cameraRecording: string;
      screenRecording: string;
      microphoneRecording: string;
      sessionId: string;
    };
  };
  gradeSheet: {
    sheet: string;
    title: string;
    exam: string;
    discipline: string;
    group: string;
    allGroups: string;
    date: string;
    generated: string;
    total: string;
    proctor: string;
    signatureLine: string;
    columns: {
      number: string;
      candidate: string;
      iin: string;
      group: string;
      start: string;
      end: string;
      honesty: string;
      decision: string;
      signature: string;
    };
  };
  yes: string;
  no: string;
}

const en: ReportTexts = {
  examReport: {
    sheet: 'Exam report',
    title: 'Detailed exam report',
    columns: {
      number: 'No.',
      candidate: 'Candidate',
      iin: 'IIN',
      group: 'Group',
      exam: 'Exam name',
      discipline: 'Discipline',
      status: 'Status',
      start: 'Start',
      end: 'End',
      timeZone: 'Time zone',
      honesty: 'Honesty, %',
      decision: 'Decision',
      review: 'Review status',
      archived: 'Archived',
      violationsTotal: 'Violations, total',
      attempts: 'Attempts',
      reconnects: 'Reconnects',
      cameraRecording: 'Camera recording',
      screenRecording: 'Screen recording',
      microphoneRecording: 'Microphone recording',
      sessionId: 'Session ID',
    },
  },
  gradeSheet: {
    sheet: 'Grade sheet',
    title: 'Grade sheet',
    exam: 'Exam',
    discipline: 'Discipline',
    group: 'Group',
    allGroups: 'All groups',
    date: 'Date',
    generated: 'Generated',
    total: 'Candidates',
    proctor: 'Proctor',
    signatureLine: 'full name, signature',
    columns: {
      number: 'No.',
      candidate: 'Candidate',
      iin: 'IIN',
      group: 'Group',
      start: 'Start',
      end: 'End',
      honesty: 'Honesty, %',
      decision: 'Decision',
      signature: 'Signature',
    },
  },
  yes: 'Yes',
  no: 'No',
  ...VALUE_LABELS.en,
};

const ru: ReportTexts = {
  examReport: {
    sheet: 'Отчёт по экзаменам',
    title: 'Подробный отчёт по экзаменам',
    columns: {
      number: '№',
      candidate: 'Кандидат',
      iin: 'ИИН',
      group: 'Группа',
      exam: 'Название экзамена',
      discipline: 'Дисциплина',
      status: 'Статус',
      start: 'Начало',
      end: 'Окончание',
      timeZone: 'Часовой пояс',
      honesty: 'Честность, %',
      decision: 'Решение',
      review: 'Статус проверки',
      archived: 'В архиве',
      violationsTotal: 'Нарушений всего',
      attempts: 'Попытки',
      reconnects: 'Переподключения',
      cameraRecording: 'Запись камеры',
      screenRecording: 'Запись экрана',
      microphoneRecording: 'Запись микрофона',
      sessionId: 'ID сессии',
    },
  },
  gradeSheet: {
    sheet: 'Ведомость',
    title: 'Ведомость',
    exam: 'Экзамен',
    discipline: 'Дисциплина',
    group: 'Группа',
    allGroups: 'Все группы',
    date: 'Дата',
    generated: 'Сформирована',
    total: 'Кандидатов',
    proctor: 'Проктор',
    signatureLine: 'ФИО, подпись',
    columns: {
      number: '№',
      candidate: 'Кандидат',
      iin: 'ИИН',
      group: 'Группа',
      start: 'Начало',
      end: 'Окончание',
      honesty: 'Честность, %',
      decision: 'Решение',
      signature: 'Подпись',
    },
  },
  yes: 'Да',
  no: 'Нет',
  ...VALUE_LABELS.ru,
};

const kk: ReportTexts = {
  examReport: {
    sheet: 'Емтихандар есебі',
    title: 'Емтихандар бойынша толық есеп',
    columns: {
      number: '№',
      candidate: 'Тапсырушы',
      iin: 'ЖСН',
      group: 'Топ',
      exam: 'Емтихан атауы',
      discipline: 'Пән',
      status: 'Күйі',
      start: 'Басталуы',
      end: 'Аяқталуы',
      timeZone: 'Уақыт белдеуі',
      honesty: 'Адалдық, %',
      decision: 'Шешім',
      review: 'Тексеру күйі',
      archived: 'Мұрағатта',
      violationsTotal: 'Барлық бұзушылық',
      attempts: 'Талпыныстар',
      reconnects: 'Қайта қосылулар',
      cameraRecording: 'Камера жазбасы',
      screenRecording: 'Экран жазбасы',
      microphoneRecording: 'Микрофон жазбасы',
      sessionId: 'Сессия ID',
    },
  },
  gradeSheet: {
    sheet: 'Ведомость',
    title: 'Емтихан ведомосы',
    exam: 'Емтихан',
    discipline: 'Пән',
    group: 'Топ',
    allGroups: 'Барлық топтар',
    date: 'Күні',
    generated: 'Құрастырылды',
    total: 'Тапсырушылар',
    proctor: 'Проктор',
    signatureLine: 'аты-жөні, қолы',
    columns: {
      number: '№',
      candidate: 'Тапсырушы',
      iin: 'ЖСН',
      group: 'Топ',
      start: 'Басталуы',
      end: 'Аяқталуы',
      honesty: 'Адалдық, %',
      decision: 'Шешім',
      signature: 'Қолы',
    },
  },
  yes: 'Иә',
  no: 'Жоқ',
  ...VALUE_LABELS.kk,
};

export const REPORT_TEXTS: Record<Locale, ReportTexts> = { kk, ru, en };

export function reportTexts(locale: Locale): ReportTexts {
  return REPORT_TEXTS[locale];
}
