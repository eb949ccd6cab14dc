/**
 * Live Results rows: the `results:session` push (a session's status, decision or review
 * status changed; the payload is its new row). The socket is authenticated by the session
 * cookie. Browser only: load with `import()` in onMount.
 *
 * The server sends the push to the socket.io room of an exam's proctors; see the Results
 * page notes in web/README.md for which sockets are in it.
 */
import type { ResultRow } from '@proctor/signaling/contract';
import { connectSignal } from '$lib/media/signal';
import { RowOrder } from './row-order.ts';

export interface LiveResults {
	close(): void;
}

export function subscribeResults(handlers: {
	row(row: ResultRow): void;
	connected(connected: boolean): void;
}): LiveResults {
	const signal = connectSignal(null);
	const { socket } = signal;
	// A late row of an older attempt than one already shown is dropped (#12).
	const order = new RowOrder();
	const off = signal.on('results:session', (row) => {
		if (order.accept(row)) handlers.row(row);
	});
	socket.on('connect', () => handlers.connected(true));
	socket.on('disconnect', () => handlers.connected(false));
	socket.on('connect_error', () => {
		handlers.connected(false);
		// Refused by the server (session over): socket.io would not try again by itself.
		if (!socket.active) setTimeout(() => socket.connect(), 15_000);
	});
	return {
		close() {
			off();
			signal.close();
		},
	};
}
