import type { Messages } from './en.ts';
import { appKk } from './app.kk.ts';
import { resultsKk } from './results.kk.ts';
import { livePanelKk } from './livepanel.kk.ts';
import { statsKk } from './stats.kk.ts';
import { reportKk } from './report.kk.ts';
import { adminKk } from './admin.kk.ts';
import { photoKk } from './photo.kk.ts';
import { journeyKk } from './journey.kk.ts';
import { exportsKk } from './exports.kk.ts';
import { honestyKk } from './honesty.kk.ts';
import { fieldsKk } from './fields.kk.ts';
import { assessmentKk } from './assessment.kk.ts';
import { apiKeysKk } from './apikeys.kk.ts';
import { webhooksKk } from './webhooks.kk.ts';

export const kk: Messages = {
	...appKk,
	...resultsKk,
	...livePanelKk,
	...statsKk,
	...reportKk,
	...adminKk,
	...photoKk,
	...journeyKk,
	...exportsKk,
	...honestyKk,
	...fieldsKk,
	...assessmentKk,
	...apiKeysKk,
	...webhooksKk,
	'app.name': 'Прокторинг',
	'app.tagline': 'Емтихандарды онлайн бақылау',
	'lang.label': 'Тіл',

	'common.retry': 'Қайталау',
	'common.close': 'Жабу',
	'common.loading': 'Жүктелуде…',
	'common.details': 'Толығырақ',

	'conn.connecting': 'Қосылуда…',
	'conn.connected': 'Қосылды',
	'conn.reconnecting': 'Қайта қосылуда…',
	'conn.failed': 'Қосылу сәтсіз аяқталды',
	'conn.attempt': '{n}-талпыныс',
	'conn.retry': 'қайта қосылу талпынысы: {n}',

	'peer.connected': 'Желіде',
	'peer.reconnecting': 'Қайта қосылуда…',
	'peer.disconnected': 'Ажыратылды',

	'home.title': 'Емтихандарды тікелей бақылау',
	'home.lead':
		'Емтихан кезінде тапсырушы камерасын, микрофонын және бүкіл экранын бөліседі; прокторлар оны тікелей эфирде бақылайды.',
	'home.candidate.title': 'Мен емтихан тапсырамын',
	'home.candidate.body':
		'Емтиханға шақырудағы жеке сілтемені ашыңыз. Онда сіздің кіру кілтіңіз бар — оны ешкімге бермеңіз.',
	'home.proctor.title': 'Мен проктормын',
	'home.proctor.body':
		'Нәтижелерді тексеру және емтихандарды тікелей бақылау үшін электрондық пошта мен құпиясөз арқылы кіріңіз.',
	'home.requirements.title': 'Тапсырушыға не қажет',
	'home.requirements.browser': 'Компьютердегі Chrome, Edge немесе Firefox браузерінің соңғы нұсқасы',
	'home.requirements.devices': 'Жұмыс істейтін веб-камера мен микрофон',
	'home.requirements.network': 'Тұрақты интернет байланысы',

	'exam.title': 'Емтихан: бақылауға қосылу',
	'exam.intro': 'Емтихан кезінде проктор сізді тікелей эфирде бақылайды. Бастау үшін мыналарға рұқсат беріңіз:',
	'exam.share.camera': 'Камера',
	'exam.share.cameraHint': 'бетіңіз кадрда анық көрінуі керек',
	'exam.share.mic': 'Микрофон',
	'exam.share.micHint': 'бөлмедегі дыбыс',
	'exam.share.screen': 'Экранды бөлісу',
	'exam.share.screenHint': 'жеке терезе немесе қойынды емес, бүкіл экран',
	'exam.privacy': 'Бейне мен дыбыс тек емтихан барысында беріледі және жазылады.',
	'exam.start': 'Бастау',
	'exam.step.devices': 'Камера мен микрофонға рұқсат сұралуда…',
	'exam.step.screen': 'Браузер терезесінде «Бүкіл экран» тармағын таңдаңыз…',
	'exam.preview.camera': 'Камера',
	'exam.preview.screen': 'Проктор көретін экран',
	'exam.preview.none': 'Бөлісілмеген',
	'exam.status.title': 'Проктормен байланыс',
	'exam.status.session': 'Емтихан талпынысы: {n}',
	'exam.keepOpen':
		'Емтихан аяқталғанша бұл бетті жаппаңыз. Байланыс үзілсе, ол автоматты түрде қалпына келеді.',
	'exam.screenStopped.title': 'Экранды бөлісу тоқтатылды',
	'exam.screenStopped.body':
		'Проктор экраныңызды көрмейді. Емтиханды жалғастыру үшін бүкіл экранды қайта бөлісіңіз.',
	'exam.shareAgain': 'Экранды қайта бөлісу',
	'exam.proctorWarning': 'Проктордан хабарлама',
	'exam.proctorWarningOk': 'Түсінікті',
	'exam.finish': 'Емтиханды аяқтау',
	'exam.finish.confirmTitle': 'Емтиханды аяқтайсыз ба?',
	'exam.finish.confirmBody': 'Жазба тоқтайды және бұл емтиханға қайта оралу мүмкін болмайды. Жауаптарыңызды жібергеннен кейін ғана аяқтаңыз.',
	'exam.finish.confirm': 'Емтиханды аяқтау',
	'exam.finish.cancel': 'Емтиханды жалғастыру',
	'exam.finish.failed': 'Емтиханды аяқтау мүмкін болмады: {message}. Байланысты тексеріп, қайталап көріңіз.',
	'exam.finished.title': 'Емтихан аяқталды',
	'exam.finished.body': 'Жазбалар сақталды. Бұл бетті жабуға болады.',
	'exam.live': 'Эфирде',

	'media.err.permissionDenied':
		'Камераға немесе микрофонға рұқсат берілмеді. Мекенжай жолындағы камера белгішесін басып, рұқсат беріңіз де, қайталаңыз.',
	'media.err.noDevice': 'Камера немесе микрофон табылмады. Құрылғыны қосып, қайталаңыз.',
	'media.err.deviceBusy': 'Камераны немесе микрофонды басқа бағдарлама пайдаланып тұр. Оны жауып, қайталаңыз.',
	'media.err.screenDenied':
		'Экранды бөлісуден бас тарттыңыз. Емтихан тапсыру үшін бүкіл экранды бөлісу міндетті.',
	'media.err.wrongSurface':
		'Терезені немесе браузер қойындысын емес, БҮКІЛ ЭКРАНДЫ бөлісу керек. Қайталап, «Бүкіл экран» тармағын таңдаңыз.',
	'media.err.unsupported':
		'Бұл браузер камера мен экранды бере алмайды. Chrome, Edge немесе Firefox-тың соңғы нұсқасын пайдаланып, бетті https арқылы ашыңыз.',
	'media.err.unknown': 'Күтпеген қате: {message}',

	'token.missing':
		'Бұл сілтемеде кіру кілті жоқ. Шақырудағы сілтемені толығымен ашыңыз (ол «?token=…» деп аяқталады).',

	'error.bad_request': 'Сервер сұранысты жарамсыз деп қабылдамады.',
	'error.unknown_event': 'Сервер бұл әрекетті қолдамайды. Бетті жаңартыңыз.',
	'error.unauthenticated': 'Сілтеме жарамсыз немесе оның мерзімі өтіп кеткен. Шақырудағы сілтемені қайта ашыңыз.',
	'error.forbidden': 'Бұл емтиханға кіру құқығыңыз жоқ.',
	'error.not_found': 'Емтихан немесе сессия табылмады.',
	'error.conflict': 'Бұл емтихан басқа қойындыда немесе құрылғыда ашық тұр. Артығын жабыңыз.',
	'error.rate_limited': 'Сұраныстар тым көп. Сәл күте тұрыңыз.',
	'error.unavailable': 'Медиасервер уақытша қолжетімсіз; қайта қосылудамыз…',
	'error.moved': 'Емтихан басқа серверге ауысты; сол жерде ашылуда…',
	'error.internal': 'Сервердің ішкі қатесі.',
	'error.timeout': 'Сервер уақытында жауап бермеді.',
	'error.network': 'Сервермен байланыс жоқ.',

	'live.title': 'Тікелей бақылау',
	'live.exam': 'Емтихан {id}',
	'live.online': 'Желіде: {online} / {total}',
	'live.empty': 'Әзірге тапсырушылар жоқ. Олар қосылған бойда осында пайда болады.',
	'live.mode': 'Көрініс режимі',
	'live.mode.camera': 'Камера',
	'live.mode.cameraScreen': 'Камера + экран',
	'live.showScreen': 'Экран',
	'live.showScreenLabel': '{name}: экранды көрсету',
	'live.audioOn': 'Дыбыс қосулы',
	'live.audioOff': 'Дыбыс өшірулі',
	'live.audioLabel': '{name}: дыбыс',
	'live.enlarge': 'Үлкейту',
	'live.enlargeLabel': '{name}: үлкейту',
	'live.noVideo': 'Бейне жоқ',
	'live.noScreen': 'Экран бөлісілмеген',
	'live.camera': 'Камера',
	'live.screen': 'Экран',
	'live.attempt': '{n}-талпыныс',

	'conn.nextRetry': 'келесі талпыныс {s} с кейін',
	'exam.cameraStopped.title': 'Камера немесе микрофон өшірулі',
	'exam.cameraStopped.body': 'Проктор сізді енді көрмейді және естімейді. Камера мен микрофонды қайта қосыңыз.',
	'exam.enableDevices': 'Камера мен микрофонды қосу',
	'exam.step.screenNeeded': 'Камера дайын. Енді бүкіл экранды бөлісіңіз.',
	'exam.step.screenButton': 'Бүкіл экранды бөлісу',
	'live.connection': 'Сервермен байланыс',
	'live.candidateFallback': 'Тапсырушы {id}',

	'errorPage.title': 'Қате {status}',
	'errorPage.notFound': 'Бет табылмады.',
	'errorPage.generic': 'Қате орын алды.',
	'errorPage.home': 'Басты бетке өту',
};
