/**
 * What the candidate's publisher and the proctor's viewer do alike: the join request whose
 * refusals end the reconnect loop, the mediasoup Device, the transport whose DTLS handshake
 * goes through the server, and what their pages call (`RoomClient`: start, subscribe, retry).
 */
import { Device } from 'mediasoup-client';
import type { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities, Transport } from 'mediasoup-client/types';
import type { RequestOf } from '@proctor/signaling/contract';
import type { NodeMove } from './node-move.ts';
import type { ReconnectLoop, Session } from './reconnect.ts';
import { SignalError, type Signal } from './signal.ts';

/**
 * Sends the join. A refusal that retrying cannot help (`fatal` codes) fails the loop; `moved`
 * (the exam's room is on another media node) also hands over to the node move.
 */
export async function joinRoom<T>(request: () => Promise<T>, fatal: readonly string[], move?: NodeMove): Promise<T> {
	try {
		return await request();
	} catch (error) {
		if (error instanceof SignalError && error.code === 'moved') {
			error.fatal = true;
			move?.moved();
		}
		if (error instanceof SignalError && fatal.includes(error.code)) error.fatal = true;
		throw error;
	}
}

export async function loadDevice(routerRtpCapabilities: unknown): Promise<Device> {
	const device = new Device();
	await device.load({ routerRtpCapabilities: routerRtpCapabilities as RtpCapabilities });
	return device;
}

/** The session's send or receive transport; the session watches its ICE (reconnect.ts). */
export async function openTransport(signal: Signal, session: Session, device: Device, direction: 'send' | 'recv'): Promise<Transport> {
	const options = await signal.request('transport:create', { direction });
	session.check();
	const params = {
		id: options.id,
		iceParameters: options.iceParameters as unknown as IceParameters,
		iceCandidates: options.iceCandidates as unknown as IceCandidate[],
		dtlsParameters: options.dtlsParameters as unknown as DtlsParameters,
		iceServers: options.iceServers as RTCIceServer[] | undefined,
		iceTransportPolicy: options.iceTransportPolicy,
	};
	const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
	transport.on('connect', ({ dtlsParameters }, callback, errback) => {
		signal
			.request('transport:connect', {
				transportId: transport.id,
				dtlsParameters: dtlsParameters as RequestOf<'transport:connect'>['dtlsParameters'],
			})
			.then(() => callback(), errback);
	});
	session.watchTransport(transport, signal);
	return transport;
}

/** Svelte-store-style snapshots: a listener is called at once and on every change. */
export class Snapshots<T> {
	private readonly listeners = new Set<(snapshot: T) => void>();

	constructor(private value: T) {}

	get current(): T {
		return this.value;
	}

	subscribe(listener: (snapshot: T) => void): () => void {
		this.listeners.add(listener);
		listener(this.value);
		return () => this.listeners.delete(listener);
	}

	set(next: T): void {
		this.value = next;
		for (const listener of this.listeners) listener(next);
	}

	clear(): void {
		this.listeners.clear();
	}
}

/** The page's side of a publisher or a viewer: start it, read its snapshots, retry at once. */
export abstract class RoomClient<S> {
	protected abstract readonly loop: ReconnectLoop;
	protected readonly snaps: Snapshots<S>;

	constructor(initial: S) {
		this.snaps = new Snapshots(initial);
	}

	start(): void {
		this.loop.start();
	}

	/** Svelte-store-style subscription: called now and on every change. */
	subscribe(listener: (snapshot: S) => void): () => void {
		return this.snaps.subscribe(listener);
	}

	snapshot(): S {
		return this.snaps.current;
	}

	/** A new handshake now (the page's "Retry"), without waiting for the backoff. */
	retryNow(): void {
		this.loop.retryNow();
	}
}
