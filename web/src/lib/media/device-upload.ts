/**
 * Uploads the device-recorded segments (#12) the server lacks: asks which spans its own
 * recordings miss, then sends exactly the stored segments overlapping them, one at a time,
 * with tus (resumable: a cut link continues where the server's offset says). Throttled so the
 * live stream keeps its uplink: small chunks with a pause before each.
 */
import { Upload } from 'tus-js-client';
import { DEVICE_UPLOAD_PATH, deviceApi, type MissingSpan, type MissingSpans } from '@proctor/signaling/contract';
import { deleteSegment, listSegments, markUploaded, type StoredSegment } from './device-store';

export interface UploadProgress {
	/** Segments to send in this round, and sent so far. */
	total: number;
	done: number;
	bytesTotal: number;
	bytesSent: number;
}

export interface UploadOptions {
	token: string;
	sessionId: string;
	chunkBytes?: number;
	pauseMs?: number;
	onProgress?: (p: UploadProgress) => void;
}

export async function fetchMissingSpans(token: string): Promise<MissingSpan[]> {
	const res = await fetch(deviceApi.missing.path, { headers: { authorization: `Bearer ${token}` } });
	if (!res.ok) throw new Error(`missing spans: HTTP ${res.status}`);
	return ((await res.json()) as MissingSpans).spans;
}

/** The stored segments overlapping a missing span of their source (pure; tested). */
export function segmentsFor(spans: readonly MissingSpan[], segments: readonly Pick<StoredSegment, 'source' | 'startedAt' | 'endedAt'>[]) {
	return segments.filter((s) =>
		spans.some((g) => g.source === s.source && s.startedAt < Date.parse(g.to) && s.endedAt > Date.parse(g.from)),
	);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function uploadOne(seg: StoredSegment, opts: UploadOptions, onBytes: (sent: number) => void): Promise<'stored' | 'refused'> {
	const pauseMs = opts.pauseMs ?? 250;
	return new Promise((resolve, reject) => {
		const upload = new Upload(seg.blob, {
			endpoint: DEVICE_UPLOAD_PATH,
			chunkSize: opts.chunkBytes ?? 256 * 1024,
			retryDelays: [0, 1000, 3000, 5000, 10000],
			headers: { authorization: `Bearer ${opts.token}` },
			metadata: {
				source: seg.source,
				startedAt: new Date(seg.startedAt).toISOString(),
				endedAt: new Date(seg.endedAt).toISOString(),
				sha256: seg.sha256,
				filetype: seg.blob.type || 'video/webm',
			},
			// Resumes an upload this browser began earlier (same segment) instead of starting over.
			fingerprint: async () => `proctor-device:${seg.id}`,
			removeFingerprintOnSuccess: true,
			// The throttle: a pause before every PATCH leaves the uplink to the live stream.
			onBeforeRequest: async (req) => {
				if (req.getMethod() === 'PATCH') await sleep(pauseMs);
			},
			onProgress: (sent) => onBytes(sent),
			onSuccess: () => resolve('stored'),
			onShouldRetry: (err) => {
				const status = (err as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus() ?? 0;
				return status === 0 || status >= 500 || status === 423 || status === 409;
			},
			onError: (err) => {
				const status = (err as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus() ?? 0;
				// Refused for good (hash mismatch, too large, bad metadata): retrying cannot help.
				if (status === 460 || status === 413 || status === 400) resolve('refused');
				else reject(err);
			},
		});
		upload.findPreviousUploads().then((previous) => {
			if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
			upload.start();
		}, reject);
	});
}

/** One round: what the server lacks now, sent segment by segment. Returns the segments stored. */
export async function uploadMissingSegments(opts: UploadOptions): Promise<number> {
	const [spans, stored] = await Promise.all([fetchMissingSpans(opts.token), listSegments(opts.sessionId)]);
	const todo = segmentsFor(spans, stored.filter((s) => !s.uploaded)) as StoredSegment[];
	const progress: UploadProgress = { total: todo.length, done: 0, bytesTotal: todo.reduce((n, s) => n + s.bytes, 0), bytesSent: 0 };
	opts.onProgress?.({ ...progress });
	let sentBefore = 0;
	let stored_ = 0;
	for (const seg of todo) {
		const outcome = await uploadOne(seg, opts, (sent) => opts.onProgress?.({ ...progress, bytesSent: sentBefore + sent }));
		if (outcome === 'stored') {
			await markUploaded(seg.id);
			stored_ += 1;
		} else {
			await deleteSegment(seg.id);
		}
		sentBefore += seg.bytes;
		progress.done += 1;
		progress.bytesSent = sentBefore;
		opts.onProgress?.({ ...progress });
	}
	return stored_;
}

/** Segments of this session still waiting on this device (a closed tab, a failed round). */
export async function pendingSegments(sessionId: string): Promise<number> {
	if (typeof indexedDB === 'undefined') return 0;
	return (await listSegments(sessionId)).filter((s) => !s.uploaded).length;
}
