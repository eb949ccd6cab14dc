/**
 * A streaming WebM writer for one track: seekable (Cues, and a SeekHead pointing at them)
 * and with its Duration, in one pass and bounded memory.
 *
 *   EBML header · Segment(size patched) · SeekHead(patched) · Info(Duration patched) ·
 *   Tracks · Cluster* · Cues
 *
 * Clusters are written as they fill; what is only known at the end (segment size, duration,
 * where the Cues are) sits at fixed-size places near the start and is patched with
 * positional writes, as ffmpeg's muxer does. A video cluster starts at every key frame (its
 * cue point) and at most every 5 s; an audio cluster every 2 s, each one a cue point.
 * Timestamps are ms (TimecodeScale 1 ms).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { ID, element, float, idBytes, int64, str, uint, vint, voidElement } from './ebml.ts';

export type WebmTrack =
  | { kind: 'video'; codecId: 'V_VP8'; width: number; height: number }
  | { kind: 'audio'; codecId: 'A_OPUS'; channels: number; sampleRate: number; codecPrivate: Buffer };

const VIDEO_CLUSTER_MS = 5000;
const AUDIO_CLUSTER_MS = 2000;
const WRITE_BATCH_BYTES = 1 << 20;
/** Opus decoders need 80 ms before a seek point to converge (RFC 7845 §4.6; WebM requires it). */
const OPUS_SEEK_PRE_ROLL_NS = 80_000_000;
const EPOCH_2001_MS = Date.UTC(2001, 0, 1);

function seekHead(info: number, tracks: number, cues: number): Buffer {
  const seek = (id: number, position: number) => element(ID.Seek, element(ID.SeekID, idBytes(id)), uint(ID.SeekPosition, position, 8));
  return element(ID.SeekHead, seek(ID.Info, info), seek(ID.Tracks, tracks), seek(ID.Cues, cues));
}
const SEEK_HEAD_BYTES = seekHead(0, 0, 0).length;

function trackEntry(track: WebmTrack): Buffer {
  const common = [uint(ID.TrackNumber, 1), uint(ID.TrackUID, 1), uint(ID.FlagLacing, 0), str(ID.CodecID, track.codecId)];
  if (track.kind === 'video') {
    return element(ID.TrackEntry, ...common, uint(ID.TrackType, 1), element(ID.Video, uint(ID.PixelWidth, track.width), uint(ID.PixelHeight, track.height)));
  }
  return element(
    ID.TrackEntry,
    ...common,
    uint(ID.TrackType, 2),
    element(ID.CodecPrivate, track.codecPrivate),
    uint(ID.CodecDelay, 0),
    uint(ID.SeekPreRoll, OPUS_SEEK_PRE_ROLL_NS),
    element(ID.Audio, float(ID.SamplingFrequency, track.sampleRate), uint(ID.Channels, track.channels)),
  );
}

export interface WebmSummary {
  bytes: number;
  blocks: number;
  cuePoints: number;
}

export class WebmWriter {
  private position = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private segmentDataStart = 0;
  private segmentSizeAt = 0;
  private seekHeadAt = 0;
  private durationAt = 0;
  private dateAt = 0;
  private infoAt = 0;
  private tracksAt = 0;
  private cluster: { startMs: number; blocks: Buffer[]; cue: boolean } | null = null;
  private readonly cues: { timeMs: number; position: number }[] = [];
  private blocks = 0;
  private lastMs = -Infinity;

  private constructor(
    private readonly handle: FileHandle,
    private readonly track: WebmTrack,
  ) {}

  /** Creates (truncates) `file` and writes the headers. */
  static async create(file: string, track: WebmTrack, opts: { app?: string } = {}): Promise<WebmWriter> {
    const handle = await open(file, 'w');
    const writer = new WebmWriter(handle, track);
    writer.writeHeaders(opts.app ?? 'proctor dump-to-webm');
    return writer;
  }

  private writeHeaders(app: string): void {
    this.push(
      element(
        ID.EBML,
        uint(ID.EBMLVersion, 1),
        uint(ID.EBMLReadVersion, 1),
        uint(ID.EBMLMaxIDLength, 4),
        uint(ID.EBMLMaxSizeLength, 8),
        str(ID.DocType, 'webm'),
        uint(ID.DocTypeVersion, 4),
        uint(ID.DocTypeReadVersion, 2),
      ),
    );
    this.push(idBytes(ID.Segment));
    this.segmentSizeAt = this.position;
    this.push(Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])); // unknown size until finish()
    this.segmentDataStart = this.position;
    this.seekHeadAt = this.position;
    this.push(voidElement(SEEK_HEAD_BYTES));

    // DateUTC (the wall clock of t = 0) and Duration are known only at the end: both are
    // 8-byte values that end the Info element, patched in finish().
    const infoBody = Buffer.concat([uint(ID.TimecodeScale, 1_000_000), str(ID.MuxingApp, app), str(ID.WritingApp, app)]);
    const info = element(ID.Info, infoBody, int64(ID.DateUTC, 0n), float(ID.Duration, 0));
    this.infoAt = this.position - this.segmentDataStart;
    this.durationAt = this.position + info.length - 8;
    this.dateAt = this.durationAt - 3 - 8; // Duration's ID (2) + size (1) before its value
    this.push(info);
    this.tracksAt = this.position - this.segmentDataStart;
    this.push(element(ID.Tracks, trackEntry(this.track)));
  }

  /** Appends one frame/packet at `timeMs` (non-decreasing; an earlier one is refused). */
  addBlock(timeMs: number, data: Buffer, keyframe: boolean): void {
    const t = Math.round(timeMs);
    if (t < this.lastMs) throw new Error(`WebM block at ${t} ms after one at ${this.lastMs} ms`);
    this.lastMs = t;
    const video = this.track.kind === 'video';
    const c = this.cluster;
    const span = c ? t - c.startMs : 0;
    if (!c || (video && keyframe) || span >= (video ? VIDEO_CLUSTER_MS : AUDIO_CLUSTER_MS) || span > 32767) {
      this.closeCluster();
      this.cluster = { startMs: t, blocks: [], cue: !video || keyframe };
    }
    const cluster = this.cluster!;
    const head = Buffer.alloc(4);
    head[0] = 0x81; // track 1
    head.writeInt16BE(t - cluster.startMs, 1);
    head[3] = keyframe || !video ? 0x80 : 0x00;
    cluster.blocks.push(idBytes(ID.SimpleBlock), vint(4 + data.length), head, data);
    this.blocks++;
  }

  /** Writes what is buffered once it is worth a write; call between blocks. */
  async maybeFlush(): Promise<void> {
    if (this.pendingBytes >= WRITE_BATCH_BYTES) await this.flush();
  }

  /** Writes Cues, the duration, the start's wall clock (ms since the epoch) and the sizes; closes the file. */
  async finish(durationMs: number, dateUtcMs: number): Promise<WebmSummary> {
    this.closeCluster();
    const cuesAt = this.position - this.segmentDataStart;
    if (this.cues.length > 0) {
      this.push(
        element(
          ID.Cues,
          ...this.cues.map((c) =>
            element(ID.CuePoint, uint(ID.CueTime, c.timeMs), element(ID.CueTrackPositions, uint(ID.CueTrack, 1), uint(ID.CueClusterPosition, c.position))),
          ),
        ),
      );
    }
    await this.flush();
    const end = this.position;
    const patch = async (buf: Buffer, at: number) => {
      await this.handle.write(buf, 0, buf.length, at);
    };
    await patch(vint(end - this.segmentDataStart, 8), this.segmentSizeAt);
    const duration = Buffer.alloc(8);
    duration.writeDoubleBE(Math.max(0, durationMs), 0);
    await patch(duration, this.durationAt);
    const date = Buffer.alloc(8);
    date.writeBigInt64BE(BigInt(Math.round(dateUtcMs - EPOCH_2001_MS)) * 1_000_000n, 0);
    await patch(date, this.dateAt);
    await patch(this.cues.length > 0 ? seekHead(this.infoAt, this.tracksAt, cuesAt) : voidElement(SEEK_HEAD_BYTES), this.seekHeadAt);
    await this.handle.sync();
    await this.handle.close();
    return { bytes: end, blocks: this.blocks, cuePoints: this.cues.length };
  }

  /** Closes the file without finishing it (the caller deletes it). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
  }

  private closeCluster(): void {
    const c = this.cluster;
    if (!c || c.blocks.length === 0) return;
    this.cluster = null;
    if (c.cue) this.cues.push({ timeMs: c.startMs, position: this.position - this.segmentDataStart });
    this.push(element(ID.Cluster, uint(ID.Timecode, c.startMs), ...c.blocks));
  }

  private push(buf: Buffer): void {
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.position += buf.length;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buf = Buffer.concat(this.pending);
    const at = this.position - buf.length;
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(buf, 0, buf.length, at);
  }
}
