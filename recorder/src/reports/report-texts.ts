/**
 * Every text of the server-rendered reports (the Excel exam report, the grade sheet in
 * Excel and PDF) in Kazakh, Russian and English: column titles and the values of the
 * closed sets (status, decision, review status, violation type). One dictionary for all
 * documents, so a column is called the same in every file. Wording follows the web UI's
 * Results page where the same thing is shown there.
 */
import type { Decision, Locale, ReviewStatus, SessionStatus, ViolationType } from '@proctor/db';

export interface ReportTexts {
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
  status: Record<SessionStatus, string>;
  decision: Record<Decision, string>;
  review: Record<ReviewStatus, string>;
  violation: Record<ViolationType, string>;
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
  status: { not_started: 'Not started', in_progress: 'In progress', finished: 'Finished' },
  decision: { none: 'No decision', admitted: 'Accepted', not_admitted: 'Not accepted', annulled: 'Annulled' },
  review: { not_viewed: 'Not viewed', viewed: 'Viewed' },
  violation: {
    no_face: 'No face in the frame',
    multiple_faces: 'Several faces',
    other_person: 'Another person',
    head_turned: 'Head turned away',
    voice: 'Voices',
    focus_lost: 'Window focus lost',
    tab_hidden: 'Tab hidden',
    fullscreen_exit: 'Left full screen',
    copy: 'Copy',
    paste: 'Paste',
    cut: 'Cut',
    second_display: 'Second display',
    screen_share_stopped: 'Screen sharing stopped',
    camera_stopped: 'Camera off',
    microphone_stopped: 'Microphone off',
    network_lost: 'Connection lost',
  },
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
  status: { not_started: 'Не начат', in_progress: 'В процессе', finished: 'Завершён' },
  decision: { none: 'Нет решения', admitted: 'Засчитан', not_admitted: 'Не засчитан', annulled: 'Аннулирован' },
  review: { not_viewed: 'Не просмотрено', viewed: 'Просмотрено' },
  violation: {
    no_face: 'Нет лица в кадре',
    multiple_faces: 'Несколько лиц',
    other_person: 'Другой человек',
    head_turned: 'Голова отвёрнута',
    voice: 'Голоса',
    focus_lost: 'Потеря фокуса окна',
    tab_hidden: 'Вкладка скрыта',
    fullscreen_exit: 'Выход из полноэкранного режима',
    copy: 'Копирование',
    paste: 'Вставка',
    cut: 'Вырезание',
    second_display: 'Второй монитор',
    screen_share_stopped: 'Демонстрация экрана остановлена',
    camera_stopped: 'Камера выключена',
    microphone_stopped: 'Микрофон выключен',
    network_lost: 'Потеря связи',
  },
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
  status: { not_started: 'Басталмаған', in_progress: 'Жүріп жатыр', finished: 'Аяқталды' },
  decision: { none: 'Шешім жоқ', admitted: 'Есептелді', not_admitted: 'Есептелмеді', annulled: 'Күші жойылды' },
  review: { not_viewed: 'Қаралмаған', viewed: 'Қаралған' },
  violation: {
    no_face: 'Кадрда бет жоқ',
    multiple_faces: 'Бірнеше бет',
    other_person: 'Бөгде адам',
    head_turned: 'Басын бұрып әкеткен',
    voice: 'Дауыстар',
    focus_lost: 'Терезе фокусы жоғалды',
    tab_hidden: 'Бет жасырылды',
    fullscreen_exit: 'Толық экраннан шығу',
    copy: 'Көшіру',
    paste: 'Қою',
    cut: 'Қиып алу',
    second_display: 'Екінші монитор',
    screen_share_stopped: 'Экранды көрсету тоқтады',
    camera_stopped: 'Камера өшірілді',
    microphone_stopped: 'Микрофон өшірілді',
    network_lost: 'Байланыс үзілді',
  },
};

export const REPORT_TEXTS: Record<Locale, ReportTexts> = { kk, ru, en };

export function reportTexts(locale: Locale): ReportTexts {
  return REPORT_TEXTS[locale];
}
