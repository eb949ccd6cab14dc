/**
 * Device-recorded segments (#12) on the server: which spans the session's own recordings lack,
 * and the completion of an uploaded segment (hash check, move under the recordings root,
 * row, evidence seal). The tus protocol itself is in http/routes/device-upload.routes.ts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { addDeviceSegment, sessionCoverageFacts, type DB, type DeviceSegment } from '@proctor/db';
import { resolveRecordingPath, sealFileEvidence, type EvidenceSigner } from '@proctor/recorder';
import { MISSING_SPAN_MIN_MS, type DeviceUploadMetadata, type MissingSpan } from '../contract/api/device.ts';
import { missingSpansOf } from './device-gaps.ts';

export interface DeviceSegmentDeps {
  db: Kysely<DB>;
  recordingsDir: string;
  log: Logger;
  /** Seals each stored segment into the session's evidence chain; null = not sealed (API tests). */
  signer: EvidenceSigner | null;
  now?: () => number;
}

/** The uploaded bytes are not what the page hashed: the upload is refused and removed. */
export class SegmentHashMismatch extends Error {}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

export class DeviceSegmentService {
  constructor(private readonly deps: DeviceSegmentDeps) {}

  /** Where unfinished uploads live: inside the recordings root, so the final rename stays on one filesystem. */
  uploadsDir(): string {
    return path.join(path.resolve(this.deps.recordingsDir), '.device-uploads');
  }

  async missing(sessionId: string): Promise<MissingSpan[]> {
    const facts = await sessionCoverageFacts(this.deps.db, sessionId);
    const now = this.deps.now?.() ?? Date.now();
    return missingSpansOf(facts, now, MISSING_SPAN_MIN_MS).map((s) => ({
      source: s.source,
      from: new Date(s.from).toISOString(),
      to: new Date(s.to).toISOString(),
    }));
  }

  /**
   * A finished upload at `file`: verifies its SHA-256 against the page's, then moves it to
   * `<sessionId>/device/<source>-<startMs>.webm` and stores the row (once per segment).
   */
  async complete(sessionId: string, meta: DeviceUploadMetadata, file: string): Promise<DeviceSegment> {
    const { db, recordingsDir, log, signer } = this.deps;
    const [actual, stat] = await Promise.all([sha256File(file), fs.promises.stat(file)]);
    if (actual !== meta.sha256) {
      await fs.promises.rm(file, { force: true });
      log.warn({ sessionId, source: meta.source, startedAt: meta.startedAt, expected: meta.sha256, actual, bytes: stat.size }, 'device segment refused: SHA-256 mismatch');
      throw new SegmentHashMismatch(`The segment's SHA-256 is ${actual}, not ${meta.sha256} as declared; it was not stored.`);
    }
    const startedAt = new Date(meta.startedAt);
    const relative = `${sessionId}/device/${meta.source}-${startedAt.getTime()}.webm`;
    const target = resolveRecordingPath(recordingsDir, relative);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const { segment, created } = await addDeviceSegment(db, {
      sessionId, source: meta.source, startedAt, endedAt: new Date(meta.endedAt), sha256: actual, bytes: stat.size, path: relative,
    });
    if (created) await fs.promises.rename(file, target);
    else await fs.promises.rm(file, { force: true });
    if (signer) {
      await sealFileEvidence({ db, signer, recordingsDir }, { sessionId, kind: 'device_segment', itemId: segment.id, relativePath: segment.path });
    }
    log.info({ sessionId, segmentId: segment.id, source: meta.source, bytes: stat.size, created }, 'device segment stored');
    return segment;
  }
}
