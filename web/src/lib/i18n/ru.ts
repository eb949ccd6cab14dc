import type { Messages } from './en.ts';
import { appRu } from './app.ru.ts';
import { resultsRu } from './results.ru.ts';
import { livePanelRu } from './livepanel.ru.ts';
import { statsRu } from './stats.ru.ts';
import { reportRu } from './report.ru.ts';
import { adminRu } from './admin.ru.ts';
import { photoRu } from './photo.ru.ts';
import { journeyRu } from './journey.ru.ts';
import { exportsRu } from './exports.ru.ts';
import { honestyRu } from './honesty.ru.ts';
import { fieldsRu } from './fields.ru.ts';
import { assessmentRu } from './assessment.ru.ts';
import { apiKeysRu } from './apikeys.ru.ts';
import { webhooksRu } from './webhooks.ru.ts';

export const ru: Messages = {
	...appRu,
	...resultsRu,
	...livePanelRu,
	...statsRu,
	...reportRu,
	...adminRu,
	...photoRu,
	...journeyRu,
	...exportsRu,
	...honestyRu,
	...fieldsRu,
	...assessmentRu,
	...apiKeysRu,
	...webhooksRu,
	'app.name': 'Прокторинг',
	'app.tagline': 'Онлайн-наблюдение за экзаменами',
	'lang.label': 'Язык',

	'common.retry': 'Повторить',
	'common.close': 'Закрыть',
	'common.loading': 'Загрузка…',
	'common.details': 'Подробнее',

	'conn.connecting': 'Подключение…',
	'conn.connected': 'Подключено',
	'conn.reconnecting': 'Переподключение…',
	'conn.failed': 'Не удалось подключиться',
	'conn.attempt': 'Попытка {n}',
	'conn.retry': 'попытка переподключения {n}',

	'peer.connected': 'В сети',
	'peer.reconnecting': 'Переподключается…',
	'peer.disconnected': 'Отключён',

	'home.title': 'Синхронный прокторинг экзаменов',
	'home.lead':
		'Во время экзамена кандидат показывает камеру, микрофон и весь экран; прокторы наблюдают за ним в прямом эфире.',
	'home.candidate.title': 'Я сдаю экзамен',
	'home.candidate.body':
		'Откройте персональную ссылку из приглашения на экзамен. В ней ваш ключ доступа — никому его не передавайте.',
	'home.proctor.title': 'Я проктор',
	'home.proctor.body':
		'Войдите по электронной почте и паролю, чтобы проверять результаты и наблюдать за экзаменами онлайн.',
	'home.requirements.title': 'Что нужно кандидату',
	'home.requirements.browser': 'Свежий Chrome, Edge или Firefox на компьютере',
	'home.requirements.devices': 'Рабочие веб-камера и микрофон',
	'home.requirements.network': 'Стабильное подключение к интернету',

	'exam.title': 'Экзамен: подключение к наблюдению',
	'exam.intro': 'Во время экзамена проктор наблюдает за вами в прямом эфире. Чтобы начать, разрешите доступ к:',
	'exam.share.camera': 'Камера',
	'exam.share.cameraHint': 'ваше лицо должно быть хорошо видно в кадре',
	'exam.share.mic': 'Микрофон',
	'exam.share.micHint': 'звук в помещении',
	'exam.share.screen': 'Демонстрация экрана',
	'exam.share.screenHint': 'весь экран целиком, а не отдельное окно или вкладка',
	'exam.privacy': 'Видео и звук передаются и записываются только во время экзамена.',
	'exam.start': 'Начать',
	'exam.step.devices': 'Запрашиваем доступ к камере и микрофону…',
	'exam.step.screen': 'В окне браузера выберите «Весь экран»…',
	'exam.preview.camera': 'Камера',
	'exam.preview.screen': 'Что видит проктор',
	'exam.preview.none': 'Не показан',
	'exam.status.title': 'Связь с проктором',
	'exam.status.session': 'Попытка экзамена {n}',
	'exam.keepOpen':
		'Не закрывайте эту страницу до конца экзамена. Если связь прервётся, она восстановится автоматически.',
	'exam.screenStopped.title': 'Демонстрация экрана остановлена',
	'exam.screenStopped.body':
		'Проктор не видит ваш экран. Чтобы продолжить экзамен, снова покажите весь экран.',
	'exam.shareAgain': 'Показать экран снова',
	'exam.proctorWarning': 'Сообщение от проктора',
	'exam.proctorWarningOk': 'Понятно',
	'exam.finish': 'Завершить экзамен',
	'exam.finish.confirmTitle': 'Завершить экзамен?',
	'exam.finish.confirmBody': 'Запись остановится, и вернуться к этому экзамену будет нельзя. Завершайте, только когда отправили ответы.',
	'exam.finish.confirm': 'Завершить экзамен',
	'exam.finish.cancel': 'Продолжить экзамен',
	'exam.finish.failed': 'Не удалось завершить экзамен: {message}. Проверьте соединение и попробуйте ещё раз.',
	'exam.finished.title': 'Экзамен завершён',
	'exam.finished.body': 'Записи сохранены. Эту страницу можно закрыть.',
	'exam.live': 'В эфире',

	'media.err.permissionDenied':
		'Доступ к камере или микрофону запрещён. Нажмите на значок камеры в адресной строке, разрешите доступ и повторите.',
	'media.err.noDevice': 'Камера или микрофон не найдены. Подключите устройство и повторите.',
	'media.err.deviceBusy': 'Камера или микрофон заняты другой программой. Закройте её и повторите.',
	'media.err.screenDenied':
		'Демонстрация экрана отменена. Чтобы сдавать экзамен, нужно показать весь экран.',
	'media.err.wrongSurface':
		'Нужно показать ВЕСЬ ЭКРАН, а не окно или вкладку браузера. Повторите и выберите «Весь экран».',
	'media.err.unsupported':
		'Этот браузер не может передавать камеру и экран. Используйте свежий Chrome, Edge или Firefox и откройте страницу по https.',
	'media.err.unknown': 'Непредвиденная ошибка: {message}',

	'token.missing':
		'В ссылке нет ключа доступа. Откройте ссылку из приглашения полностью (она заканчивается на «?token=…»).',

	'error.bad_request': 'Сервер отклонил запрос как некорректный.',
	'error.unknown_event': 'Сервер не поддерживает это действие. Обновите страницу.',
	'error.unauthenticated': 'Ссылка недействительна или устарела. Откройте ссылку из приглашения заново.',
	'error.forbidden': 'У вас нет доступа к этому экзамену.',
	'error.not_found': 'Экзамен или сессия не найдены.',
	'error.conflict': 'Этот экзамен уже открыт в другой вкладке или на другом устройстве. Закройте лишнее.',
	'error.rate_limited': 'Слишком много запросов. Подождите немного.',
	'error.unavailable': 'Медиасервер временно недоступен; переподключаемся…',
	'error.moved': 'Экзамен перешёл на другой сервер; открываем его там…',
	'error.internal': 'Внутренняя ошибка сервера.',
	'error.timeout': 'Сервер не ответил вовремя.',
	'error.network': 'Нет связи с сервером.',

	'live.title': 'Синхронный прокторинг',
	'live.exam': 'Экзамен {id}',
	'live.online': 'В сети: {online} из {total}',
	'live.empty': 'Пока нет кандидатов. Они появятся здесь сразу после подключения.',
	'live.mode': 'Режим просмотра',
	'live.mode.camera': 'Камера',
	'live.mode.cameraScreen': 'Камера + экран',
	'live.showScreen': 'Экран',
	'live.showScreenLabel': 'Показать экран: {name}',
	'live.audioOn': 'Звук включён',
	'live.audioOff': 'Звук выключен',
	'live.audioLabel': 'Звук: {name}',
	'live.enlarge': 'Увеличить',
	'live.enlargeLabel': 'Увеличить: {name}',
	'live.noVideo': 'Нет видео',
	'live.noScreen': 'Экран не показан',
	'live.camera': 'Камера',
	'live.screen': 'Экран',
	'live.attempt': 'попытка {n}',

	'conn.nextRetry': 'следующая попытка через {s} с',
	'exam.cameraStopped.title': 'Камера или микрофон выключены',
	'exam.cameraStopped.body': 'Проктор больше не видит и не слышит вас. Снова включите камеру и микрофон.',
	'exam.enableDevices': 'Включить камеру и микрофон',
	'exam.step.screenNeeded': 'Камера готова. Теперь покажите весь экран.',
	'exam.step.screenButton': 'Показать весь экран',
	'live.connection': 'Связь с сервером',
	'live.candidateFallback': 'Кандидат {id}',

	'errorPage.title': 'Ошибка {status}',
	'errorPage.notFound': 'Страница не найдена.',
	'errorPage.generic': 'Что-то пошло не так.',
	'errorPage.home': 'На главную',
};
