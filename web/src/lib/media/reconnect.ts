/**
 * The reconnect loop shared by the candidate's publisher and the proctor's viewer.
 *
 * One "session" = one run of the media handshake (join → transports → produce/consume).
 * A short network drop does not end it (#12): a transport whose ICE goes `disconnected` or
 * `failed` restarts ICE (transport:restartIce, every second while the socket is up) on the
 * same transport and producers; a socket that drops and comes back re-attaches to the
 * peer the server still holds (`hooks.resume`, the candidate's `candidate:resume`; asked
 * again every second while the node cannot answer it, e.g. its database restarting). Only
 * when that does not succeed within DROP_GRACE_MS — or the server pushes `media:rejoin`,
 * or the page has no resume (the proctor's viewer: its peer ends with its socket) — does
 * the session end ("trouble"). Then everything of that session is
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
/**
 * How long a dropped transport or socket may take to come back (ICE restart, resume)
 * before the session is given up and the handshake runs again. The server holds a dropped
 * candidate's attempt as long (MEDIA_DROP_GRACE_MS, default 30 s).
 */
export const DROP_GRACE_MS = 30_000;
/** How often an ICE restart is tried while the transport stays down. */
export const ICE_RESTART_EVERY_MS = 1_000;
/** An ICE restart request unanswered this long means the socket is dead too (it is kicked). */
export const ICE_RESTART_TIMEOUT_MS = 2_000;

/** A resume refused for a passing reason is asked again this often, within the grace. */
export const RESUME_RETRY_MS = 1_000;
const RESUME_RETRY_CODES: readonly SignalErrorCode[] = ['unavailable', 'internal', 'timeout'];

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

	/**
	 * Whether the server knows this session on the current socket. False from a socket drop
	 * until `resume` succeeded on the new socket: a request made earlier (an ICE restart)
	 * would be refused as "join first" and end the session for nothing.
	 */
	attached = true;
	private readonly attachListeners = new Set<() => void>();

	/** Call `fn` whenever the session is attached again after a socket drop; returns the off function. */
	onAttached(fn: () => void): () => void {
		this.attachListeners.add(fn);
		return () => this.attachListeners.delete(fn);
	}

	setAttached(attached: boolean): void {
		this.attached = attached;
		if (attached) for (const fn of [...this.attachListeners]) fn();
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

	/**
	 * Keep the transport up: when its ICE goes `disconnected` or `failed`, ask the server for
	 * fresh ICE parameters and restart ICE on the same transport (its producers/consumers
	 * stay), every ICE_RESTART_EVERY_MS while the socket is connected, until it is
	 * `connected` again. Still down after `graceMs`: the session ends.
	 */
	watchTransport(transport: Transport, signal: Signal, graceMs = DROP_GRACE_MS): void {
		let giveUp: ReturnType<typeof setTimeout> | undefined;
		let retry: ReturnType<typeof setInterval> | undefined;
		let restarting = false;
		const restartIce = async () => {
			if (restarting || !signal.connected || !this.attached || this.done || transport.closed) return;
			restarting = true;
			try {
				const { iceParameters } = await signal.request('transport:restartIce', { transportId: transport.id }, ICE_RESTART_TIMEOUT_MS);
				if (!this.done && !transport.closed) await transport.restartIce({ iceParameters: iceParameters as never });
			} catch (error) {
				// The server no longer holds this transport (the attempt ended): retrying is futile.
				if (error instanceof SignalError && ['bad_request', 'not_found', 'unavailable', 'forbidden'].includes(error.code)) {
					this.trouble(error);
					return;
				}
				// No answer while the media path is down too: the socket's link is most likely
				// dead as well; reconnect it now rather than after its ping timeout (#12).
				if (error instanceof SignalError && error.code === 'timeout') signal.kick();
				// The socket may be down or the server busy: the next tick tries again.
				console.warn('[media] ICE restart failed', error);
			} finally {
				restarting = false;
			}
		};
		// Back on a (new) socket: restart at once, not at the next tick.
		const offAttached = this.onAttached(() => {
			if (retry) void restartIce();
		});
		const recovered = () => {
			clearTimeout(giveUp);
			clearInterval(retry);
			giveUp = retry = undefined;
		};
		const onState = (state: string) => {
			if (state === 'connected') {
				recovered();
			} else if ((state === 'disconnected' || state === 'failed') && !giveUp) {
				giveUp = setTimeout(() => {
					this.trouble(new SignalError('network', `${transport.direction} transport ${state} for ${graceMs} ms`));
				}, graceMs);
				void restartIce();
				retry = setInterval(() => void restartIce(), ICE_RESTART_EVERY_MS);
			}
		};
		transport.on('connectionstatechange', onState);
		this.onCleanup(() => {
			recovered();
			offAttached();
			transport.off('connectionstatechange', onState);
			if (!transport.closed) transport.close();
		});
	}
}

export interface LoopHooks {
	/** Run the handshake; register teardown with `session.onCleanup`. */
	handshake(session: Session): Promise<void>;
	/**
	 * The socket came back (a new socket) during an established session: re-attach to the
	 * server's peer, keeping transports and producers. Throws if the server no longer holds
	 * it. Omitted = a socket drop ends the session at once.
	 */
	resume?(session: Session): Promise<void>;
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

	/** The session that is established (handshake done) and may be resumed after a socket drop. */
	private established: Session | null = null;

	constructor(
		private readonly signal: Signal,
		private readonly hooks: LoopHooks,
		private readonly graceMs = DROP_GRACE_MS,
	) {}

	start(): void {
		if (this.running || this.stopped) return;
		this.running = true;
		this.offs.push(
			this.signal.onDisconnect((reason) => this.onSocketDrop(reason)),
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

	/**
	 * The socket dropped. During a handshake, or without a resume hook, or when the server
	 * closed it on purpose (replaced, kicked), the session ends. Otherwise socket.io
	 * reconnects by itself and the session waits up to the grace for `resume` to succeed.
	 */
	private onSocketDrop(reason: string): void {
		const session = this.current;
		if (!session) return;
		const drop = new SignalError('network', `socket disconnected: ${reason}`);
		if (!this.hooks.resume || this.established !== session || reason === 'io server disconnect') {
			session.trouble(drop);
			return;
		}
		this.setStatus({ state: 'reconnecting', error: errorInfo(drop) });
		session.setAttached(false);
		const deadline = Date.now() + this.graceMs;
		const giveUp = setTimeout(() => session.trouble(new SignalError('network', `socket not back within ${this.graceMs} ms`)), this.graceMs);
		let again: ReturnType<typeof setTimeout> | undefined;
		const attach = () => {
			// Dropped again meanwhile: that drop's own handler attaches on the next socket.
			if (session.aborted || !this.signal.connected) return;
			this.hooks.resume!(session).then(
				() => {
					if (session.aborted) return;
					session.setAttached(true);
					this.setStatus({ state: 'connected', retry: 0, error: null, nextRetryAt: null });
				},
				(error: unknown) => {
					// The node could not look the session up just now (its database restarting, no
					// answer): it holds the peer for the same grace, so ask again within it rather
					// than give the attempt up.
					const passing = error instanceof SignalError && RESUME_RETRY_CODES.includes(error.code);
					if (passing && Date.now() + RESUME_RETRY_MS < deadline) again = setTimeout(attach, RESUME_RETRY_MS);
					else session.trouble(toError(error));
				},
			);
		};
		const offConnect = this.signal.onConnect(() => {
			offConnect();
			clearTimeout(giveUp);
			attach();
		});
		session.onCleanup(() => {
			clearTimeout(giveUp);
			clearTimeout(again);
			offConnect();
		});
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
				this.established = session;
				this.setStatus({ state: 'connected', retry: 0, error: null, nextRetryAt: null });
				failure = await session.troubled;
			} catch (error) {
				failure = toError(error);
				session.trouble(failure);
				fatal = failure instanceof SignalError && failure.fatal;
			}
			session.cleanup();
			if (this.current === session) this.current = null;
			if (this.established === session) this.established = null;
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
