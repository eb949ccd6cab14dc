/**
 * The proctoring page's side of the exam guard protocol (contract/exam-guard.ts): listens
 * to the assessment (frame or window) and answers its challenges with assertions from the
 * server, tells it "live", "paused" or "terminated", and passes on what it reports (its
 * own focus in window mode, clipboard actions, "submitted").
 *
 * A message counts only from the assessment's window and the assessment URL's origin, and
 * must match the schema. At most one assertion request is in flight and they are at least
 * a second apart, so a misbehaving page cannot make us hammer the server.
 */
import {
	GUARD_PROTOCOL,
	PLATFORM_SOURCE,
	guardMessage,
	type PauseReason,
	type PlatformMessage,
	type PlatformState,
} from '@proctor/signaling/contract';
import { requestAssertion } from './api';

export interface GuardBridgeOptions {
	token: string;
	/** The assessment URL's origin: the only one we talk to. */
	origin: string;
	/** The window the assessment lives in (the frame's contentWindow or the popup); null while there is none. */
	target: () => Window | null;
	onActivity?: (focused: boolean, visible: boolean) => void;
	onClipboard?: (action: 'copy' | 'paste' | 'cut') => void;
	onComplete?: () => void;
	/** The guard said hello: the assessment page includes it (so it did load). */
	onGuardSeen?: () => void;
}

const MIN_GAP_MS = 1000;

export class GuardBridge {
	#state: { state: PlatformState; reason: PauseReason | null } = { state: 'live', reason: null };
	#busy = false;
	#lastRequest = 0;
	#seen = false;
	readonly #listener = (event: MessageEvent) => void this.#receive(event);

	constructor(private readonly opts: GuardBridgeOptions) {
		window.addEventListener('message', this.#listener);
	}

	close(): void {
		window.removeEventListener('message', this.#listener);
	}

	/** Tells the assessment now (and again with every later answer, in case it reloaded). */
	setState(state: PlatformState, reason: PauseReason | null = null): void {
		if (this.#state.state === 'terminated') return;
		this.#state = { state, reason };
		this.#post({ source: PLATFORM_SOURCE, v: GUARD_PROTOCOL, type: 'state', state, reason });
	}

	#post(message: PlatformMessage): void {
		const target = this.opts.target();
		try {
			target?.postMessage(message, this.opts.origin);
		} catch {
			// A closed window: nothing to tell.
		}
	}

	async #receive(event: MessageEvent): Promise<void> {
		const target = this.opts.target();
		if (!target || event.source !== target || event.origin !== this.opts.origin) return;
		const parsed = guardMessage.safeParse(event.data);
		if (!parsed.success) return;
		const message = parsed.data;
		if (!this.#seen) {
			this.#seen = true;
			this.opts.onGuardSeen?.();
		}
		if (message.type === 'activity') this.opts.onActivity?.(message.focused, message.visible);
		else if (message.type === 'clipboard') this.opts.onClipboard?.(message.action);
		else if (message.type === 'complete') this.opts.onComplete?.();
		else await this.#answer(message.nonce);
	}

	async #answer(nonce: string): Promise<void> {
		if (this.#state.state !== 'live') {
			// Paused or over: say so instead of vouching.
			this.#post({ source: PLATFORM_SOURCE, v: GUARD_PROTOCOL, type: 'state', ...this.#state });
			return;
		}
		const now = Date.now();
		if (this.#busy || now - this.#lastRequest < MIN_GAP_MS) return;
		this.#busy = true;
		this.#lastRequest = now;
		try {
			const answer = await requestAssertion(this.opts.token, nonce);
			if ('assertion' in answer) this.#post({ source: PLATFORM_SOURCE, v: GUARD_PROTOCOL, type: 'assertion', nonce, assertion: answer.assertion });
			else this.#post({ source: PLATFORM_SOURCE, v: GUARD_PROTOCOL, type: 'unavailable', nonce, reason: answer.unavailable });
		} catch {
			// No answer from the server (network): the guard shows "reconnecting".
			this.#post({ source: PLATFORM_SOURCE, v: GUARD_PROTOCOL, type: 'unavailable', nonce, reason: 'connecting' });
		} finally {
			this.#busy = false;
		}
	}
}
