/**
 * The on-disk format of a live recording: an append-only dump of one track's RTP and RTCP
 * packets with their arrival times (the idea of Janus's .mjr files). The live path only
 * appends; a job turns the dump into WebM afterwards (`dump-to-webm`). A dump cut short by a
 * crash stays readable up to its last whole record, which is why there is no index or footer.
 *
 *   file   = "PRD1" u32be(headerLength) header(JSON, UTF-8) record*
 *   record = u8 kind(1 = RTP, 2 = RTCP) u8 0 u16be(length) u32be(arrivalMs) packet[length]
 *
 * `arrivalMs` counts from the header's `startedAtMs` (wall clock, ms since the epoch), so
 * 49 days fit; packets are stored exactly as they arrived — out of order, duplicated,
 * with gaps — and all repair happens in the converter.
 */

export const DUMP_MAGIC = 'PRD1';
export const DUMP_EXTENSION = '.rtpdump';
export const RECORD_HEADER_BYTES = 8;

export const RecordKind = { rtp: 1, rtcp: 2 } as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export interface DumpHeader {
  version: 1;
  /** recordings.id of the row this dump belongs to. */
  recordingId: string;
  kind: 'audio' | 'video';
  /** e.g. 'video/VP8', 'audio/opus' — the consumer's codec. */
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  /** The consumer's SSRC (RTX packets are not dumped). */
  ssrc: number;
  /** Wall clock of arrivalMs = 0, ms since the epoch. */
  startedAtMs: number;
}

export interface DumpRecord {
  kind: RecordKind;
  arrivalMs: number;
  packet: Buffer;
}

export function encodeDumpHeader(header: DumpHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(8 + json.length);
  out.write(DUMP_MAGIC, 0, 'ascii');
  out.writeUInt32BE(json.length, 4);
  json.copy(out, 8);
  return out;
}

/** Writes one record into `target` at `offset` (no allocation on the hot path); returns the new offset. */
export function writeDumpRecord(target: Buffer, offset: number, kind: RecordKind, arrivalMs: number, packet: Uint8Array): number {
  // Plain byte stores: the Buffer write helpers' range checks showed in the tap's profile.
  const length = packet.length;
  const at = arrivalMs >>> 0;
  if (offset + RECORD_HEADER_BYTES + length > target.length || length > 0xffff) throw new RangeError('dump record does not fit');
  target[offset] = kind;
  target[offset + 1] = 0;
  target[offset + 2] = length >>> 8;
  target[offset + 3] = length & 0xff;
  target[offset + 4] = at >>> 24;
  target[offset + 5] = (at >>> 16) & 0xff;
  target[offset + 6] = (at >>> 8) & 0xff;
  target[offset + 7] = at & 0xff;
  target.set(packet, offset + RECORD_HEADER_BYTES);
  return offset + RECORD_HEADER_BYTES + packet.length;
}

export class DumpFormatError extends Error {}

export function parseDumpHeader(file: Buffer): { header: DumpHeader; bodyOffset: number } {
  if (file.length < 8 || file.toString('ascii', 0, 4) !== DUMP_MAGIC) throw new DumpFormatError('not an RTP dump');
  const length = file.readUInt32BE(4);
  if (8 + length > file.length) throw new DumpFormatError('RTP dump header is cut short');
  const header = JSON.parse(file.toString('utf8', 8, 8 + length)) as DumpHeader;
  if (header.version !== 1) throw new DumpFormatError(`unknown RTP dump version ${String(header.version)}`);
  return { header, bodyOffset: 8 + length };
}

/** Every whole record after the header; a torn last record (crash mid-write) is ignored. */
export function* readDumpRecords(file: Buffer, bodyOffset: number): Generator<DumpRecord> {
  let at = bodyOffset;
  while (at + RECORD_HEADER_BYTES <= file.length) {
    const kind = file[at] as RecordKind;
    const length = file.readUInt16BE(at + 2);
    const end = at + RECORD_HEADER_BYTES + length;
    if (end > file.length || (kind !== RecordKind.rtp && kind !== RecordKind.rtcp)) return;
    yield { kind, arrivalMs: file.readUInt32BE(at + 4), packet: file.subarray(at + RECORD_HEADER_BYTES, end) };
    at = end;
  }
}
