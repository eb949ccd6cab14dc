/**
 * How complete the recordings are, from the RTP dumps themselves (parsed with the
 * recorder's readDumpRecords), so the figure is real without converting anything.
 *
 * - Inside a dump: RTP records are ordered by (unwrapped) sequence number, duplicates
 *   dropped; every step between consecutive packets' RTP timestamps longer than
 *   GAP_THRESHOLD_SEC counts (minus the one frame interval that is normal), and so does
 *   every silence in their arrival times longer than that — whichever is larger.
 * - At the edges: the dump should span the media that was published, in media time
 *   (frames sent × frame interval, from the generator's schedule; the stream's first RTP
 *   timestamp is known, mediasoup keeps timestamps). The head shortfall is the first
 *   recorded timestamp's distance from the stream's first frame, the tail shortfall what is
 *   missing after the last; beyond SHORTFALL_TOLERANCE_FRAMES frame intervals they count in full.
 * - A recording without a dump, or without RTP in it, counts its whole published time.
 * Packets missing inside the sequence-number span are counted too (diagnostic).
 */
import { readFile } from 'node:fs/promises';
import { parseDumpHeader, RecordKind, readDumpRecords } from '@proctor/recorder';

export const GAP_THRESHOLD_SEC = 1;
const SHORTFALL_TOLERANCE_FRAMES = 2;

export interface RecordingToCheck {
  streamId: string;
  /** Absolute path of the .rtpdump, or undefined when the recording has none (failed to start). */
  file: string | undefined;
  status: string;
  publishedSec: number;
  fps: number;
  /** RTP timestamp of the stream's first frame, and its clock. */
  tsBase: number;
  clockRate: number;
  /** Packets the generator sent on the recorded stream (the camera's high layer). */
  packetsSent: number;
}

export interface RecordingCheck {
  files: number;
  /** Rows by status when checked, e.g. { stopped: 300 }. */
  statuses: Record<string, number>;
  /** The headline number: internal gaps + counted shortfalls + missing recordings. */
  gapSeconds: number;
  internalGapSeconds: number;
  shortfallSeconds: number;
  missingSeconds: number;
  headSeconds: number;
  tailSeconds: number;
  /** Largest edge shortfall seen, counted or not (diagnostic). */
  maxShortfallSec: number;
  minDurationSec: number;
  maxDurationSec: number;
  /** Packets missing inside the dumps' sequence spans, and all packets dumped. */
  missingPackets: number;
  dumpedPackets: number;
  dumpBytes: number;
  /** Recordings holding under 90 % of the packets sent on their stream (e.g. a camera left on its low layer). */
  shortRecordings: number;
  /** Media seconds in the dumps (sum of spans): what a converter has to convert. */
  mediaSeconds: number;
  /** A few of the worst files, for the log. */
  worst: string[];
}

interface Track {
  /** RTP timestamps unwrapped relative to tsBase, in seq order, duplicates dropped. */
  ticks: number[];
  arrivals: number[];
  missingPackets: number;
  packets: number;
  bytes: number;
}

async function readTrack(file: string, tsBase: number): Promise<Track> {
  const buf = await readFile(file);
  const { bodyOffset } = parseDumpHeader(buf);
  const bySeq = new Map<number, number>();
  const arrivals: number[] = [];
  let highest = -1;
  for (const r of readDumpRecords(buf, bodyOffset)) {
    if (r.kind !== RecordKind.rtp) continue;
    arrivals.push(r.arrivalMs);
    const seq = r.packet.readUInt16BE(2);
    let ext = seq;
    if (highest >= 0) {
      ext = (highest & ~0xffff) | seq;
      if (ext - highest > 0x8000) ext -= 0x10000;
      else if (highest - ext > 0x8000) ext += 0x10000;
    }
    highest = Math.max(highest, ext);
    // Distance from the stream's first frame, wrap-safe (a stream spans far less than 2^31 ticks).
    if (!bySeq.has(ext)) bySeq.set(ext, (r.packet.readUInt32BE(4) - tsBase) >>> 0);
  }
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const span = seqs.length > 0 ? seqs.at(-1)! - seqs[0]! + 1 : 0;
  return { ticks: seqs.map((s) => bySeq.get(s)!), arrivals, missingPackets: span - seqs.length, packets: arrivals.length, bytes: buf.length };
}

export async function checkRecordings(items: RecordingToCheck[]): Promise<RecordingCheck> {
  const check: RecordingCheck = {
    files: items.length,
    statuses: {},
    gapSeconds: 0,
    internalGapSeconds: 0,
    shortfallSeconds: 0,
    missingSeconds: 0,
    headSeconds: 0,
    tailSeconds: 0,
    maxShortfallSec: 0,
    minDurationSec: Infinity,
    maxDurationSec: 0,
    missingPackets: 0,
    dumpedPackets: 0,
    dumpBytes: 0,
    shortRecordings: 0,
    mediaSeconds: 0,
    worst: [],
  };
  const problems: { id: string; seconds: number; what: string }[] = [];
  for (const item of items) {
    check.statuses[item.status] = (check.statuses[item.status] ?? 0) + 1;
    const frame = 1 / item.fps;
    let track: Track | undefined;
    let error: string | undefined;
    if (item.file) track = await readTrack(item.file, item.tsBase).catch((e: unknown) => ((error = (e as Error).message), undefined));
    if (!track || track.ticks.length === 0) {
      check.missingSeconds += item.publishedSec;
      problems.push({ id: item.streamId, seconds: item.publishedSec, what: `no media (${item.status}${error ? `: ${error}` : ''})` });
      continue;
    }
    const times = track.ticks.map((t) => t / item.clockRate);
    let tsGaps = 0;
    for (let i = 1; i < times.length; i++) {
      const step = times[i]! - times[i - 1]!;
      if (step > GAP_THRESHOLD_SEC) tsGaps += step - frame;
    }
    let arrivalGaps = 0;
    for (let i = 1; i < track.arrivals.length; i++) {
      const step = (track.arrivals[i]! - track.arrivals[i - 1]!) / 1000;
      if (step > GAP_THRESHOLD_SEC) arrivalGaps += step - frame;
    }
    const internal = Math.max(tsGaps, arrivalGaps);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const duration = last - first + frame;
    const head = first;
    const tail = Math.max(0, item.publishedSec - (last + frame));
    const shortfall = head + tail;
    const tolerance = SHORTFALL_TOLERANCE_FRAMES * frame;
    const countedHead = head > tolerance ? head : 0;
    const countedTail = tail > tolerance ? tail : 0;
    check.internalGapSeconds += internal;
    check.headSeconds += countedHead;
    check.tailSeconds += countedTail;
    check.shortfallSeconds += countedHead + countedTail;
    check.maxShortfallSec = Math.max(check.maxShortfallSec, shortfall);
    check.minDurationSec = Math.min(check.minDurationSec, duration);
    check.maxDurationSec = Math.max(check.maxDurationSec, duration);
    check.missingPackets += track.missingPackets;
    check.dumpedPackets += track.packets;
    check.dumpBytes += track.bytes;
    // Retransmissions make the dump hold more than was sent; fewer means a stream was not kept.
    if (track.ticks.length < 0.9 * item.packetsSent) {
      check.shortRecordings++;
      problems.push({ id: item.streamId, seconds: 0, what: `holds ${track.ticks.length} of ${item.packetsSent} packets sent` });
    }
    check.mediaSeconds += duration;
    const counted = internal + countedHead + countedTail;
    if (counted > 0) {
      problems.push({
        id: item.streamId,
        seconds: counted,
        what: `${duration.toFixed(2)} s of ${item.publishedSec.toFixed(2)} s (head ${head.toFixed(2)}, tail ${tail.toFixed(2)}), internal gaps ${internal.toFixed(2)} s`,
      });
    }
  }
  check.gapSeconds = check.internalGapSeconds + check.shortfallSeconds + check.missingSeconds;
  if (check.minDurationSec === Infinity) check.minDurationSec = 0;
  check.worst = problems
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 5)
    .map((p) => `${p.id}: ${p.what}`);
  return check;
}
