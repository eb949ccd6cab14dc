/**
 * One recorded track's dump file: records are appended into fixed-size chunks taken from a
 * shared pool and written with one `writev` per flush (append-only fd, one write in flight
 * per track). The tap flushes every track every FLUSH_INTERVAL_MS; a flush that finds a write
 * still in flight runs when it completes, so a record waits in memory at most one interval
 * plus one write. That is what a SIGKILL loses: what write() handed to the kernel is in the
 * page cache and survives a killed process (only an OS crash or power cut loses it). The memory a
 * track may hold is bounded (MAX_BUFFERED_BYTES): if the disk stalls beyond it, records are
 * dropped and counted rather than letting the node grow until it dies.
 */
import { closeSync, fdatasync, fstatSync, openSync, writev, writeSync } from 'node:fs';
import { close as closeFd } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type DumpHeader, encodeDumpHeader, RECORD_HEADER_BYTES, type RecordKind, writeDumpRecord } from '../dump/rtp-dump-format.ts';

export const CHUNK_BYTES = 32 * 1024;
/** ~4.5 s of a 450 kbit/s camera: a slow disk is absorbed, a dead one does not eat the node. */
export const MAX_BUFFERED_BYTES = 256 * 1024;

/** Chunks come back here after their write, so steady recording allocates nothing. */
export class ChunkPool {
  readonly #free: Buffer[] = [];
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
  }
  give(chunks: Buffer[]): void {
    // Keep a bounded reserve; beyond it let the GC have them.
    for (const c of chunks) if (this.#free.length < 4096) this.#free.push(c);
  }
  get size(): number {
    return this.#free.length;
  }
}

export interface TrackWriteStats {
  bytes: number;
  rtpRecords: number;
  rtcpRecords: number;
  droppedRecords: number;
  /** arrivalMs of the first and last RTP record (-1 when none). */
  firstArrivalMs: number;
  lastArrivalMs: number;
  error: string | undefined;
}

export class TrackDump {
  readonly file: string;
  readonly header: DumpHeader;
  readonly #pool: ChunkPool;
  #fd: number;
  #chunk: Buffer;
  #used = 0;
  /** Full chunks (their used part) waiting for the next write. */
  #queued: Buffer[] = [];
  #queuedBytes = 0;
  /** Whole chunks of the write in flight, returned to the pool when it completes. */
  #inFlight: Buffer[] | undefined;
  /** A flush came while a write was in flight: it runs as soon as that write completes. */
  #flushWanted = false;
  #closing: (() => void) | undefined;
  readonly stats: TrackWriteStats = { bytes: 0, rtpRecords: 0, rtcpRecords: 0, droppedRecords: 0, firstArrivalMs: -1, lastArrivalMs: -1, error: undefined };

  constructor(file: string, header: DumpHeader, pool: ChunkPool) {
    this.file = file;
    this.header = header;
    this.#pool = pool;
    mkdirSync(path.dirname(file), { recursive: true });
    // 'ax': never append to (or overwrite) another recording's file.
    this.#fd = openSync(file, 'ax', 0o640);
    const head = encodeDumpHeader(header);
    writeSync(this.#fd, head);
    this.stats.bytes = head.length;
    this.#chunk = pool.take();
  }

  append(kind: RecordKind, arrivalMs: number, packet: Uint8Array): void {
    const need = RECORD_HEADER_BYTES + packet.length;
    if (this.#used + need > CHUNK_BYTES) {
      if (this.#queuedBytes + this.#used > MAX_BUFFERED_BYTES) {
        this.stats.droppedRecords++;
        return;
      }
      this.#queued.push(this.#chunk.subarray(0, this.#used));
      this.#queuedBytes += this.#used;
      this.#chunk = this.#pool.take();
      this.#used = 0;
      if (need > CHUNK_BYTES) return void this.stats.droppedRecords++; // cannot happen for UDP-sized packets
    }
    this.#used = writeDumpRecord(this.#chunk, this.#used, kind, arrivalMs, packet);
    if (kind === 1) {
      this.stats.rtpRecords++;
      if (this.stats.firstArrivalMs < 0) this.stats.firstArrivalMs = arrivalMs;
      this.stats.lastArrivalMs = arrivalMs;
    } else this.stats.rtcpRecords++;
  }

  /** Starts writing what is buffered (unless a write is in flight; the next flush takes it). */
  flush(): void {
    if (this.#fd < 0) return;
    if (this.#inFlight) {
      // Not skipped until the next tick: that would let records wait two intervals plus a
      // slow write (> 1 s) in memory, where a SIGKILL loses them.
      this.#flushWanted = true;
      return;
    }
    this.#flushWanted = false;
    if (this.#used > 0) {
      this.#queued.push(this.#chunk.subarray(0, this.#used));
      this.#queuedBytes += this.#used;
      this.#chunk = this.#pool.take();
      this.#used = 0;
    }
    if (this.#queued.length === 0) {
      this.#closing?.();
      return;
    }
    const views = this.#queued;
    const bytes = this.#queuedBytes;
    this.#queued = [];
    this.#queuedBytes = 0;
    // Each view's buffer is a whole pool chunk (subarray(0, n) shares it).
    this.#inFlight = views.map((v) => Buffer.from(v.buffer, v.byteOffset, CHUNK_BYTES));
    writev(this.#fd, views, (err, written) => {
      this.#pool.give(this.#inFlight ?? []);
      this.#inFlight = undefined;
      if (err) this.stats.error ??= `write failed: ${err.message}`;
      else this.stats.bytes += written;
      if (!err && written !== bytes) this.stats.error ??= `short write: ${written} of ${bytes} bytes`;
      if (this.#closing || this.#flushWanted) this.flush();
    });
  }

  /** Writes everything still buffered, syncs and closes the file. */
  close(): Promise<TrackWriteStats> {
    return new Promise((resolve) => {
      if (this.#fd < 0) return resolve(this.stats);
      this.#closing = () => {
        this.#closing = undefined;
        const fd = this.#fd;
        this.#fd = -1;
        this.#pool.give([this.#chunk]);
        fdatasync(fd, () => {
          try {
            this.stats.bytes = fstatSync(fd).size;
          } catch {
            /* keep the counted size */
          }
          closeFd(fd, () => resolve(this.stats));
        });
      };
      this.flush();
    });
  }

  /** Synchronous last resort (process exit): what is buffered is written now. */
  closeSync(): void {
    if (this.#fd < 0) return;
    try {
      for (const v of this.#queued) writeSync(this.#fd, v);
      if (this.#used > 0) writeSync(this.#fd, this.#chunk.subarray(0, this.#used));
      closeSync(this.#fd);
    } catch {
      /* exiting anyway */
    }
    this.#fd = -1;
  }
}
