/**
 * Seconds of an exam a track has in neither the server's recordings nor the device segments
 * the candidate's page uploaded (#12 missingSeconds).
 *
 * - A server recording is read as the recorder leaves it: a finalised row's WebM covers
 *   [startedAt, startedAt + its packets' media time] (the converter sets startedAt to the wall
 *   clock of the file's first frame), a row still `stopped` (not converted yet) is its RTP
 *   dump, whose packets carry their arrival times on the server's wall clock.
 * - A device segment counts only when its file exists and its SHA-256 is the row's; it then
 *   covers [startedAt, startedAt + its packets' media time] for its tracks (a `camera` segment
 *   holds the camera and the microphone).
 *
 * Inside each file, a packet step over GAP_SEC is a hole (media that never arrived, e.g.
 * during a cut). Overlaps between files are merged.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DUMP_EXTENSION, parseDumpHeader, readDumpRecords, RecordKind } from '@proctor/recorder';

const run = promisify(execFile);
const GAP_SEC = 0.5;

export interface RecordingRow {
  source: string;
  path: string;
  startedAt: Date;
  endedAt: Date | null;
  status: string;
}

export interface DeviceSegmentRow {
  source: string;
  path: string;
  startedAt: Date;
  sha256: string;
}

type Span = [number, number];

const log = (...args: unknown[]) => console.error('[bench:drops]', ...args);

/** Media times (s) of one stream's packets in a WebM file. */
async function webmPacketTimes(file: string, kind: 'v' | 'a'): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', `${kind}:0`, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
}

/** Wall-clock arrival times (ms) of a dump's RTP packets. */
async function dumpArrivals(file: string): Promise<number[]> {
  const buf = await readFile(file);
  const { header, bodyOffset } = parseDumpHeader(buf);
  const out: number[] = [];
  for (const r of readDumpRecords(buf, bodyOffset)) if (r.kind === RecordKind.rtp) out.push(header.startedAtMs + r.arrivalMs);
  return out.sort((a, b) => a - b);
}

/** Wall-clock spans (ms) of sorted wall-clock packet times, split at steps over GAP_SEC. */
function spansOf(wallMs: number[], label: string): Span[] {
  if (wallMs.length < 2) return [];
  const spans: Span[] = [];
  let from = wallMs[0]!;
  for (let i = 1; i < wallMs.length; i++) {
    if (wallMs[i]! - wallMs[i - 1]! > GAP_SEC * 1000) {
      spans.push([from, wallMs[i - 1]!]);
      from = wallMs[i]!;
    }
  }
  spans.push([from, wallMs[wallMs.length - 1]!]);
  const holes = spans.slice(1).map((s, i) => `${((s[0] - spans[i]![1]) / 1000).toFixed(1)}@${s[0] % 100_000}`);
  log(`${label}: ${wallMs.length} packets over ${((wallMs.at(-1)! - wallMs[0]!) / 1000).toFixed(1)} s, holes (s@ms) [${holes.join(', ')}]`);
  return spans;
}

async function webmSpans(file: string, kind: 'v' | 'a', startMs: number, label: string): Promise<Span[]> {
  const times = await webmPacketTimes(file, kind);
  const first = times[0] ?? 0;
  return spansOf(
    times.map((t) => startMs + (t - first) * 1000),
    label,
  );
}

/** Wall-clock spans (ms) one server recording holds media for. */
async function recordingSpans(row: RecordingRow, dir: string): Promise<Span[]> {
  if (row.status === 'failed' || !row.endedAt) return [];
  const file = path.join(dir, row.path);
  try {
    if (row.path.endsWith(DUMP_EXTENSION)) return spansOf(await dumpArrivals(file), `server ${row.source} (dump)`);
    return await webmSpans(file, row.source === 'microphone' ? 'a' : 'v', row.startedAt.getTime(), `server ${row.source}`);
  } catch (error) {
    log(`server ${row.source}: unreadable ${row.path}: ${String(error)}`);
    return [];
  }
}

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** The tracks a device segment of `segmentSource` holds. */
function tracksOf(segmentSource: string): string[] {
  return segmentSource === 'camera' ? ['camera', 'microphone'] : [segmentSource];
}

/** Spans of `source` one uploaded device segment holds, or none when its file is gone or altered. */
async function segmentSpans(row: DeviceSegmentRow, source: string, dir: string): Promise<Span[]> {
  const file = path.join(dir, row.path);
  try {
    if ((await sha256Of(file)) !== row.sha256) {
      log(`device ${row.source} ${row.path}: SHA-256 differs from the row, not counted`);
      return [];
    }
    return await webmSpans(file, source === 'microphone' ? 'a' : 'v', row.startedAt.getTime(), `device ${source} @${row.startedAt.getTime() % 100_000}`);
  } catch (error) {
    log(`device ${row.source}: unreadable ${row.path}: ${String(error)}`);
    return [];
  }
}

function covered(spans: Span[], [from, to]: Span): number {
  const clipped = spans
    .map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cur: Span | undefined;
  for (const s of clipped) {
    if (cur && s[0] <= cur[1]) cur[1] = Math.max(cur[1], s[1]);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [...s];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

export interface Missing {
  /** Not covered by the server's recordings alone, per source (s). */
  server: Record<string, number>;
  /** Not covered by the server's recordings nor the verified device segments, per source (s). */
  total: Record<string, number>;
  /** Device segments counted (file present, hash verified). */
  verifiedSegments: number;
}

/** Missing seconds per source over the exam window `[from, to]` (epoch ms). */
export async function missingSeconds(rows: RecordingRow[], segments: DeviceSegmentRow[], dir: string, exam: Span, sources: string[]): Promise<Missing> {
  const out: Missing = { server: {}, total: {}, verifiedSegments: 0 };
  const verified = new Set<DeviceSegmentRow>();
  for (const source of sources) {
    const server = (await Promise.all(rows.filter((r) => r.source === source).map((r) => recordingSpans(r, dir)))).flat();
    const device: Span[] = [];
    for (const seg of segments.filter((s) => tracksOf(s.source).includes(source))) {
      const spans = await segmentSpans(seg, source, dir);
      if (spans.length > 0) verified.add(seg);
      device.push(...spans);
    }
    const length = exam[1] - exam[0];
    out.server[source] = Math.max(0, (length - covered(server, exam)) / 1000);
    out.total[source] = Math.max(0, (length - covered([...server, ...device], exam)) / 1000);
  }
  out.verifiedSegments = verified.size;
  return out;
}
