/**
 * The assessment during the exam (#10), shared by the workspace's components and the
 * detectors: where it runs (frame or window, the candidate may move it to a window), the
 * window it lives in, what its exam guard reported, and the guard bridge that answers it.
 * An LTI proctored attempt (#13) is opened by posting our signed start message into the
 * frame or window (lti-start.ts); the platform's end of it lands on our /lti/ended page
 * there, which tells this page (postMessage from our own origin) that the test is over.
 */
import { LTI_ENDED_MESSAGE, type AssessmentWindowRequest, type CandidateAssessment, type PauseReason, type PlatformState } from '@proctor/signaling/contract';
import { reportWindowOpened } from './api';
import { examWindowName, openExamWindow, watchClosed } from './exam-window';
import { GuardBridge } from './guard-bridge';
import { postLtiStart } from './lti-start';

export type AssessmentInfo = NonNullable<CandidateAssessment['assessment']>;

/** Focus reports from the assessment window older than this say nothing any more. */
const ACTIVITY_FRESH_MS = 3000;

export class AssessmentSession {
	readonly url: string;
	readonly origin: string;
	/** Same origin as this page: the frame must not get allow-same-origin then (it could reach us). */
	readonly sameOrigin: boolean;
	readonly framing: AssessmentInfo['framing'];
	/** Opened by posting the signed LTI start message (not by loading `url`). */
	readonly ltiStart: boolean;
	/** The frame's name, for that post. */
	readonly frameName: string;
	/** The LTI start message could not be had (the session is no longer live, or ended). */
	ltiStartFailed = $state(false);
	mode = $state<'frame' | 'window'>('frame');
	/** The guard in the assessment page has spoken (so the page did load, and it is guarded). */
	guardSeen = $state(false);
	/** The assessment said it was submitted. */
	completed = $state(false);
	windowOpen = $state(false);
	windowBlocked = $state(false);

	#frame: Window | null = null;
	#popup: Window | null = null;
	#stopWatch: (() => void) | null = null;
	#activity: { focused: boolean; at: number } | null = null;
	readonly #bridge: GuardBridge;
	readonly #onMessage = (event: MessageEvent) => {
		if (event.origin !== location.origin || (event.data as { type?: unknown } | null)?.type !== LTI_ENDED_MESSAGE) return;
		if (event.source !== this.#frame && event.source !== this.#popup) return;
		this.completed = true;
	};

	constructor(
		private readonly opts: { token: string; sessionId: string; info: AssessmentInfo; onClipboard: (action: 'copy' | 'paste' | 'cut') => void },
	) {
		this.url = opts.info.url;
		this.origin = new URL(opts.info.url).origin;
		this.sameOrigin = this.origin === location.origin;
		this.framing = opts.info.framing;
		this.ltiStart = opts.info.ltiStart;
		this.frameName = `proctor-frame-${opts.sessionId}`;
		if (this.ltiStart) window.addEventListener('message', this.#onMessage);
		this.mode = opts.info.mode === 'window' || opts.info.framing === 'refused' || opts.info.windowUsed ? 'window' : 'frame';
		this.#bridge = new GuardBridge({
			token: opts.token,
			origin: this.origin,
			target: () => (this.mode === 'frame' ? this.#frame : this.#popup),
			onGuardSeen: () => (this.guardSeen = true),
			onActivity: (focused) => (this.#activity = { focused, at: Date.now() }),
			onClipboard: opts.onClipboard,
			onComplete: () => (this.completed = true),
		});
	}

	/** Why the window is used (for the action archive). */
	get windowReason(): AssessmentWindowRequest['reason'] {
		return this.opts.info.mode === 'window' ? 'exam_setting' : this.framing === 'refused' ? 'frame_refused' : 'candidate_choice';
	}

	setFrame(frame: Window | null): void {
		this.#frame = frame;
	}

	/** The frame is in the page: an LTI attempt posts its start message into it. */
	startInFrame(): void {
		if (this.ltiStart) this.#postStart(this.frameName);
	}

	#postStart(target: string): void {
		this.ltiStartFailed = false;
		postLtiStart(this.opts.token, target)
			.then((ok) => (this.ltiStartFailed = !ok))
			.catch(() => (this.ltiStartFailed = true));
	}

	/** Opens (or brings back) the assessment window; call from a click (pop-up blockers). */
	openWindow(): void {
		const reopened = !this.windowOpen;
		const popup = openExamWindow(this.ltiStart ? 'about:blank' : this.url, this.opts.sessionId);
		this.windowBlocked = popup === null;
		if (!popup) return;
		// A new (blank) window gets the platform's quiz by a fresh start message.
		if (this.ltiStart && reopened) this.#postStart(examWindowName(this.opts.sessionId));
		const first = this.#popup === null;
		this.#popup = popup;
		this.windowOpen = true;
		this.#stopWatch?.();
		this.#stopWatch = watchClosed(popup, () => {
			this.windowOpen = false;
			this.#activity = null;
		});
		if (first) void reportWindowOpened(this.opts.token, this.windowReason).catch(() => undefined);
	}

	/** The candidate moves the test out of the frame (it did not load, or the site refuses). */
	switchToWindow(): void {
		this.mode = 'window';
		this.#frame = null;
		this.openWindow();
	}

	/** For the detectors: is the candidate in the assessment window? (browser-events.ts) */
	examWindowFocus(): boolean | null {
		if (this.mode === 'frame') return false;
		if (!this.#popup || this.#popup.closed) return false;
		if (this.#activity && Date.now() - this.#activity.at < ACTIVITY_FRESH_MS) return this.#activity.focused;
		return null; // no guard in that page: cannot tell
	}

	setState(state: PlatformState, reason: PauseReason | null = null): void {
		this.#bridge.setState(state, reason);
	}

	/** The exam is over: the assessment is told, its window closed, listening stops. */
	close(reason: PauseReason): void {
		this.#bridge.setState('terminated', reason);
		this.#bridge.close();
		window.removeEventListener('message', this.#onMessage);
		this.#stopWatch?.();
		if (this.#popup && !this.#popup.closed) this.#popup.close();
		this.windowOpen = false;
	}
}
