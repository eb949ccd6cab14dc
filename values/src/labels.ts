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

/** One set's names given per value as [kk, ru, en], split into one record per locale. */
function inLocales<V extends string>(names: Record<V, [kk: string, ru: string, en: string]>): Record<Locale, Record<V, string>> {
  const out = { kk: {}, ru: {}, en: {} } as Record<Locale, Record<V, string>>;
  for (const [value, [kk, ru, en]] of Object.entries(names) as [V, [string, string, string]][]) {
    out.kk[value] = kk;
    out.ru[value] = ru;
    out.en[value] = en;
  }
  return out;
}

const status = inLocales<SessionStatus>({
  not_started: ['Басталмаған', 'Не начат', 'Not started'],
  in_progress: ['Жүріп жатыр', 'В процессе', 'In progress'],
  finished: ['Аяқталды', 'Завершён', 'Finished'],
});

const decision = inLocales<Decision>({
  none: ['Шешім жоқ', 'Нет решения', 'No decision'],
  admitted: ['Есептелді', 'Засчитан', 'Accepted'],
  not_admitted: ['Есептелмеді', 'Не засчитан', 'Not accepted'],
  annulled: ['Күші жойылды', 'Аннулирован', 'Annulled'],
});

const review = inLocales<ReviewStatus>({
  not_viewed: ['Қаралмаған', 'Не просмотрено', 'Not viewed'],
  viewed: ['Қаралған', 'Просмотрено', 'Viewed'],
});

const violation = inLocales<ViolationType>({
  no_face: ['Кадрда бет жоқ', 'Нет лица в кадре', 'No face in the frame'],
  multiple_faces: ['Бірнеше бет', 'Несколько лиц', 'Several faces'],
  other_person: ['Бөгде адам', 'Другой человек', 'Another person'],
  head_turned: ['Басын бұрып әкеткен', 'Голова отвёрнута', 'Head turned away'],
  voice: ['Дауыстар', 'Голоса', 'Voices'],
  focus_lost: ['Терезе фокусы жоғалды', 'Потеря фокуса окна', 'Window focus lost'],
  tab_hidden: ['Бет жасырылды', 'Вкладка скрыта', 'Tab hidden'],
  fullscreen_exit: ['Толық экраннан шығу', 'Выход из полноэкранного режима', 'Left full screen'],
  copy: ['Көшіру', 'Копирование', 'Copy'],
  paste: ['Қою', 'Вставка', 'Paste'],
  cut: ['Қиып алу', 'Вырезание', 'Cut'],
  second_display: ['Екінші монитор', 'Второй монитор', 'Second display'],
  screen_share_stopped: ['Экранды көрсету тоқтады', 'Демонстрация экрана остановлена', 'Screen sharing stopped'],
  camera_stopped: ['Камера өшірілді', 'Камера выключена', 'Camera off'],
  microphone_stopped: ['Микрофон өшірілді', 'Микрофон выключен', 'Microphone off'],
  network_lost: ['Байланыс үзілді', 'Потеря связи', 'Connection lost'],
});

const mediaProfile = inLocales<MediaProfileId>({
  grid: ['Тор (ұсынылады)', 'Сетка (рекомендуется)', 'Grid (recommended)'],
  balanced: ['Теңгерімді', 'Сбалансированный', 'Balanced'],
  high: ['Жоғары сапа', 'Высокое качество', 'High quality'],
});

const mediaProfileHint = inLocales<MediaProfileId>({
  grid: [
    'Көп үміткерді бірден бақылауға арналған: жеңіл камера, анық, бірақ сирек жаңаратын экран. Трафик пен орын ең аз.',
    'Для наблюдения за многими кандидатами сразу: лёгкая камера, чёткий, но редко обновляемый экран. Меньше всего трафика и места.',
    'Made for watching many candidates at once: a light camera, a sharp but slow screen. Least bandwidth and storage.',
  ],
  balanced: [
    'Толығырақ қарауға арналған үлкенірек камера бейнесі; тұрақтырақ байланыс қажет.',
    'Камера крупнее для подробного просмотра; нужно более стабильное соединение.',
    'A larger camera picture for closer review; needs a steadier connection.',
  ],
  high: [
    'HD камера және бірқалыпты экран, жылдам интернеті бар шағын топтарға; трафик пен орын ең көп.',
    'HD-камера и более плавный экран, для небольших групп с быстрым интернетом; больше всего трафика и места.',
    'HD camera and a smoother screen, for small groups on fast networks; the most bandwidth and storage.',
  ],
});

const inLocale = (locale: Locale): ValueLabels => ({
  status: status[locale],
  decision: decision[locale],
  review: review[locale],
  violation: violation[locale],
  mediaProfile: mediaProfile[locale],
  mediaProfileHint: mediaProfileHint[locale],
});

export const VALUE_LABELS: Record<Locale, ValueLabels> = { kk: inLocale('kk'), ru: inLocale('ru'), en: inLocale('en') };

/**
 * One set's names as flat message keys (`prefix` + value), the shape of the web UI's
 * dictionaries: `labelKeys('decision.', VALUE_LABELS.en.decision)` → `{ 'decision.none': … }`.
 */
export function labelKeys<P extends string, V extends string>(prefix: P, labels: Record<V, string>): Record<`${P}${V}`, string> {
  const out = {} as Record<`${P}${V}`, string>;
  for (const [value, text] of Object.entries(labels) as [V, string][]) out[`${prefix}${value}`] = text;
  return out;
}
