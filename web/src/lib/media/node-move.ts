/**
 * Several media nodes: each exam's live room is held by one node, and links opened on any
 * other node are redirected to it (server side: signaling/src/http/room-redirect.ts). This
 * page follows its room when it moves:
 *
 *   - the node answers a join with `moved` (another node took the room): reopen the link
 *     here; this node redirects to the holder;
 *   - the node has been unreachable for longer than its room lease (it died): reopen the
 *     link at the entry address every node answers; the room's lease has expired by then,
 *     so the node reached takes the room (or redirects to whichever node did).
 *
 * The link is rebuilt with the page's token (it was removed from the address bar, and the
 * next node has a different origin, so it cannot read this tab's storage). Browser only.
 */
import type { ClusterHome } from '@proctor/signaling/contract';
import type { Signal } from './signal.ts';

/** After the lease has surely expired on the server (its clock may be a little behind ours). */
const LEASE_MARGIN_MS = 5_000;

export class NodeMove {
	private home: ClusterHome | null = null;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private leaving = false;
	private readonly offs: Array<() => void> = [];

	constructor(
		signal: Signal,
		private readonly token: string | null,
	) {
		const onDown = () => {
			if (!this.home || this.timer) return;
			this.timer = setTimeout(() => this.reopen(this.home!.entryUrl), this.home.leaseSeconds * 1000 + LEASE_MARGIN_MS);
		};
		const onUp = () => {
			clearTimeout(this.timer);
			this.timer = undefined;
		};
		signal.socket.on('disconnect', onDown);
		signal.socket.on('connect_error', onDown);
		signal.socket.on('connect', onUp);
		this.offs.push(() => {
			signal.socket.off('disconnect', onDown);
			signal.socket.off('connect_error', onDown);
			signal.socket.off('connect', onUp);
		});
	}

	/** From each successful join: where to come back to (absent on a single node). */
	remember(home: ClusterHome | undefined): void {
		this.home = home ?? null;
	}

	/** The join was refused as `moved`: this origin redirects to the room's node. */
	moved(): void {
		this.reopen(window.location.origin);
	}

	stop(): void {
		clearTimeout(this.timer);
		for (const off of this.offs.splice(0)) off();
	}

	private reopen(origin: string): void {
		if (this.leaving) return;
		this.leaving = true;
		this.stop();
		const url = new URL(window.location.pathname + window.location.search, origin);
		if (this.token) url.searchParams.set('token', this.token);
		window.location.assign(url);
	}
}
