/**
 * The device-recorded segments (#12) kept in IndexedDB until the server has what it lacks: a
 * bounded ring per browser (oldest dropped first, by age and by total size). Survives a
 * closed tab; the next open of the link uploads what is still pending for its session.
 */
import type { DeviceSource } from '@proctor/signaling/contract';

export interface StoredSegment {
	id: string;
	sessionId: string;
	source: DeviceSource;
	/** Wall-clock ms. */
	startedAt: number;
	endedAt: number;
	sha256: string;
	bytes: number;
	blob: Blob;
	/** The server stored it (it stays in the ring: a later gap may still be filled from neighbours). */
	uploaded: boolean;
}

export interface RingLimits {
	maxAgeMs: number;
	maxBytes: number;
}

export const DEFAULT_RING: RingLimits = { maxAgeMs: 30 * 60_000, maxBytes: 600 * 1024 * 1024 };

const DB_NAME = 'proctor-device-recordings';
const STORE = 'segments';

function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

let opened: Promise<IDBDatabase> | null = null;
function database(): Promise<IDBDatabase> {
	return (opened ??= new Promise((resolve, reject) => {
		const req = indexedDB.open(DB_NAME, 1);
		req.onupgradeneeded = () => {
			const store = req.result.createObjectStore(STORE, { keyPath: 'id' });
			store.createIndex('session', 'sessionId');
		};
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	}));
}

async function tx(mode: IDBTransactionMode): Promise<IDBObjectStore> {
	return (await database()).transaction(STORE, mode).objectStore(STORE);
}

/** Asks the browser not to evict this origin's storage under pressure (best effort). */
export async function persistStorage(): Promise<boolean> {
	return (await navigator.storage?.persist?.().catch(() => false)) ?? false;
}

export async function putSegment(segment: StoredSegment, limits: RingLimits = DEFAULT_RING): Promise<void> {
	await request((await tx('readwrite')).put(segment));
	await pruneRing(limits);
}

/** Segments of a session, oldest first. */
export async function listSegments(sessionId: string): Promise<StoredSegment[]> {
	const all = (await request((await tx('readonly')).index('session').getAll(sessionId))) as StoredSegment[];
	return all.sort((a, b) => a.startedAt - b.startedAt);
}

export async function markUploaded(id: string): Promise<void> {
	const store = await tx('readwrite');
	const row = (await request(store.get(id))) as StoredSegment | undefined;
	if (row) await request(store.put({ ...row, uploaded: true }));
}

export async function deleteSegment(id: string): Promise<void> {
	await request((await tx('readwrite')).delete(id));
}

/** Drops segments older than maxAgeMs, then the oldest ones until the total fits maxBytes. */
export async function pruneRing(limits: RingLimits, now = Date.now()): Promise<number> {
	const all = ((await request((await tx('readonly')).getAll())) as StoredSegment[]).sort((a, b) => a.startedAt - b.startedAt);
	let total = all.reduce((sum, s) => sum + s.bytes, 0);
	const drop: string[] = [];
	for (const s of all) {
		if (s.endedAt < now - limits.maxAgeMs || total > limits.maxBytes) {
			drop.push(s.id);
			total -= s.bytes;
		}
	}
	if (drop.length) {
		const store = await tx('readwrite');
		await Promise.all(drop.map((id) => request(store.delete(id))));
	}
	return drop.length;
}
