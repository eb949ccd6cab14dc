/**
 * Builds RTP dumps the way the live recorder writes them (rtp-dump-format's encoder),
 * from real encoded frames, with the impairments a network and a crash leave behind:
 * reordering, duplicates, losses, sequence/timestamp wrap, DTX silence, a torn tail.
 */
import { writeFile } from 'node:fs/promises';
import { buildVp8RtpPacket, fragmentFrame } from '../../../bench/media/vp8-rtp.ts';
import { type DumpHeader, RECORD_HEADER_BYTES, RecordKind, encodeDumpHeader, writeDumpRecord } from '../../src/dump/rtp-dump-format.ts';
import type { Vp8Clip } from './media.ts';

export interface Rec {
  kind: RecordKind;
  arrivalMs: number;
  packet: Buffer;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be repeated. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Adds what real senders put around the payload: CSRCs, a one-byte header extension
 * (RFC 8285, e.g. abs-send-time) and padding whose last byte counts itself.
 */
export function decorate(rtp: Buffer, opts: { csrcs?: number[]; extension?: boolean; padding?: number }): Buffer {
  const csrcs = opts.csrcs ?? [];
  const ext = opts.extension ? Buffer.from([0xbe, 0xde, 0x00, 0x01, 0x32, 0x12, 0x34, 0x56]) : Buffer.alloc(0);
  const pad = opts.padding ? Buffer.alloc(opts.padding, 0) : Buffer.alloc(0);
  if (pad.length) pad[pad.length - 1] = pad.length;
  const head = Buffer.from(rtp.subarray(0, 12));
  head[0] = 0x80 | (pad.length ? 0x20 : 0) | (ext.length ? 0x10 : 0) | csrcs.length;
  const csrc = Buffer.alloc(csrcs.length * 4);
  csrcs.forEach((c, i) => csrc.writeUInt32BE(c, i * 4));
  return Buffer.concat([head, csrc, ext, rtp.subarray(12), pad]);
}

export interface FramePlan {
  index: number;
  timestamp: number;
  keyframe: boolean;
  width: number;
  height: number;
  /** Sequence numbers (16-bit) of its packets. */
  seqs: number[];
  captureMs: number;
}

/** RTP for every frame of `clip`: frame i captured at startMs + i/fps, sent ~30 ms later, spread over a few ms. */
export function packetizeVp8(
  clip: Vp8Clip,
  opts: { ssrc: number; payloadType: number; seq0: number; ts0: number; startMs: number; networkMs: number; random: () => number },
): { records: Rec[]; frames: FramePlan[] } {
  const records: Rec[] = [];
  const frames: FramePlan[] = [];
  let seq = opts.seq0;
  clip.frames.forEach((frame, index) => {
    const timestamp = (opts.ts0 + Math.round((index * 90000) / clip.fps)) >>> 0;
    const captureMs = opts.startMs + (index * 1000) / clip.fps;
    const slices = fragmentFrame(frame.data);
    const seqs: number[] = [];
    slices.forEach((slice, i) => {
      const fields = { payloadType: opts.payloadType, sequenceNumber: seq & 0xffff, timestamp, ssrc: opts.ssrc, marker: i === slices.length - 1 };
      let rtp = buildVp8RtpPacket(fields, index, slice, i === 0);
      // Every third packet with an extension, every fifth padded, some with a CSRC.
      rtp = decorate(rtp, { extension: seq % 3 === 0, padding: seq % 5 === 0 ? 1 + (seq % 7) : 0, csrcs: seq % 11 === 0 ? [0x1234] : [] });
      seqs.push(seq & 0xffff);
      records.push({ kind: RecordKind.rtp, arrivalMs: captureMs + opts.networkMs + i * 0.5 + opts.random() * 15, packet: rtp });
      seq++;
    });
    frames.push({ index, timestamp, keyframe: frame.keyframe, width: frame.width, height: frame.height, seqs, captureMs });
  });
  return { records, frames };
}

export interface AudioPlan {
  index: number;
  timestamp: number;
  seq: number;
  captureMs: number;
}

/** One Opus packet per 20 ms; packets inside `silence` (DTX) are not sent, sequence numbers stay contiguous. */
export function packetizeOpus(
  packets: Buffer[],
  opts: { ssrc: number; payloadType: number; seq0: number; ts0: number; startMs: number; networkMs: number; random: () => number; silence?: { fromSec: number; toSec: number } },
): { records: Rec[]; sent: AudioPlan[] } {
  const records: Rec[] = [];
  const sent: AudioPlan[] = [];
  let seq = opts.seq0;
  packets.forEach((payload, index) => {
    const sec = index * 0.02;
    if (opts.silence && sec >= opts.silence.fromSec && sec < opts.silence.toSec) return;
    const timestamp = (opts.ts0 + index * 960) >>> 0;
    const captureMs = opts.startMs + index * 20;
    const head = Buffer.alloc(12);
    head[0] = 0x80;
    head[1] = (index === 0 ? 0x80 : 0) | opts.payloadType;
    head.writeUInt16BE(seq & 0xffff, 2);
    head.writeUInt32BE(timestamp, 4);
    head.writeUInt32BE(opts.ssrc, 8);
    // mediasoup forwards the audio-level extension (RFC 6464) on every packet.
    const rtp = decorate(Buffer.concat([head, payload]), { extension: true, csrcs: index % 13 === 0 ? [7] : [], padding: index % 17 === 0 ? 4 : 0 });
    records.push({ kind: RecordKind.rtp, arrivalMs: captureMs + opts.networkMs + opts.random() * 10, packet: rtp });
    sent.push({ index, timestamp, seq: seq & 0xffff, captureMs });
    seq++;
  });
  return { records, sent };
}

/** An RTCP SR (PT 200, no report blocks) at sender NTP time `ntpMs` for RTP time `rtpTimestamp`. */
export function senderReport(ssrc: number, ntpMs: number, rtpTimestamp: number): Buffer {
  const p = Buffer.alloc(28);
  p[0] = 0x80;
  p[1] = 200;
  p.writeUInt16BE(6, 2);
  p.writeUInt32BE(ssrc, 4);
  const seconds = Math.floor(ntpMs / 1000);
  p.writeUInt32BE(seconds >>> 0, 8);
  p.writeUInt32BE(Math.floor(((ntpMs - seconds * 1000) / 1000) * 0x1_0000_0000) >>> 0, 12);
  p.writeUInt32BE(rtpTimestamp >>> 0, 16);
  return p;
}

/** Local reordering: each record may swap with one up to `window` places later. */
export function shuffle(records: Rec[], random: () => number, window: number, share: number): Rec[] {
  const out = [...records];
  for (let i = 0; i < out.length; i++) {
    if (random() >= share) continue;
    const j = Math.min(out.length - 1, i + 1 + Math.floor(random() * window));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A share of the records comes again a few places later (a retransmission that crossed the original). */
export function duplicate(records: Rec[], random: () => number, share: number): Rec[] {
  const out: Rec[] = [];
  const later: { at: number; rec: Rec }[] = [];
  records.forEach((rec, i) => {
    out.push(rec);
    if (random() < share) later.push({ at: i + 3 + Math.floor(random() * 8), rec });
    for (const l of later.filter((x) => x.at === i)) out.push(l.rec);
  });
  return out;
}

/** Writes the dump, arrival times rounded and made non-decreasing as a real append-only log would have them. */
export async function writeDump(file: string, header: DumpHeader, records: Rec[], opts: { tornTail?: boolean } = {}): Promise<void> {
  const parts: Buffer[] = [encodeDumpHeader(header)];
  let last = 0;
  for (const rec of records) {
    const arrivalMs = Math.max(last, Math.round(rec.arrivalMs - header.startedAtMs));
    last = arrivalMs;
    const buf = Buffer.alloc(RECORD_HEADER_BYTES + rec.packet.length);
    writeDumpRecord(buf, 0, rec.kind, arrivalMs, rec.packet);
    parts.push(buf);
  }
  if (opts.tornTail) {
    // A crash in the middle of an append: a record header announcing more bytes than follow.
    const torn = Buffer.alloc(RECORD_HEADER_BYTES + 300);
    writeDumpRecord(torn, 0, RecordKind.rtp, last + 10, records.find((r) => r.kind === RecordKind.rtp)!.packet.subarray(0, 300));
    torn.writeUInt16BE(900, 2);
    parts.push(torn.subarray(0, RECORD_HEADER_BYTES + 120));
  }
  await writeFile(file, Buffer.concat(parts));
}
