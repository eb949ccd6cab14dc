/**
 * How complete the recordings are, from the files themselves (ffprobe packet timestamps).
 *
 * - Inside a file: every jump between consecutive video packets longer than
 *   GAP_THRESHOLD_SEC counts, minus the one frame interval that is normal.
 * - At the edges: the file should span the media that was published. "Published" is
 *   taken in media time — frames sent × frame interval, from the generator's schedule —
 *   not as wall time from produce() to stop, because that would also count the set-up
 *   seconds in which nothing was sent. A shortfall beyond SHORTFALL_TOLERANCE_FRAMES
 *   frame intervals (WebM's millisecond timestamps, the last frame's duration) counts
 *   in full, e.g. a recorder that missed the first key frame and waited for the next.
 * - A recording that failed or has no file counts its whole published time.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mapLimit } from './streams.ts';

const run = promisify(execFile);

export const GAP_THRESHOLD_SEC = 0.5;
const SHORTFALL_TOLERANCE_FRAMES = 2;

export interface RecordingToCheck {
  streamId: string;
  /** Absolute path, or undefined when the recording has none (failed to start). */
  file: string | undefined;
  status: string;
  publishedSec: number;
  fps: number;
  /** Frame sizes of the looped clip: the recorded VP8 frames are byte-identical, so matching sizes tells which frame a file starts with. */
  clipFrameSizes: number[];
}

export interface RecordingCheck {
  files: number;
  /** Rows by final status, e.g. { finalised: 200 }. */
  statuses: Record<string, number>;
  /** The headline number: internal gaps + counted shortfalls + missing recordings. */
  gapSeconds: number;
  internalGapSeconds: number;
  shortfallSeconds: number;
  missingSeconds: number;
  /** The counted shortfall split by where it is: before the first recorded frame, after the last. */
  headSeconds: number;
  tailSeconds: number;
  /** Largest edge shortfall seen, counted or not (diagnostic). */
  maxShortfallSec: number;
  minDurationSec: number;
  maxDurationSec: number;
  /** A few of the worst files, for the log. */
  worst: string[];
}

interface Packet {
  pts: number;
  size: number;
}

async function readPackets(ffprobe: string, file: string): Promise<Packet[]> {
  const { stdout } = await run(
    ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,size', '-of', 'csv=p=0', file],
    { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  return stdout
    .split('\n')
    .map((line) => {
      const [pts, size] = line.split(',');
      return { pts: Number.parseFloat(pts ?? ''), size: Number(size) };
    })
    .filter((p) => Number.isFinite(p.pts))
    .sort((a, b) => a.pts - b.pts);
}

/**
 * Index in the clip of the first recorded frame (= frames missing at the head, as every
 * stream starts at clip frame 0), or undefined if no position matches. A run of 8 sizes
 * is unique in practice.
 */
function headFrames(packets: Packet[], clip: number[]): number | undefined {
  const run = Math.min(8, packets.length);
  for (let offset = 0; offset < clip.length; offset++) {
    let match = true;
    for (let i = 0; i < run && match; i++) match = clip[(offset + i) % clip.length] === packets[i]!.size;
    if (match) return offset;
  }
  return undefined;
}

export async function checkRecordings(items: RecordingToCheck[], ffprobe: string): Promise<RecordingCheck> {
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
    worst: [],
  };
  const problems: { id: string; seconds: number; what: string }[] = [];
  // ffprobe per file, two at a time (two cores); nothing else runs by then.
  const results = await mapLimit(items, 2, async (item) => {
    if (!item.file) return { item, packets: [] as Packet[], error: 'no file' };
    try {
      return { item, packets: await readPackets(ffprobe, item.file), error: undefined };
    } catch (error) {
      return { item, packets: [] as Packet[], error: (error as Error).message.split('\n')[0] };
    }
  });

  for (const { item, packets, error } of results) {
    const times = packets.map((p) => p.pts);
    check.statuses[item.status] = (check.statuses[item.status] ?? 0) + 1;
    const frame = 1 / item.fps;
    if (error || times.length === 0) {
      check.missingSeconds += item.publishedSec;
      problems.push({ id: item.streamId, seconds: item.publishedSec, what: `no media (${item.status}${error ? `: ${error}` : ''})` });
      continue;
    }
    let internal = 0;
    for (let i = 1; i < times.length; i++) {
      const step = times[i]! - times[i - 1]!;
      if (step > GAP_THRESHOLD_SEC) internal += step - frame;
    }
    const duration = times[times.length - 1]! - times[0]! + frame;
    const shortfall = Math.max(0, item.publishedSec - duration);
    const counted = shortfall > SHORTFALL_TOLERANCE_FRAMES * frame ? shortfall : 0;
    check.internalGapSeconds += internal;
    check.shortfallSeconds += counted;
    if (counted > 0) {
      const head = Math.min(counted, (headFrames(packets, item.clipFrameSizes) ?? 0) * frame);
      check.headSeconds += head;
      check.tailSeconds += counted - head;
    }
    check.maxShortfallSec = Math.max(check.maxShortfallSec, shortfall);
    check.minDurationSec = Math.min(check.minDurationSec, duration);
    check.maxDurationSec = Math.max(check.maxDurationSec, duration);
    if (internal + counted > 0) {
      problems.push({
        id: item.streamId,
        seconds: internal + counted,
        what: `${duration.toFixed(2)} s of ${item.publishedSec.toFixed(2)} s, internal gaps ${internal.toFixed(2)} s`,
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
