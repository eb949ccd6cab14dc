/**
 * Streams the records of a dump file without loading it whole: an hour of screen is a few
 * hundred MB, and two conversions may run at once. Same rules as `readDumpRecords` in
 * rtp-dump-format.ts (which needs the whole file in memory): the body is read in chunks, and
 * a torn last record — the live writer was killed mid-append — ends the stream quietly.
 */
import { open } from 'node:fs/promises';
import { type DumpHeader, type DumpRecord, RECORD_HEADER_BYTES, RecordKind, parseDumpHeader } from './rtp-dump-format.ts';

const CHUNK_BYTES = 1 << 20;

export interface DumpStream {
  header: DumpHeader;
  /** Whole records, in file (= arrival) order; `packet` views a read chunk that is never reused. */
  records: AsyncGenerator<DumpRecord>;
  /** Bytes after the last whole record (a torn tail), known once `records` is done. */
  tornBytes(): number;
}

export async function openDump(file: string): Promise<DumpStream> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    const headerLength = head.readUInt32BE(4);
    const first = Buffer.alloc(Math.min(8 + headerLength, 1 << 24));
    const { bytesRead } = await handle.read(first, 0, first.length, 0);
    const { header, bodyOffset } = parseDumpHeader(first.subarray(0, bytesRead));
    let torn = 0;
    async function* records(): AsyncGenerator<DumpRecord> {
      try {
        let position = bodyOffset;
        let pending = Buffer.alloc(0);
        for (;;) {
          const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
          const { bytesRead: n } = await handle.read(chunk, 0, CHUNK_BYTES, position);
          position += n;
          const buf = pending.length > 0 ? Buffer.concat([pending, chunk.subarray(0, n)]) : chunk.subarray(0, n);
          let at = 0;
          while (at + RECORD_HEADER_BYTES <= buf.length) {
            const kind = buf[at] as RecordKind;
            if (kind !== RecordKind.rtp && kind !== RecordKind.rtcp) {
              // Garbage instead of a record: the rest cannot be framed any more.
              torn = buf.length - at;
              return;
            }
            const end = at + RECORD_HEADER_BYTES + buf.readUInt16BE(at + 2);
            if (end > buf.length) break;
            yield { kind, arrivalMs: buf.readUInt32BE(at + 4), packet: buf.subarray(at + RECORD_HEADER_BYTES, end) };
            at = end;
          }
          pending = buf.subarray(at);
          if (n === 0) {
            torn = pending.length;
            return;
          }
        }
      } finally {
        await handle.close();
      }
    }
    return { header, records: records(), tornBytes: () => torn };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
