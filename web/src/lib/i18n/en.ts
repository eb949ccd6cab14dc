/**
 * English messages. This file defines the key set: `kk.ts` and `ru.ts` are typed as
 * `Messages`, so a key missing from (or unknown to) any language is a type error.
 * Placeholders: `{name}`, replaced by `t(key, { name })`.
 */
import { appEn } from './app.en.ts';
import { resultsEn } from './results.en.ts';
import { livePanelEn } from './livepanel.en.ts';
import { statsEn } from './stats.en.ts';
import { reportEn } from './report.en.ts';
import { adminEn } from './admin.en.ts';
import { photoEn } from './photo.en.ts';
import { journeyEn } from './journey.en.ts';
import { exportsEn } from './exports.en.ts';
import { honestyEn } from './honesty.en.ts';
import { fieldsEn } from './fields.en.ts';
import { assessmentEn } from './assessment.en.ts';
import { apiKeysEn } from './apikeys.en.ts';
import { webhooksEn } from './webhooks.en.ts';

export const en = {
	...appEn,
	...resultsEn,
	...livePanelEn,
	...statsEn,
	...reportEn,
	...adminEn,
	...photoEn,
	...journeyEn,
	...exportsEn,
	...honestyEn,
	...fieldsEn,
	...assessmentEn,
	...apiKeysEn,
	...webhooksEn,
	'app.name': 'Proctoring',
	'app.tagline': 'Live exam proctoring',
	'lang.label': 'Language',

	'common.retry': 'Try again',
	'common.close': 'Close',
	'common.loading': 'Loading…',
	'common.details': 'Details',

	'conn.connecting': 'Connecting…',
	'conn.connected': 'Connected',
	'conn.reconnecting': 'Reconnecting…',
	'conn.failed': 'Connection failed',
	'conn.attempt': 'Attempt {n}',
	'conn.retry': 'reconnect try {n}',

	'peer.connected': 'Online',
	'peer.reconnecting': 'Reconnecting…',
	'peer.disconnected': 'Disconnected',

	'home.title': 'Live exam proctoring',
	'home.lead':
		'Candidates share their camera, microphone and entire screen during the exam; proctors watch them live.',
	'home.candidate.title': 'I am taking an exam',
	'home.candidate.body':
		'Open the personal link from your exam invitation. It contains your access key — do not share it with anyone.',
	'home.proctor.title': 'I am a proctor',
	'home.proctor.body':
		'Sign in with your e-mail and password to review results and watch your exams live.',
	'home.requirements.title': 'What a candidate needs',
	'home.requirements.browser': 'A recent Chrome, Edge or Firefox on a computer',
	'home.requirements.devices': 'A working webcam and microphone',
	'home.requirements.network': 'A stable internet connection',

	'exam.title': 'Exam: join proctoring',
	'exam.intro': 'During the exam a proctor watches you live. To start, allow access to:',
	'exam.share.camera': 'Camera',
	'exam.share.cameraHint': 'your face must be clearly visible in the frame',
	'exam.share.mic': 'Microphone',
	'exam.share.micHint': 'sound in the room',
	'exam.share.screen': 'Screen sharing',
	'exam.share.screenHint': 'the entire screen, not a single window or tab',
	'exam.privacy': 'Video and sound are transmitted and recorded only while the exam is in progress.',
	'exam.start': 'Start',
	'exam.step.devices': 'Requesting access to the camera and microphone…',
	'exam.step.screen': 'In the browser dialog choose “Entire screen”…',
	'exam.preview.camera': 'Camera',
	'exam.preview.screen': 'What is being shared',
	'exam.preview.none': 'Not shared',
	'exam.status.title': 'Connection to the proctor',
	'exam.status.session': 'Exam attempt {n}',
	'exam.keepOpen': 'Keep this page open until the exam ends. If the connection drops, it is restored automatically.',
	'exam.screenStopped.title': 'Screen sharing has stopped',
	'exam.screenStopped.body':
		'The proctor cannot see your screen. Share your entire screen again to continue the exam.',
	'exam.shareAgain': 'Share screen again',
	'exam.proctorWarning': 'Message from the proctor',
	'exam.proctorWarningOk': 'Understood',
	'exam.finish': 'Finish exam',
	'exam.finish.confirmTitle': 'Finish the exam?',
	'exam.finish.confirmBody': 'Recording stops and you cannot return to this exam. Finish only when you have submitted your answers.',
	'exam.finish.confirm': 'Finish the exam',
	'exam.finish.cancel': 'Continue the exam',
	'exam.finish.failed': 'The exam could not be finished: {message}. Check the connection and try again.',
	'exam.finished.title': 'Exam finished',
	'exam.finished.body': 'Your recordings are saved. You can close this page.',
	'exam.live': 'Live',

	'media.err.permissionDenied':
		'Access to the camera or microphone was denied. Click the camera icon in the address bar, allow access and try again.',
	'media.err.noDevice': 'No camera or microphone was found. Connect one and try again.',
	'media.err.deviceBusy': 'The camera or microphone is used by another program. Close it and try again.',
	'media.err.screenDenied':
		'Screen sharing was cancelled. To take the exam you must share your entire screen.',
	'media.err.wrongSurface':
		'You must share your ENTIRE SCREEN, not a window or a browser tab. Try again and choose “Entire screen”.',
	'media.err.unsupported':
		'This browser cannot share a camera and screen here. Use a recent Chrome, Edge or Firefox and open the page over https.',
	'media.err.unknown': 'Unexpected error: {message}',

	'token.missing':
		'This link has no access key. Open the full link from your invitation (it ends with “?token=…”).',

	'error.bad_request': 'The server rejected the request as invalid.',
	'error.unknown_event': 'The server does not support this action. Reload the page.',
	'error.unauthenticated': 'The link is invalid or has expired. Open the link from your invitation again.',
	'error.forbidden': 'You do not have access to this exam.',
	'error.not_found': 'The exam or session was not found.',
	'error.conflict': 'This exam is already open in another tab or device. Close the other one.',
	'error.rate_limited': 'Too many requests. Please wait a moment.',
	'error.unavailable': 'The media server is temporarily unavailable; reconnecting…',
	'error.moved': 'This exam has moved to another server; opening it there…',
	'error.internal': 'Internal server error.',
	'error.timeout': 'The server did not respond in time.',
	'error.network': 'No connection to the server.',

	'live.title': 'Live proctoring',
	'live.exam': 'Exam {id}',
	'live.online': 'Online: {online} of {total}',
	'live.empty': 'No candidates yet. They appear here as soon as they connect.',
	'live.mode': 'View mode',
	'live.mode.camera': 'Camera',
	'live.mode.cameraScreen': 'Camera + screen',
	'live.showScreen': 'Screen',
	'live.showScreenLabel': 'Show the screen of {name}',
	'live.audioOn': 'Sound on',
	'live.audioOff': 'Sound off',
	'live.audioLabel': 'Sound of {name}',
	'live.enlarge': 'Enlarge',
	'live.enlargeLabel': 'Enlarge {name}',
	'live.noVideo': 'No video',
	'live.noScreen': 'Screen not shared',
	'live.camera': 'Camera',
	'live.screen': 'Screen',
	'live.attempt': 'attempt {n}',

	'conn.nextRetry': 'next try in {s} s',
	'exam.cameraStopped.title': 'The camera or microphone is off',
	'exam.cameraStopped.body': 'The proctor can no longer see or hear you. Turn the camera and microphone back on.',
	'exam.enableDevices': 'Turn camera and microphone on',
	'exam.step.screenNeeded': 'Camera is ready. Now share your entire screen.',
	'exam.step.screenButton': 'Share entire screen',
	'live.connection': 'Connection to the server',
	'live.candidateFallback': 'Candidate {id}',

	'errorPage.title': 'Error {status}',
	'errorPage.notFound': 'Page not found.',
	'errorPage.generic': 'Something went wrong.',
	'errorPage.home': 'Go to the home page',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
