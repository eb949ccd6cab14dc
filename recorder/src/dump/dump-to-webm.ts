/**
 * Turns one track's RTP dump (rtp-dump-format.ts) into a seekable WebM file, after the fact.
 *
 *   records (arrival order, torn tail ignored)
 *     → RTP parse (CSRC, extension, padding) · other SSRCs/PTs skipped · SR → media clock
 *     → unwrap seq (16 bit) and timestamp (32 bit) · reorder buffer (duplicates, late dropped)
 *     → VP8: frame assembly, key-frame start, incomplete frames dropped | Opus: one packet per block
 *     → WebM blocks at (timestamp − first timestamp) / clock rate → Cues + Duration
 *
 * The result says where t = 0 of the file is on the wall clock (`startedAtMs`), so the
 * recording row's started_at can be set to the true start of its picture or sound.
 * Pure computation and positional file writes: no ffmpeg, no decoding.
 */
import { rm } from 'node:fs/promises';
import { openDump } from './dump-reader.ts';
import { type ClockSource, MediaClock } from './media-clock.ts';
import { opusHead, opusPacketMs } from './opus.ts';
import { ReorderBuffer, type ReorderStats, Unwrapper } from './reorder.ts';
import { DumpFormatError, type DumpHeader, RecordKind } from './rtp-dump-format.ts';
import { type RtpPacket, parseRtp, senderReports } from './rtp-packet.ts';
import { Vp8Assembler, type Vp8AssemblyStats, type Vp8Frame } from './vp8-depacketizer.ts';
import { WebmWriter } from './webm-writer.ts';

export interface ConversionResult {
  kind: 'audio' | 'video';
  codec: 'vp8' | 'opus';
  /** Play time of the file (last block's time + its own duration), ms. */
  durationMs: number;
  /** Wall clock (ms since the epoch) of the file's t = 0: its first frame/packet. */
  startedAtMs: number;
  clock: ClockSource;
  bytes: number;
  /** Video frames or Opus packets written. */
  blocks: number;
  keyframes: number;
  cuePoints: number;
  /** Every resolution the video had, from its first key frame on, with the file time it began. */
  resolutions: { atMs: number; width: number; height: number }[];
  stats: {
    records: number;
    rtcp: number;
    /** RTP records that did not parse, or of another SSRC/payload type. */
    skipped: number;
    duplicates: number;
    late: number;
    /** Sequence numbers never seen (holes between released packets). */
    lost: number;
    tornBytes: number;
    video?: Vp8AssemblyStats & { beforeFirstKeyframe: number };
  };
}

export class EmptyDumpError extends Error {}

interface Item {
  rtp: RtpPacket;
  timestamp: number;
}

const VIDEO_DEFAULT_FRAME_MS = 1000 / 15;

/** Converts `dumpFile` into `outFile` (written in place; removed again on failure). */
export async function dumpToWebm(dumpFile: string, outFile: string): Promise<ConversionResult> {
  const dump = await openDump(dumpFile);
  const header = dump.header;
  const codec = codecOf(header);
  const clock = new MediaClock(header.clockRate);
  const seqs = new Unwrapper(16);
  const stamps = new Unwrapper(32);
  const reorder = new ReorderBuffer<Item>();
  const assembler = codec === 'vp8' ? new Vp8Assembler() : null;
  const out = new Output(outFile, header, codec);
  const counts = { records: 0, rtcp: 0, skipped: 0, lost: 0 };
  let lastSeq: number | null = null;

  const release = async (items: ReturnType<typeof reorder.drain>) => {
    for (const { seq, arrivalMs, item } of items) {
      if (lastSeq !== null && seq > lastSeq + 1) counts.lost += seq - lastSeq - 1;
      lastSeq = seq;
      if (assembler) {
        for (const frame of assembler.push({ seq, timestamp: item.timestamp, marker: item.rtp.marker, arrivalMs, payload: item.rtp.payload })) {
          await out.video(frame);
        }
      } else {
        await out.audio(item.timestamp, item.rtp.payload);
      }
    }
  };

  try {
    for await (const record of dump.records) {
      counts.records++;
      if (record.kind === RecordKind.rtcp) {
        counts.rtcp++;
        for (const sr of senderReports(record.packet)) {
          if (sr.ssrc !== header.ssrc) continue;
          const rtpTimestamp = stamps.peek(sr.rtpTimestamp);
          if (rtpTimestamp !== null) clock.senderReport({ arrivalMs: record.arrivalMs, ntpMs: sr.ntpMs, rtpTimestamp });
        }
        continue;
      }
      const rtp = parseRtp(record.packet);
      if (!rtp || rtp.ssrc !== header.ssrc || rtp.payloadType !== header.payloadType) {
        counts.skipped++;
        continue;
      }
      const timestamp = stamps.unwrap(rtp.timestamp);
      clock.packet(record.arrivalMs, timestamp);
      await release(reorder.push({ seq: seqs.unwrap(rtp.sequenceNumber), arrivalMs: record.arrivalMs, item: { rtp, timestamp } }));
    }
    await release(reorder.drain());
    if (assembler) for (const frame of assembler.end()) await out.video(frame);
    const first = out.first();
    if (first === null) throw new EmptyDumpError(codec === 'vp8' ? 'the dump holds no whole VP8 key frame' : 'the dump holds no Opus packet');
    const at = clock.arrivalOf(first)!;
    const done = (await out.finish(header.startedAtMs + at.ms))!;
    return {
      kind: header.kind,
      codec,
      durationMs: done.durationMs,
      startedAtMs: header.startedAtMs + at.ms,
      clock: at.source,
      bytes: done.bytes,
      blocks: done.blocks,
      keyframes: done.keyframes,
      cuePoints: done.cuePoints,
      resolutions: done.resolutions,
      stats: {
        ...counts,
        ...reorderStats(reorder.stats),
        tornBytes: dump.tornBytes(),
        ...(assembler ? { video: { ...assembler.stats, beforeFirstKeyframe: out.beforeFirstKeyframe } } : {}),
      },
    };
  } catch (error) {
    await out.abort();
    await rm(outFile, { force: true });
    throw error;
  }
}

function reorderStats(s: ReorderStats): ReorderStats {
  return { duplicates: s.duplicates, late: s.late };
}

function codecOf(header: DumpHeader): 'vp8' | 'opus' {
  const mime = header.mimeType.toLowerCase();
  if (mime === 'video/vp8') return 'vp8';
  if (mime === 'audio/opus') return 'opus';
  throw new DumpFormatError(`cannot convert ${header.mimeType} dumps (VP8 and Opus only)`);
}

/** The writing side: file time from RTP time, the WebM file opened at the first block. */
class Output {
  private writer: WebmWriter | null = null;
  private opening: Promise<WebmWriter> | null = null;
  private firstTimestamp: number | null = null;
  private lastTimestamp = -Infinity;
  private lastMs = 0;
  private lastBlockMs = 0;
  private keyframes = 0;
  private readonly resolutions: { atMs: number; width: number; height: number }[] = [];
  /** A frame plays until the next one; the last one as long as the interval before it. */
  private frameMs = VIDEO_DEFAULT_FRAME_MS;
  beforeFirstKeyframe = 0;

  constructor(
    private readonly file: string,
    private readonly header: DumpHeader,
    private readonly codec: 'vp8' | 'opus',
  ) {}

  private timeOf(timestamp: number): number {
    return ((timestamp - this.firstTimestamp!) / this.header.clockRate) * 1000;
  }

  private async open(): Promise<WebmWriter> {
    if (this.writer) return this.writer;
    this.opening ??= WebmWriter.create(
      this.file,
      this.codec === 'vp8'
        ? { kind: 'video', codecId: 'V_VP8', width: this.resolutions[0]!.width, height: this.resolutions[0]!.height }
        : { kind: 'audio', codecId: 'A_OPUS', channels: this.header.channels ?? 2, sampleRate: this.header.clockRate, codecPrivate: opusHead(this.header.channels ?? 2) },
    );
    this.writer = await this.opening;
    return this.writer;
  }

  async video(frame: Vp8Frame): Promise<void> {
    if (this.firstTimestamp === null && !frame.keyframe) {
      this.beforeFirstKeyframe++;
      return;
    }
    // A frame older than the last one written (a sender timestamp jump back) cannot be placed.
    if (frame.timestamp <= this.lastTimestamp) return;
    this.firstTimestamp ??= frame.timestamp;
    const ms = this.timeOf(frame.timestamp);
    if (frame.keyframe) {
      this.keyframes++;
      const last = this.resolutions[this.resolutions.length - 1];
      if (!last || last.width !== frame.width || last.height !== frame.height) {
        this.resolutions.push({ atMs: Math.round(ms), width: frame.width!, height: frame.height! });
      }
    }
    if (this.lastTimestamp !== -Infinity) this.frameMs = Math.min(1000, ms - this.lastMs);
    await this.block(frame.timestamp, ms, frame.data, frame.keyframe, this.frameMs);
  }

  async audio(timestamp: number, packet: Buffer): Promise<void> {
    const playMs = opusPacketMs(packet);
    if (playMs === null || timestamp <= this.lastTimestamp) return;
    this.firstTimestamp ??= timestamp;
    this.keyframes++;
    await this.block(timestamp, this.timeOf(timestamp), packet, true, playMs);
  }

  private async block(timestamp: number, ms: number, data: Buffer, keyframe: boolean, playMs: number): Promise<void> {
    const writer = await this.open();
    this.lastTimestamp = timestamp;
    this.lastMs = ms;
    this.lastBlockMs = playMs;
    writer.addBlock(ms, data, keyframe);
    await writer.maybeFlush();
  }

  /** Extended RTP timestamp of the file's t = 0, once a block was written. */
  first(): number | null {
    return this.writer ? this.firstTimestamp : null;
  }

  async finish(startedAtMs: number) {
    if (!this.writer || this.firstTimestamp === null) return null;
    const durationMs = this.lastMs + this.lastBlockMs;
    const summary = await this.writer.finish(durationMs, startedAtMs);
    return { ...summary, durationMs: Math.round(durationMs), keyframes: this.keyframes, resolutions: this.resolutions };
  }

  async abort(): Promise<void> {
    if (this.opening) await (await this.opening.catch(() => null))?.abort();
  }
}

export interface ConvertMeasurement extends ConversionResult {
  /** The file's play time, s. */
  mediaSeconds: number;
  /** CPU (user + system) this process spent converting, ms. */
  cpuMs: number;
  wallMs: number;
}

/**
 * `dumpToWebm` with its cost: what the bench divides for `convertRealtimeFactor`
 * (mediaSeconds / (cpuMs / 1000)). CPU is the whole process's, so measure in a quiet one.
 */
export async function convertDump(dumpFile: string, outFile: string): Promise<ConvertMeasurement> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = await dumpToWebm(dumpFile, outFile);
  const used = process.cpuUsage(cpu);
  return { ...result, mediaSeconds: result.durationMs / 1000, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
}
