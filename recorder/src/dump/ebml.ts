/**
 * The few EBML (RFC 8794) encoders a WebM writer needs: element = ID, size as a variable
 * length integer, data. Elements are built as Buffers; only clusters are large, and each is
 * written once.
 */

export const ID = {
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  DateUTC: 0x4461,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackUID: 0x73c5,
  TrackType: 0x83,
  FlagLacing: 0x9c,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  CodecDelay: 0x56aa,
  SeekPreRoll: 0x56bb,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
  Void: 0xec,
} as const;

export function idBytes(id: number): Buffer {
  const len = id >= 0x1000000 ? 4 : id >= 0x10000 ? 3 : id >= 0x100 ? 2 : 1;
  const out = Buffer.alloc(len);
  out.writeUIntBE(id, 0, len);
  return out;
}

/** Size as a vint of the smallest length (or exactly `length` bytes, for patching later). */
export function vint(value: number, length?: number): Buffer {
  let len = length ?? 1;
  if (length === undefined) while (value >= 2 ** (7 * len) - 1) len++;
  if (len > 8 || value >= 2 ** (7 * len) - 1) throw new Error(`EBML size ${value} does not fit ${len} bytes`);
  const out = Buffer.alloc(len);
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0]! |= 1 << (8 - len);
  return out;
}

export function element(id: number, ...children: Buffer[]): Buffer {
  const data = children.length === 1 ? children[0]! : Buffer.concat(children);
  return Buffer.concat([idBytes(id), vint(data.length), data]);
}

export function uint(id: number, value: number, bytes?: number): Buffer {
  let len = bytes ?? 1;
  if (bytes === undefined) while (len < 8 && value >= 2 ** (8 * len)) len++;
  const data = Buffer.alloc(len);
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    data[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return element(id, data);
}

export function float(id: number, value: number): Buffer {
  const data = Buffer.alloc(8);
  data.writeDoubleBE(value, 0);
  return element(id, data);
}

export function int64(id: number, value: bigint): Buffer {
  const data = Buffer.alloc(8);
  data.writeBigInt64BE(value, 0);
  return element(id, data);
}

export function str(id: number, value: string): Buffer {
  return element(id, Buffer.from(value, 'utf8'));
}

/** A Void element of exactly `total` bytes (at least 2), to reserve room for a later patch. */
export function voidElement(total: number): Buffer {
  if (total < 2) throw new Error('a Void element needs at least 2 bytes');
  const sizeLen = total - 1 > 127 ? 8 : 1;
  const out = Buffer.alloc(total);
  out[0] = ID.Void;
  vint(total - 1 - sizeLen, sizeLen).copy(out, 1);
  return out;
}
