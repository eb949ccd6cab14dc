/**
 * Typed request/ack and push wrapper around one socket.io-client socket.
 *
 * Every message name and payload type comes from `@proctor/signaling/contract`; nothing is
 * redeclared here. Browser-only in practice (pages import it dynamically in onMount).
 */
import { io, type Socket } from 'socket.io-client';
import type {
	Ack,
	ErrorCode,
	PushName,
	PushOf,
	RequestName,
	RequestOf,
	ResponseOf,
} from '@proctor/signaling/contract';

/** Contract error codes plus the client's own: no ack in time / socket not connected. */
export type SignalErrorCode = ErrorCode | 'timeout' | 'network';

const contractCodes = [
	'bad_request',
	'unknown_event',
	'unauthenticated',
	'forbidden',
	'not_found',
	'conflict',
	'rate_limited',
	'unavailable',
	'moved',
	'internal',
] as const satisfies readonly ErrorCode[];
// Fails to compile if the contract gains a code this list lacks.
const contractCodesComplete: [Exclude<ErrorCode, (typeof contractCodes)[number]>] extends [never] ? true : false =
	true;
void contractCodesComplete;

export function isSignalErrorCode(value: unknown): value is SignalErrorCode {
	return (
		typeof value === 'string' &&
		((contractCodes as readonly string[]).includes(value) || value === 'timeout' || value === 'network')
	);
}

export class SignalError extends Error {
	override readonly name = 'SignalError';
	/** Set when retrying cannot help (bad token, no access): the UI says so. */
	fatal = false;

	constructor(
		readonly code: SignalErrorCode,
		message: string,
	) {
		super(message);
	}
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export class Signal {
	private readonly pending = new Set<(error: SignalError) => void>();

	constructor(
		readonly socket: Socket,
		private readonly timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
	) {
		// An ack never arrives over a dropped socket: fail pending requests at once.
		socket.on('disconnect', (reason) => {
			const error = new SignalError('network', `socket disconnected: ${reason}`);
			for (const reject of [...this.pending]) reject(error);
		});
	}

	get connected(): boolean {
		return this.socket.connected;
	}

	/** Send one request and resolve with its ack's `data`; rejects with a typed SignalError. */
	request<E extends RequestName>(
		name: E,
		payload: RequestOf<E>,
		timeoutMs: number = this.timeoutMs,
	): Promise<ResponseOf<E>> {
		return new Promise<ResponseOf<E>>((resolve, reject) => {
			if (!this.socket.connected) {
				reject(new SignalError('network', `${name}: not connected`));
				return;
			}
			let settled = false;
			const fail = (error: SignalError) => {
				if (settled) return;
				settled = true;
				this.pending.delete(fail);
				reject(error);
			};
			this.pending.add(fail);
			this.socket
				.timeout(timeoutMs)
				.emit(name, payload, (timeoutError: Error | null, ack: Ack<ResponseOf<E>> | undefined) => {
					if (settled) return;
					if (timeoutError) {
						fail(new SignalError('timeout', `${name}: no answer within ${timeoutMs} ms`));
						return;
					}
					if (!ack || typeof ack !== 'object' || typeof ack.ok !== 'boolean') {
						fail(new SignalError('internal', `${name}: malformed acknowledgement`));
						return;
					}
					if (!ack.ok) {
						const code = isSignalErrorCode(ack.error?.code) ? ack.error.code : 'internal';
						fail(new SignalError(code, ack.error?.message ?? code));
						return;
					}
					settled = true;
					this.pending.delete(fail);
					resolve(ack.data);
				});
		});
	}

	/** Listen to a server push; returns the function that stops listening. */
	on<P extends PushName>(push: P, handler: (data: PushOf<P>) => void): () => void {
		const listener = (data: PushOf<P>) => handler(data);
		this.socket.on(push as string, listener);
		return () => {
			this.socket.off(push as string, listener);
		};
	}

	/** Listen to the socket's own `disconnect`; returns the function that stops listening. */
	onDisconnect(handler: (reason: string) => void): () => void {
		this.socket.on('disconnect', handler);
		return () => {
			this.socket.off('disconnect', handler);
		};
	}

	/** Listen to the socket's `connect` (also after socket.io's own reconnect); returns the off function. */
	onConnect(handler: () => void): () => void {
		this.socket.on('connect', handler);
		return () => {
			this.socket.off('connect', handler);
		};
	}

	/**
	 * Resolve once the socket is connected. socket.io-client reconnects by itself after a
	 * network drop; after a server-side disconnect or a rejected handshake (bad token) it
	 * does not, so we reconnect explicitly. A rejection by the server's auth middleware
	 * (`connect_error` with the socket no longer active) is a fatal SignalError.
	 */
	waitConnected(timeoutMs = 15_000): Promise<void> {
		if (this.socket.connected) return Promise.resolve();
		return new Promise<void>((resolve, reject) => {
			const cleanup = () => {
				clearTimeout(timer);
				this.socket.off('connect', onConnect);
				this.socket.off('connect_error', onError);
			};
			const onConnect = () => {
				cleanup();
				resolve();
			};
			const onError = (error: Error & { data?: { code?: unknown; message?: unknown } }) => {
				if (this.socket.active) return; // transport-level failure: socket.io retries itself
				cleanup();
				const code = isSignalErrorCode(error.data?.code)
					? error.data.code
					: isSignalErrorCode(error.message)
						? error.message
						: 'unauthenticated';
				const signalError = new SignalError(code, error.message || code);
				signalError.fatal = code === 'unauthenticated' || code === 'forbidden';
				reject(signalError);
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new SignalError('network', `no connection within ${timeoutMs} ms`));
			}, timeoutMs);
			this.socket.on('connect', onConnect);
			this.socket.on('connect_error', onError);
			if (!this.socket.active) this.socket.connect();
		});
	}

	/**
	 * The socket looks connected but its link is dead (#12: requests go unanswered while ICE
	 * is down): drop the engine so socket.io reconnects now, instead of after its ping
	 * timeout (~20 s). The node sees a transport close, holds the peer and the page resumes.
	 */
	kick(): void {
		if (this.socket.connected) this.socket.io.engine?.close();
	}

	/** Reconnect at once instead of waiting out socket.io's backoff (the network is back). */
	reconnectNow(): void {
		if (this.socket.connected || !this.socket.active) return;
		this.socket.disconnect();
		this.socket.connect();
	}

	close(): void {
		this.socket.disconnect();
	}
}

/**
 * Open the socket to the media node serving this page (same origin, default path
 * `/socket.io`, websocket only). The token goes in the handshake's `auth`, never in a URL;
 * with `null` a signed-in proctor/admin is authenticated by their session cookie.
 */
export function connectSignal(token: string | null, options: { url?: string; timeoutMs?: number } = {}): Signal {
	const socketOptions = {
		auth: token === null ? {} : { token },
		transports: ['websocket'],
		// #12: back within ~1 s of the network: retries every 0.5–1 s during a drop, and a try
		// whose packets went into the void gives up after 3 s instead of socket.io's 20 s.
		reconnectionDelay: 500,
		reconnectionDelayMax: 1_000,
		randomizationFactor: 0.3,
		timeout: 3_000,
	};
	const socket = options.url ? io(options.url, socketOptions) : io(socketOptions);
	const signal = new Signal(socket, options.timeoutMs);
	// A closing tab is a leave, not a network drop: say so, or the node would hold the
	// candidate's attempt for its drop grace (#12) and show them "reconnecting" meanwhile.
	if (typeof window !== 'undefined') {
		window.addEventListener('pagehide', () => socket.disconnect());
		// The browser saw a network come up: try now rather than at the next backoff tick.
		window.addEventListener('online', () => signal.reconnectNow());
	}
	return signal;
}
