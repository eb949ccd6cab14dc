/**
 * Names of the closed sets in kk/ru/en, as the web UI shows them (Results page, exam form)
 * and the server-rendered documents print them; one wording everywhere.
 */
import type { Decision, Locale, ReviewStatus, SessionStatus } from './sets.ts';
import type { ViolationType } from './violations.ts';
import type { MediaProfileId } from './media-profiles.ts';

export interface ValueLabels {
  status: Record<SessionStatus, string>;
  decision: Record<Decision, string>;
  review: Record<ReviewStatus, string>;
  violation: Record<ViolationType, string>;
  /** The exam form's media profile choice (#11): a name and a one-line explanation each. */
  mediaProfile: Record<MediaProfileId, string>;
  mediaProfileHint: Record<MediaProfileId, string>;
}

const en: ValueLabels = {
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
  mediaProfile: { grid: 'Grid (recommended)', balanced: 'Balanced', high: 'High quality' },
  mediaProfileHint: {
    grid: 'Made for watching many candidates at once: a light camera, a sharp but slow screen. Least bandwidth and storage.',
    balanced: 'A larger camera picture for closer review; needs a steadier connection.',
    high: 'HD camera and a smoother screen, for small groups on fast networks; the most bandwidth and storage.',
  },
};

const ru: ValueLabels = {
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
  mediaProfile: { grid: 'Сетка (рекомендуется)', balanced: 'Сбалансированный', high: 'Высокое качество' },
  mediaProfileHint: {
    grid: 'Для наблюдения за многими кандидатами сразу: лёгкая камера, чёткий, но редко обновляемый экран. Меньше всего трафика и места.',
    balanced: 'Камера крупнее для подробного просмотра; нужно более стабильное соединение.',
    high: 'HD-камера и более плавный экран, для небольших групп с быстрым интернетом; больше всего трафика и места.',
  },
};

const kk: ValueLabels = {
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
  mediaProfile: { grid: 'Тор (ұсынылады)', balanced: 'Теңгерімді', high: 'Жоғары сапа' },
  mediaProfileHint: {
    grid: 'Көп үміткерді бірден бақылауға арналған: жеңіл камера, анық, бірақ сирек жаңаратын экран. Трафик пен орын ең аз.',
    balanced: 'Толығырақ қарауға арналған үлкенірек камера бейнесі; тұрақтырақ байланыс қажет.',
    high: 'HD камера және бірқалыпты экран, жылдам интернеті бар шағын топтарға; трафик пен орын ең көп.',
  },
};

export const VALUE_LABELS: Record<Locale, ValueLabels> = { kk, ru, en };

/**
 * One set's names as flat message keys (`prefix` + value), the shape of the web UI's
 * dictionaries: `labelKeys('decision.', VALUE_LABELS.en.decision)` → `{ 'decision.none': … }`.
 */
export function labelKeys<P extends string, V extends string>(prefix: P, labels: Record<V, string>): Record<`${P}${V}`, string> {
  const out = {} as Record<`${P}${V}`, string>;
  for (const [value, text] of Object.entries(labels) as [V, string][]) out[`${prefix}${value}`] = text;
  return out;
}
