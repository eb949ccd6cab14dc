/**
 * The reconnect loop shared by the candidate's publisher and the proctor's viewer.
 *
 * One "session" = one run of the media handshake (join → transports → produce/consume).
 * A session ends ("trouble") when the socket drops, a transport fails or stays
 * disconnected, or the server pushes `media:rejoin`. Then everything of that session is
 * torn down and the handshake runs again after a backoff of 1 s, 2 s, 4 s, 8 s, 10 s, 10 s…
 * forever, until `stop()` (the page closes). Errors where retrying cannot help (bad token,
 * no access) put the loop in `failed`; it still retries, every 30 s, or at once on `retryNow()`.
 */
import type { Transport } from 'mediasoup-client/types';
import { SignalError, type Signal, type SignalErrorCode } from './signal.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface LoopStatus {
	state: ConnectionState;
	/** Consecutive failed/ended sessions since the last good one (0 while connected). */
	retry: number;
	/** Last error, for the UI to translate by code. */
	error: { code: SignalErrorCode | 'media'; message: string } | null;
	/** When the next handshake starts (epoch ms), while waiting. */
	nextRetryAt: number | null;
}

export const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 10_000] as const;
export const FAILED_RETRY_MS = 30_000;
/** How long a transport may stay `disconnected` before the session is given up. */
export const TRANSPORT_GRACE_MS = 4_000;

export function backoffDelay(retry: number): number {
	return BACKOFF_MS[Math.min(Math.max(retry, 1), BACKOFF_MS.length) - 1] ?? 10_000;
}

class SessionAborted extends Error {
	override readonly name = 'SessionAborted';
}

/** The user (or the page) asked for an immediate new handshake. */
class RetryRequested extends Error {
	override readonly name = 'RetryRequested';
}

export class Session {
	private done = false;
	private readonly cleanups: Array<() => void> = [];
	private resolveTrouble!: (reason: Error) => void;
	readonly troubled: Promise<Error>;

	constructor(readonly number: number) {
		this.troubled = new Promise<Error>((resolve) => {
			this.resolveTrouble = resolve;
		});
	}

	get aborted(): boolean {
		return this.done;
	}

	/** End this session (idempotent). */
	trouble(reason: Error): void {
		if (this.done) return;
		this.done = true;
		this.resolveTrouble(reason);
	}

	/** Throw if the session already ended while an await was pending. */
	check(): void {
		if (this.done) throw new SessionAborted('session ended');
	}

	onCleanup(fn: () => void): void {
		this.cleanups.push(fn);
	}

	cleanup(): void {
		this.done = true;
		for (const fn of this.cleanups.splice(0).reverse()) {
			try {
				fn();
			} catch (error) {
				console.warn('[media] cleanup failed', error);
			}
		}
	}

	/** End the session when the transport fails, or stays disconnected for a grace period. */
	watchTransport(transport: Transport, graceMs = TRANSPORT_GRACE_MS): void {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const onState = (state: string) => {
			if (state === 'failed') {
				this.trouble(new SignalError('network', `${transport.direction} transport failed`));
			} else if (state === 'disconnected') {
				timer ??= setTimeout(() => {
					this.trouble(new SignalError('network', `${transport.direction} transport disconnected`));
				}, graceMs);
			} else if (state === 'connected' || state === 'connecting') {
				clearTimeout(timer);
				timer = undefined;
			}
		};
		transport.on('connectionstatechange', onState);
		this.onCleanup(() => {
			clearTimeout(timer);
			transport.off('connectionstatechange', onState);
			if (!transport.closed) transport.close();
		});
	}
}

export interface LoopHooks {
	/** Run the handshake; register teardown with `session.onCleanup`. */
	handshake(session: Session): Promise<void>;
	onStatus(status: LoopStatus): void;
}

function toError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

function errorInfo(error: Error): LoopStatus['error'] {
	if (error instanceof SignalError) return { code: error.code, message: error.message };
	return { code: 'media', message: error.message };
}

export class ReconnectLoop {
	private stopped = false;
	private running = false;
	private current: Session | null = null;
	private wake: (() => void) | null = null;
	private status: LoopStatus = { state: 'connecting', retry: 0, error: null, nextRetryAt: null };
	private everConnected = false;
	private readonly offs: Array<() => void> = [];

	constructor(
		private readonly signal: Signal,
		private readonly hooks: LoopHooks,
	) {}

	start(): void {
		if (this.running || this.stopped) return;
		this.running = true;
		this.offs.push(
			this.signal.onDisconnect((reason) =>
				this.current?.trouble(new SignalError('network', `socket disconnected: ${reason}`)),
			),
			this.signal.on('media:rejoin', ({ reason }) =>
				this.current?.trouble(new SignalError('unavailable', `media:rejoin: ${reason}`)),
			),
		);
		void this.run();
	}

	/** End the current session (if any) and handshake again now, skipping the backoff wait. */
	retryNow(): void {
		this.current?.trouble(new RetryRequested('retry requested'));
		this.wake?.();
	}

	/** End the current session and run the handshake again (after the usual backoff). */
	restart(reason: Error): void {
		this.current?.trouble(reason);
	}

	stop(): void {
		this.stopped = true;
		for (const off of this.offs.splice(0)) off();
		this.current?.trouble(new Error('stopped'));
		this.wake?.();
	}

	private setStatus(patch: Partial<LoopStatus>): void {
		this.status = { ...this.status, ...patch };
		this.hooks.onStatus(this.status);
	}

	private sleep(ms: number): Promise<void> {
		return new Promise<void>((resolve) => {
			const timer = setTimeout(done, ms);
			const self = this;
			function done() {
				clearTimeout(timer);
				self.wake = null;
				resolve();
			}
			this.wake = done;
		});
	}

	private async run(): Promise<void> {
		let retry = 0;
		let sessionNumber = 0;
		while (!this.stopped) {
			const session = new Session(++sessionNumber);
			this.current = session;
			let failure: Error;
			let fatal = false;
			try {
				this.setStatus({ state: this.everConnected ? 'reconnecting' : 'connecting', nextRetryAt: null });
				const work = (async () => {
					await this.signal.waitConnected();
					session.check();
					await this.hooks.handshake(session);
					session.check();
				})();
				// A trouble during the handshake (socket drop, rejoin) aborts it at once.
				const aborted = session.troubled.then((reason) => {
					throw reason;
				});
				// Whichever loses the race must not surface as an unhandled rejection.
				work.catch(() => undefined);
				aborted.catch(() => undefined);
				await Promise.race([work, aborted]);
				retry = 0;
				this.everConnected = true;
				this.setStatus({ state: 'connected', retry: 0, error: null, nextRetryAt: null });
				failure = await session.troubled;
			} catch (error) {
				failure = toError(error);
				session.trouble(failure);
				fatal = failure instanceof SignalError && failure.fatal;
			}
			session.cleanup();
			if (this.current === session) this.current = null;
			if (this.stopped) break;
			if (failure instanceof RetryRequested) continue;
			console.warn('[media] session ended:', failure.message);
			retry += 1;
			const delay = fatal ? FAILED_RETRY_MS : backoffDelay(retry);
			this.setStatus({
				state: fatal ? 'failed' : this.everConnected ? 'reconnecting' : 'connecting',
				retry,
				error: errorInfo(failure),
				nextRetryAt: Date.now() + delay,
			});
			await this.sleep(delay);
		}
		this.running = false;
	}
}
